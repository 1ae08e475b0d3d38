"""The parts of a page that belong to whoever reads it, filled in after the page is rendered.

Pages are rendered for signed-in people without a thought for who they are: wherever the
navigation, a cheer button or a follow button depends on the reader, a template writes a
part with ``{% reader_part %}`` (journal/templatetags/caching.py), which marks it with
``part_start`` and ``PART_END`` below. ReaderPartsMiddleware fills the parts of every
signed-in HTML response, so one rendering of the feed can be served to every reader from
the page cache (pages.py) while each still sees their own name, unread count, cheers and
follows. Nothing a person writes can forge a part: text is escaped on the way out, and
nh3 drops the comments of rendered Markdown.
"""

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils import timezone

from journal import streaks
from journal.caching.pages import CSRF_VALUE, csrf_token
from journal.middleware import DATABASE_UNAVAILABLE, database_unavailable
from journal.models import Challenge, Cheer, Follow, Notification, Participation, User

# Parts are found with bytes.find rather than regular expressions: a journey is about
# 100 kB, and each regular expression pass over it cost about 0.2 ms on every request.
MARK = b"<!--reader:"
TAG_END = b"-->"
OTHERWISE = b"<!--reader:otherwise-->"
PART_END = b"<!--/reader-->"
NAV_TEMPLATES = {
    b"nav-links": "includes/nav_links.html",
    b"nav-actions": "includes/nav_actions.html",
}
# What each kind of part needs to know about the reader (keys of OWN); the state of their
# day ("today") comes from their own row, which every signed-in request reads anyway, and
# from their progress in each of their challenges.
FIGURES: dict[bytes, str | None] = {
    b"nav-links": "unread",
    b"nav-actions": "unread",
    b"cheer": "cheered",
    b"follow": "following",
    b"today": "progress",
    b"challenge": "joined",
}


def part_start(kind: str, *arguments: object) -> str:
    """The mark that opens a part of ``kind`` about ``arguments`` (ids)."""
    return "<!--reader:" + " ".join([kind, *map(str, arguments)]) + "-->"


def fill(request: HttpRequest, html: bytes) -> bytes:
    """``html`` (bytes) with every part filled for ``request.user``, who is signed in.

    A part is ``<!--reader:KIND ARGS-->BODY<!--/reader-->``; a follow part's body holds the
    follow form, ``<!--reader:otherwise-->`` and the unfollow form, and a challenge part
    the join form, then the leave form.
    """
    if MARK not in html:
        return html
    viewer = cast(User, request.user)
    found = []
    position = 0
    while (start := html.find(MARK, position)) != -1:
        tag_end = html.index(TAG_END, start)
        end = html.index(PART_END, tag_end)
        kind, _, argument = html[start + len(MARK) : tag_end].partition(b" ")
        position = end + len(PART_END)
        found.append((start, position, kind, argument, html[tag_end + len(TAG_END) : end]))
    # Only the figures this page's parts need, in one round trip.
    names = sorted({name for _, _, kind, _, _ in found if (name := FIGURES[kind])})
    figures = dict(zip(names, own(viewer, *names), strict=True))
    parts = []
    position = 0
    for start, stop, kind, argument, body in found:
        parts.append(html[position:start])
        if kind == b"cheer":
            entry_id, author_id = map(int, argument.split())
            parts.append(_cheer(body, entry_id, author_id, viewer, figures["cheered"]))
        elif kind == b"follow":
            forms = body.split(OTHERWISE)
            parts.append(_follow(forms, int(argument), viewer, figures["following"]))
        elif kind == b"today":
            parts.append(_today(viewer, figures["progress"]))
        elif kind == b"challenge":
            forms = body.split(OTHERWISE)
            parts.append(_challenge(forms, int(argument), viewer, figures["joined"]))
        else:
            parts.append(_nav(NAV_TEMPLATES[kind], request, figures["unread"]))
        position = stop
    parts.append(html[position:])
    return b"".join(parts)


