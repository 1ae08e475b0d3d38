"""Who may do what: the checks shared by every view that changes data."""

import functools

from django.contrib.auth.decorators import login_required
from django.shortcuts import render


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


SIGNED_OUT = (
    "You are signed out, so nothing can be previewed or uploaded. Your text is still here: "
    "log in again in another tab, then come back to this one and carry on."
)
SUSPENDED = "Your account is suspended, so you cannot post."


def participant_required_in_background(refuse):
    """The same gate for the editor's own requests (live preview, image upload).

    The person refused gets ``refuse(request, reason, 403)``: words the editor shows, and
    not a redirect to the log-in page, which the editor would show as the preview of
    their text. ``reason`` says why, and what to do without losing the text.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return refuse(request, SIGNED_OUT, 403)
            if request.user.is_suspended:
                return refuse(request, SUSPENDED, 403)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
