"""The parts of a page that belong to whoever reads it, filled in after the page is rendered.

Pages are rendered for signed-in people without a thought for who they are: wherever the
navigation, a cheer button or a follow button depends on the reader, templates leave a slot,
an HTML comment. ViewerPartsMiddleware fills the slots of every signed-in HTML response,
so one rendering of the feed can be served to every reader from the page cache
(journal/pagecache.py) while each still sees their own name, unread count, cheers and
follows. Nothing a person writes can forge a slot: text is escaped on the way
out, and nh3 drops the comments of rendered Markdown.
"""

import functools
from types import SimpleNamespace

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.template.loader import get_template
from django.urls import get_script_prefix

from journal.middleware import DATABASE_UNAVAILABLE, database_unavailable
from journal.models import Cheer, Follow, Notification
from journal.pagecache import CSRF_VALUE, csrf_token

# Slots are read with bytes.find rather than regular expressions: a journey is about 100 kB,
# and each regular expression pass over it cost about 0.2 ms on every request.
MARK = b"<!--viewer:"
TAG_END = b"-->"
# <!--viewer:nav-links--> and <!--viewer:nav-actions-->: the navigation's own parts.
NAV_TEMPLATES = {
    b"nav-links": "includes/nav_links.html",
    b"nav-actions": "includes/nav_actions.html",
}
# <!--viewer:cheer ENTRY AUTHOR-->button<!--/viewer:cheer-->: the button is rendered not
# pressed; its author gets no button at all.
CHEER_END = b"<!--/viewer:cheer-->"
# <!--viewer:follow PERSON-->follow form<!--viewer:following-->unfollow form
# <!--/viewer:follow-->: both forms are rendered.
FOLLOW_MARK = b"<!--viewer:follow "
FOLLOWING = b"<!--viewer:following-->"
FOLLOW_END = b"<!--/viewer:follow-->"


def fill(request, html):
    """``html`` (bytes) with every slot filled for ``request.user``, who is signed in."""
    if MARK not in html:
        return html
    viewer = request.user
    names = ["unread", "cheered"]
    if FOLLOW_MARK in html:
        # Whom the reader follows matters only to pages with a follow button (journeys).
        names.append("following")
    figures = dict(zip(names, own(viewer, *names), strict=True))
    parts = []
    position = 0
    while (start := html.find(MARK, position)) != -1:
        parts.append(html[position:start])
        tag_end = html.index(TAG_END, start)
        kind, _, argument = html[start + len(MARK) : tag_end].partition(b" ")
        body = tag_end + len(TAG_END)
        if kind == b"cheer":
            end = html.index(CHEER_END, body)
            entry_id, author_id = map(int, argument.split())
            parts.append(_cheer(html[body:end], entry_id, author_id, viewer, figures["cheered"]))
            position = end + len(CHEER_END)
        elif kind == b"follow":
            middle = html.index(FOLLOWING, body)
            end = html.index(FOLLOW_END, middle)
            forms = html[body:middle], html[middle + len(FOLLOWING) : end]
            parts.append(_follow(forms, int(argument), viewer, figures["following"]))
            position = end + len(FOLLOW_END)
        else:
            parts.append(_nav(NAV_TEMPLATES[kind], request, figures["unread"]))
            position = body
    parts.append(html[position:])
    return b"".join(parts)


def _nav(template, request, unread):
    user = request.user
    match = request.resolver_match
    # The two pages the person's own links mark as the current one.
    current = None
    if match and match.url_name == "notifications":
        current = "notifications"
    elif match and match.url_name == "journey" and match.kwargs["username"] == user.username:
        current = "journey"
    html = _rendered_nav(
        template,
        get_script_prefix(),
        user.username,
        user.name,
        user.initials,
        user.can_moderate,
        unread,
        current,
    )
    # The rendering is shared by all of the person's requests; the token is this one's.
    return html.replace(_NAV_TOKEN_FIELD, CSRF_VALUE + csrf_token(request).encode() + b'"')


_NAV_TOKEN = "nav-token"
_NAV_TOKEN_FIELD = CSRF_VALUE + _NAV_TOKEN.encode() + b'"'


@functools.lru_cache(maxsize=2048)
def _rendered_nav(template, script_prefix, username, name, initials, can_moderate, unread, current):
    """A navigation part for one combination of everything it shows, rendered once per
    process: two small templates on every signed-in request cost a fifth of a page served
    from the cache. The arguments are all that the templates read."""
    person = SimpleNamespace(
        username=username, name=name, initials=initials, can_moderate=can_moderate
    )
    context = {
        "user": person,
        "current_page": current,
        "csrf_token": _NAV_TOKEN,
        "unread_notification_count": unread,
    }
    return get_template(template).render(context).encode()


def _cheer(button, entry_id, author_id, viewer, cheered):
    if author_id == viewer.pk:
        return b""
    if entry_id in cheered:
        return button.replace(b'aria-pressed="false"', b'aria-pressed="true"', 1)
    return button


def _follow(forms, person_id, viewer, following):
    follow_form, unfollow_form = forms
    if person_id == viewer.pk or viewer.is_suspended:
        return b""
    if person_id in following:
        return unfollow_form
    return follow_form


def _unread(user):
    return Notification.objects.inbox(user).unread().count()


def _cheered(user):
    return frozenset(Cheer.objects.filter(user=user).values_list("entry_id", flat=True))


def _following(user):
    return frozenset(Follow.objects.filter(follower=user).values_list("followed_id", flat=True))


# What a reader's parts show that is theirs alone: how it is worked out, and for how many
# seconds the cache may keep it. Each is forgotten as soon as the person's own rows change
# (see connect_signals); the time bounds what changes elsewhere, as when a moderator's
# suspension takes the suspended person's notifications out of every inbox.
OWN = {"unread": (_unread, 60), "cheered": (_cheered, 600), "following": (_following, 600)}


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


def _on_follow_write(sender, instance, **kwargs):
    own_changed("following", instance.follower_id)


def connect_signals():
    for model, receiver in (
        (Notification, _on_notification_write),
        (Cheer, _on_cheer_write),
        (Follow, _on_follow_write),
    ):
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
            and MARK in response.content
            and request.user.is_authenticated
        ):
            try:
                response.content = fill(request, response.content)
            except DATABASE_UNAVAILABLE as exception:
                # A page from the cache, but the reader's parts need the database.
                return database_unavailable(exception)
        return response