def _nav(template: str, request: HttpRequest, unread: int) -> bytes:
    user = cast(User, request.user)
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
        user.last_entry_day == user.local_today(),
    )
    # The rendering is shared by all of the person's requests; the token is this one's.
    return html.replace(_NAV_TOKEN_FIELD, CSRF_VALUE + csrf_token(request).encode() + b'"')


_NAV_TOKEN = "nav-token"
_NAV_TOKEN_FIELD = CSRF_VALUE + _NAV_TOKEN.encode() + b'"'


@functools.lru_cache(maxsize=2048)
def _rendered_nav(
    template: str,
    script_prefix: str,
    username: str,
    name: str,
    initials: str,
    can_moderate: bool,
    unread: int,
    current: str | None,
    wrote_today: bool,
) -> bytes:
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
        "wrote_today": wrote_today,
    }
    return get_template(template).render(context).encode()


@dataclass(frozen=True)
class ChallengeProgress:
    """A person's stored figures in one of their challenges, as their day's part needs
    them (the "progress" figure); what they mean today is worked out when it is shown."""

    url: str
    title: str
    daily_minimum: int
    starts_on: dt.date | None
    length_days: int | None
    first_counted: dt.date | None
    checked_in_until: dt.datetime | None

    def day_on(self, today: dt.date) -> streaks.ChallengeDay | None:
        """The challenge's Day N on the person's ``today`` (Participation.day_on)."""
        if self.starts_on is not None:
            number = streaks.dated_day_number(self.starts_on, today)
        else:
            number = streaks.rolling_day_number(self.first_counted, today)
        return None if number is None else streaks.ChallengeDay(number, self.length_days)


@dataclass(frozen=True)
class ChallengeToday:
    """One line of the day's part: a challenge, its Day N today, and whether today counts."""

    url: str
    title: str
    day: str
    written: bool
    daily_minimum: int


