"""Figures every page's navigation shows."""

from journal.models import Notification


def notifications(request):
    """The signed-in person's unread notification count, in one query; nothing for visitors."""
    if not request.user.is_authenticated:
        return {}
    inbox = Notification.objects.inbox(request.user)
    return {"unread_notification_count": inbox.unread().count()}
