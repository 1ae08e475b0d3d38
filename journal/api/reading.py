"""Reading endpoints: open to everyone, and to a token's person with what they may see.

Entries are picked by ``Entry.objects.public()``, ``visible_to`` and ``written_by``, and
challenges by ``Challenge.objects.public()`` and ``visible_to``, as the pages pick them; a
page of a list is found by key as the pages find it (journal/pagination.py), so that each
endpoint runs the same number of queries at any depth.
"""

import re

from django.core.exceptions import BadRequest
from django.core.validators import slug_re
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router

from journal.api import schemas
from journal.api.auth import OWN, READ
from journal.models import Challenge, Entry, Notification, Topic, User, attach_topics
from journal.pagination import journey_page, keyset_page
from journal.views.challenges import STATUSES, board_page

router = Router(tags=["reading"], auth=READ)

MAX_PAGE_SIZE = 50
CHALLENGE_CURSOR = re.compile(r"(\d{1,9})\.(\d{1,18})")
# The largest id a bigint can hold: a larger number in an address is no row's.
MAX_ID = 2**63 - 1


def _limit():
    return Query(20, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page, 1 to {MAX_PAGE_SIZE}.")


def _entry_page(entries, before, limit):
    page = keyset_page(entries.for_cards().newest_first(), before, size=limit)
    attach_topics(page.object_list)
    return {"items": page.object_list, "next": page.next_cursor}


def _slug(value):
    # Anything but a slug (a NUL byte, which PostgreSQL refuses in a query) names nothing.
    if not slug_re.fullmatch(value):
        raise Http404
    return value


def entry_for(request, entry_id, entries=None):
    """The entry ``entry_id`` that the asking person may see, or a 404."""
    if entry_id > MAX_ID:
        raise Http404
    entries = Entry.objects.visible_to(request.user) if entries is None else entries
    return get_object_or_404(entries.for_cards(), pk=entry_id)


@router.get("entries/", response=schemas.EntryPage, url_name="entries")
def feed(request, topic: str | None = None, before: str | None = None, limit: int = _limit()):
    """Public entries, newest first, optionally of one topic (its slug)."""
    entries = Entry.objects.public()
    if topic is not None:
        entries = entries.filter(
            topics=get_object_or_404(Topic.objects.in_use(), slug=_slug(topic))
        )
    return _entry_page(entries, before, limit)


@router.get("entries/{int:entry_id}/", response=schemas.Entry, url_name="entry")
def entry_detail(request, entry_id: int):
    """One entry: public, or the token's person's own (private ones included)."""
    entry = entry_for(request, entry_id)
    attach_topics([entry])
    return entry


@router.get("people/{username:username}/", response=schemas.Profile, url_name="person")
def person(request, username: str):
    """A person's profile and stored figures."""
    return get_object_or_404(User.objects.visible_to(request.user), username=username)


@router.get("people/{username:username}/entries/", response=schemas.EntryPage, url_name="journey")
def journey(request, username: str, before: str | None = None, limit: int = _limit()):
    """A person's entries, latest day first (``before``: a day, YYYY-MM-DD). With the
    person's own token, their private entries too."""
    person = get_object_or_404(User.objects.visible_to(request.user), username=username)
    page = journey_page(Entry.objects.written_by(person, request.user), before, size=limit)
    for entry in page:
        entry.author = person
    attach_topics(page.object_list)
    return {"items": page.object_list, "next": page.next_cursor}


@router.get("topics/{slug}/entries/", response=schemas.EntryPage, url_name="topic_entries")
def topic_entries(request, slug: str, before: str | None = None, limit: int = _limit()):
    """A topic's public entries, newest first."""
    topic = get_object_or_404(Topic.objects.in_use(), slug=_slug(slug))
    return _entry_page(Entry.objects.public().filter(topics=topic), before, limit)


@router.get("challenges/", response=schemas.ChallengePage, url_name="challenges")
def challenges(
    request,
    status: str = "running",
    after: str | None = None,
    limit: int = _limit(),
):
    """Public challenges (``status``: running, soon or finished), most participants first
    (``after``: the ``next`` cursor of the page before)."""
    if status not in STATUSES:
        raise BadRequest("status is running, soon or finished.")
    _, pick = STATUSES[status]
    rows = pick(Challenge.objects.public(), timezone.localdate()).select_related("creator")
    if after:
        if not (match := CHALLENGE_CURSOR.fullmatch(after)):
            raise BadRequest("This list has no such page.")
        count, pk = map(int, match.groups())
        rows = rows.filter(participant_count__lte=count).exclude(
            participant_count=count, pk__gte=pk
        )
    found = list(rows.most_joined_first()[: limit + 1])
    items = found[:limit]
    last = items[-1] if len(found) > limit else None
    return {"items": items, "next": f"{last.participant_count}.{last.pk}" if last else None}


def challenge_for(request, slug, invite=None):
    """The challenge ``slug`` as the asking person may see it, ``invite`` counting."""
    if invite is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", invite):
        invite = None
    return get_object_or_404(
        Challenge.objects.visible_to(request.user, invite=invite).select_related("creator"),
        slug=_slug(slug),
    )


@router.get("challenges/{slug}/", response=schemas.Challenge, url_name="challenge")
def challenge(request, slug: str, invite: str | None = None):
    """A challenge: public, or invite-only to its members and to whoever holds ``invite``."""
    return challenge_for(request, slug, invite)


@router.get("challenges/{slug}/entries/", response=schemas.EntryPage, url_name="challenge_entries")
def challenge_entries(
    request, slug: str, invite: str | None = None, before: str | None = None, limit: int = _limit()
):
    """The public entries of a challenge's participants, from its start, newest first."""
    return _entry_page(challenge_for(request, slug, invite).public_entries(), before, limit)


@router.get("challenges/{slug}/board/", response=schemas.BoardPage, url_name="challenge_board")
def challenge_board(request, slug: str, invite: str | None = None, after: str | None = None):
    """A challenge's board: participants who chose to appear, most days counted first."""
    page = board_page(challenge_for(request, slug, invite), after)
    return {"items": [_board_row(row) for row in page], "next": page.next_cursor}


def _board_row(row):
    return {
        "person": row.person,
        "days_counted": row.days_counted,
        "longest_streak": row.longest_streak,
        "current_streak": row.current_streak,
        "day": row.today.number if row.today else None,
    }


@router.get("me/", response=schemas.Me, auth=OWN, url_name="me")
def me(request):
    """The token's person, with all their figures (private entries counted)."""
    return request.user


@router.get(
    "me/notifications/", response=schemas.NotificationPage, auth=OWN, url_name="notifications"
)
def notifications(request, before: str | None = None, limit: int = _limit()):
    """The token's person's notifications, newest first. Reading them marks none read."""
    inbox = Notification.objects.inbox(request.user).select_related("actor", "challenge")
    page = keyset_page(inbox.order_by("-created_at", "-id"), before, size=limit)
    return {"items": page.object_list, "next": page.next_cursor}
