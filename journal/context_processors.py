"""Figures every page's navigation shows."""

from django.utils.functional import SimpleLazyObject

from journal.viewer import unread_count


def notifications(request):
    """The signed-in person's unread notification count, counted only by a page that shows it
    (the navigation's slot, journal/viewer.py); nothing for visitors."""
    if not request.user.is_authenticated:
        return {}
    return {"unread_notification_count": SimpleLazyObject(lambda: unread_count(request.user))}