def _today(viewer: User, progress: list[ChallengeProgress]) -> bytes:
    """The state of the reader's own day: written or not, the hours left in it, and where
    they stand today in each of their running challenges."""
    utc_now = timezone.now()
    now = utc_now.astimezone(viewer.zone)
    today = now.date()
    wrote_today = viewer.last_entry_day == today
    midnight = dt.datetime.combine(today + dt.timedelta(days=1), dt.time(), tzinfo=viewer.zone)
    hours_left = int((midnight - now).total_seconds() // 3600)
    # Day N of today's entry: the last written, or the next.
    day_number = viewer.entry_count if wrote_today else viewer.entry_count + 1
    challenges = []
    for challenge in progress:
        day = challenge.day_on(today)
        if day is not None and day.is_over:
            continue
        written = challenge.checked_in_until is not None and challenge.checked_in_until > utc_now
        challenges.append(
            ChallengeToday(
                challenge.url,
                challenge.title,
                # A rolling challenge's Day 1 is the first day that counts.
                str(day) if day else str(streaks.ChallengeDay(1, challenge.length_days)),
                written,
                challenge.daily_minimum,
            )
        )
    return _rendered_today(
        get_script_prefix(),
        wrote_today,
        day_number,
        viewer.current_streak,
        hours_left,
        tuple(challenges),
    )


@functools.lru_cache(maxsize=1024)
def _rendered_today(
    script_prefix: str,
    wrote_today: bool,
    day_number: int,
    streak: int,
    hours_left: int,
    challenges: tuple[ChallengeToday, ...],
) -> bytes:
    """The day's part for one combination of what it shows, rendered once per process."""
    context = {
        "wrote_today": wrote_today,
        "day_number": day_number,
        "streak": streak,
        "hours_left": hours_left,
        "challenges": challenges,
    }
    return get_template("includes/today.html").render(context).encode()


def _cheer(
    button: bytes, entry_id: int, author_id: int, viewer: User, cheered: frozenset[int]
) -> bytes:
    # The button is rendered not pressed; its author gets no button at all.
    if author_id == viewer.pk:
        return b""
    if entry_id in cheered:
        return button.replace(b'aria-pressed="false"', b'aria-pressed="true"', 1)
    return button


def _follow(forms: list[bytes], person_id: int, viewer: User, following: frozenset[int]) -> bytes:
    follow_form, unfollow_form = forms
    if person_id == viewer.pk or viewer.is_suspended:
        return b""
    if person_id in following:
        return unfollow_form
    return follow_form


def _challenge(
    forms: list[bytes], challenge_id: int, viewer: User, joined: frozenset[int]
) -> bytes:
    join_form, leave_form = forms
    if viewer.is_suspended:
        return b""
    return leave_form if challenge_id in joined else join_form


def _unread(user: User) -> int:
    return Notification.objects.inbox(user).unread().count()


def _cheered(user: User) -> frozenset[int]:
    return frozenset(Cheer.objects.filter(user=user).values_list("entry_id", flat=True))


def _following(user: User) -> frozenset[int]:
    return frozenset(Follow.objects.filter(follower=user).values_list("followed_id", flat=True))


def _joined(user: User) -> frozenset[int]:
    return frozenset(
        Participation.objects.filter(person=user).values_list("challenge_id", flat=True)
    )


# The day's part names at most this many challenges, the latest joined first.
TODAY_CHALLENGES = 8


def _progress(user: User) -> list[ChallengeProgress]:
    """``user``'s figures in the challenges running on their today, that they may see."""
    today = user.local_today()
    running = Challenge.objects.visible_to(user).running(today)
    rows = (
        Participation.objects.filter(person=user, challenge__in=running)
        .select_related("challenge")
        .order_by("-joined_at", "-pk")[:TODAY_CHALLENGES]
    )
    return [
        ChallengeProgress(
            url=row.challenge.get_absolute_url(),
            title=row.challenge.title,
            daily_minimum=row.challenge.daily_minimum,
            starts_on=row.challenge.starts_on,
            length_days=row.challenge.length_days,
            first_counted=row.first_counted,
            checked_in_until=row.checked_in_until,
        )
        for row in rows
    ]


# What a reader's parts show that is theirs alone: how it is worked out, and for how many
# seconds the cache may keep it. Each is forgotten as soon as the person's own rows change
# (journal.caching.changed); the time bounds what changes elsewhere, as when a moderator's
# suspension takes the suspended person's notifications out of every inbox.
OWN: dict[str, tuple[Callable[[User], Any], int]] = {
    "unread": (_unread, 60),
    "cheered": (_cheered, 600),
    "following": (_following, 600),
    "joined": (_joined, 600),
    # Forgotten on every change of the person's figures or challenges; the time bounds a
    # challenge's creator closing it or changing its dates.
    "progress": (_progress, 60),
}


def own(user: User, *names: str) -> list[Any]:
    """``user``'s figures called ``names`` (keys of OWN), from the cache in one round trip."""
    keys = [_own_key(name, user.pk) for name in names]
    found = cache.get_many(keys)
    for name, key in zip(names, keys, strict=True):
        if key not in found:
            work_out, seconds = OWN[name]
            found[key] = work_out(user)
            cache.set(key, found[key], seconds)
    return [found[key] for key in keys]


def _own_key(name: str, person_id: int) -> str:
    return f"own:{name}:{person_id}"


def forget_own(name: str, person_id: int) -> None:
    """Forget a person's figure ``name``: the rows behind it changed."""
    if name not in OWN:
        raise ValueError(f"No figure called {name!r}")
    key = _own_key(name, person_id)
    cache.delete(key)
    # Again on commit: another request may have read the old rows in between.
    transaction.on_commit(lambda: cache.delete(key))


def unread_count(user: User) -> int:
    (count,) = own(user, "unread")
    return count


class ReaderPartsMiddleware:
    """Fill the reader's own parts into every signed-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if (
            # A 5xx may mean the database is down: the page goes out without the reader's
            # parts rather than failing again while filling them.
            response.status_code < 500
            and isinstance(response, HttpResponse)
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
