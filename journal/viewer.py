"""The parts of a page that belong to whoever reads it, filled in after the page is rendered.

Pages are rendered for signed-in people without a thought for who they are: wherever the
navigation, a cheer button or a follow button depends on the reader, templates leave a slot,
an HTML comment. ViewerPartsMiddleware fills the slots of every signed-in HTML response,
so one rendering of the feed can be served to every reader from the page cache
(journal/pagecache.py) while each still sees their own name, unread count, cheers and
follows. Nothing a person writes can forge a slot: text is escaped on the way
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
    unread, cheered = own(viewer, "unread", "cheered")
    if NAV.search(html):
        nav = {
            "user": viewer,
            "request": request,
            "csrf_token": get_token(request),
            "unread_notification_count": unread,
        }
        html = NAV.sub(lambda slot: get_template(f"includes/nav_{slot[1]}.html").render(nav), html)
    html = CHEER.sub(lambda slot: _cheer(slot, viewer, cheered), html)
    return FOLLOW.sub(lambda slot: _follow(slot, viewer), html)


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


def _unread(user):
    return Notification.objects.inbox(user).unread().count()


def _cheered(user):
    return frozenset(Cheer.objects.filter(user=user).values_list("entry_id", flat=True))


# What a reader's parts show that is theirs alone: how it is worked out, and for how many
# seconds the cache may keep it. Each is forgotten as soon as the person's own rows change
# (see connect_signals); the time bounds what changes elsewhere, as when a moderator's
# suspension takes the suspended person's notifications out of every inbox.
OWN = {"unread": (_unread, 60), "cheered": (_cheered, 600)}


def own(user, *names):
    """``user``'s figures called ``names`` (keys of OWN), from the cache in one round trip."""
    keys = [f"own:{name}:{user.pk}" for name in names]
    found = cache.get_many(keys)
    for name, key in zip(names, keys, strict=True):
        if key not in found:
            work_out, seconds = OWN[name]
            found[key] = work_out(user)
            cache.set(key, found[key], seconds)
    return [found[key] for key in keys]


def own_changed(name, user_id):
    """Call when the rows behind a person's figure ``name`` change."""
    key = f"own:{name}:{user_id}"
    cache.delete(key)
    # Again on commit: another request may have read the old rows in between.
    transaction.on_commit(lambda: cache.delete(key))


def unread_count(user):
    (count,) = own(user, "unread")
    return count


def _on_notification_write(sender, instance, **kwargs):
    own_changed("unread", instance.recipient_id)


def _on_cheer_write(sender, instance, **kwargs):
    own_changed("cheered", instance.user_id)


def connect_signals():
    for model, receiver in ((Notification, _on_notification_write), (Cheer, _on_cheer_write)):
        post_save.connect(receiver, sender=model, dispatch_uid=f"own-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"own-delete-{model.__name__}")


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
