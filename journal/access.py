"""Who may do what: the checks shared by every view that changes data."""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from journal import ratelimit


def participant_required(view):
    """Signed in and not suspended: the gate of every view that writes.

    Visitors are sent to log in and brought back; a suspended person is told why.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.is_suspended:
            return render(request, "journal/suspended.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


# What the editor shows in place of its preview, or beside its image button.
SIGNED_OUT = (
    "You are signed out, so nothing can be previewed or uploaded. Your text is still here: "
    "log in again in another tab, then come back to this one and carry on."
)
SUSPENDED = "Your account is suspended, so you cannot post."
LIMITED = (
    "Too many requests in a short time, so the preview and uploads have paused. Your text "
    "is still here: wait a few minutes, then carry on."
)


def editor_request(scope, refuse):
    """The gate of the editor's own requests (live preview, image upload): a participant,
    within the rate limit ``scope``.

    Whoever is refused gets ``refuse(request, reason, status)``: words the editor shows,
    not a redirect to the log-in page or the 429 page, which the editor would show as the
    preview of their text. ``reason`` says why, and what to do without losing the text.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return refuse(request, SIGNED_OUT, 403)
            if request.user.is_suspended:
                return refuse(request, SUSPENDED, 403)
            if not ratelimit.hit(scope, request):
                return refuse(request, LIMITED, 429)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
