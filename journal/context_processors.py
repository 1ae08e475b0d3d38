"""Figures every page's navigation shows."""

from django.utils.functional import SimpleLazyObject

from journal.caching.reader import unread_count


def notifications(request):
    """The signed-in person's unread notification count, counted only by a page that shows it
    (the navigation's part, journal/caching/reader.py); nothing for visitors.

    An error page can be rendered for a request refused before authentication ran (a
    Host header not in ALLOWED_HOSTS): such a request has no ``user`` and is a visitor's.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(user))}
