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
