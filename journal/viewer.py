"""The parts of a page that belong to whoever reads it, filled in after the page is rendered.

Pages are rendered for signed-in people without a thought for who they are: wherever the
navigation, a cheer button or a follow button depends on the reader, templates leave a slot,
an HTML comment. ViewerPartsMiddleware fills the slots of every
signed-in HTML response, so one rendering of the feed can be served to every reader from
the page cache (journal/pagecache.py) while each still sees their own name, unread count,
cheers and follows. Nothing a person writes can forge a slot: text is escaped on the way
out, and nh3 drops the comments of rendered Markdown.
"""

import re

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import get_token
from django.template.loader import get_template

from journal.middleware import DATABASE_UNAVAILABLE, database_unavailable
from journal.models import Cheer, Follow, Notification

MARK = "<!--viewer:"
NAV = re.compile(r"<!--viewer:nav-(links|actions)-->")
# The cheer form is rendered not pressed; its author gets no form at all.
CHEER = re.compile(r"<!--viewer:cheer (\d+) (\d+)-->(.*?)<!--/viewer:cheer-->", re.S)
# Both forms are rendered: to follow, then to unfollow.
FOLLOW = re.compile(
    r"<!--viewer:follow (\d+)-->(.*?)<!--viewer:following-->(.*?)<!--/viewer:follow-->", re.S
)


def fill(request, html):
    """``html`` with every slot filled for ``request.user``, who is signed in."""
    if MARK not in html:
        return html
    viewer = request.user
    if NAV.search(html):
        nav = _nav_context(request)
        html = NAV.sub(lambda slot: get_template(f"includes/nav_{slot[1]}.html").render(nav), html)
    cheer_slots = CHEER.findall(html)
    if cheer_slots:
        cheered = set(
            Cheer.objects.filter(
                user=viewer, entry_id__in={int(entry_id) for entry_id, _, _ in cheer_slots}
            ).values_list("entry_id", flat=True)
        )
        html = CHEER.sub(lambda slot: _cheer(slot, viewer, cheered), html)
    return FOLLOW.sub(lambda slot: _follow(slot, viewer), html)


def _nav_context(request):
    # Built by hand rather than by the context processors: the navigation needs only this,
    # and every processor would cost each reader something on every page.
    return {
        "user": request.user,
        "request": request,
        "csrf_token": get_token(request),
        "unread_notification_count": unread_count(request.user),
    }


def _cheer(slot, viewer, cheered):
    entry_id, author_id, form = int(slot[1]), int(slot[2]), slot[3]
    if author_id == viewer.pk:
        return ""
    if entry_id in cheered:
        return form.replace('aria-pressed="false"', 'aria-pressed="true"', 1)
    return form


def _follow(slot, viewer):
    person_id, follow_form, unfollow_form = int(slot[1]), slot[2], slot[3]
    if person_id == viewer.pk or viewer.is_suspended:
        return ""
    if Follow.objects.filter(follower=viewer, followed_id=person_id).exists():
        return unfollow_form
    return follow_form


def unread_count(user):
    """The count of ``user``'s unread notifications, as the navigation shows it.

    Kept in the cache until one of their notifications changes, and for a minute at most,
    which bounds how long a moderator's action elsewhere (a suspension takes the suspended
    person's notifications out of every inbox) takes to show in the count.
    """
    key = _unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notification.objects.inbox(user).unread().count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def unread_changed(recipient_id):
    """Call when a person's notifications change, for instance when they are read."""
    key = _unread_key(recipient_id)
    cache.delete(key)
    # Again on commit: another request may have counted the old rows in between.
    transaction.on_commit(lambda: cache.delete(key))


UNREAD_SECONDS = 60


def _unread_key(user_id):
    return f"unread:{user_id}"


def _on_notification_write(sender, instance, **kwargs):
    unread_changed(instance.recipient_id)


def connect_signals():
    post_save.connect(_on_notification_write, sender=Notification, dispatch_uid="unread-save")
    post_delete.connect(_on_notification_write, sender=Notification, dispatch_uid="unread-delete")


class ViewerPartsMiddleware:
    """Fill the reader's own parts into every signed-in page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            # A 5xx may mean the database is down: the page goes out without the reader's
            # parts rather than failing again while filling them.
            response.status_code < 500
            and not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and MARK.encode() in response.content
            and request.user.is_authenticated
        ):
            try:
                response.content = fill(request, response.content.decode()).encode()
            except DATABASE_UNAVAILABLE as exception:
                # A page from the cache, but the reader's parts need the database.
                return database_unavailable(exception)
        return response
