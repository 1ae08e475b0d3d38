"""Keyset pagination for newest-first lists of entries, and for a journey's days; and
numbered pages, each at one address, for the short lists (topics, people, search).

"Older →" carries the (created_at, id) of the last entry shown, and the next page starts
below it. Unlike OFFSET, which reads and throws away every earlier row, this reads only the
page it shows through the newest-first index, so page 5,000 of the feed is as fast as
page 1, and no COUNT over millions of entries is needed.

A cursor this module did not write (one typed by hand, or cut short) is refused with a 400:
it names no place in the list.
"""

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import BadRequest
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect

from journal.models import Entry

PAGE_SIZE = 20


class KeysetPage:
    def __init__(
        self,
        entries: list[Entry],
        *,
        size: int,
        after_cursor: bool,
        cursor_of: Callable[[Entry], str],
    ) -> None:
        self.object_list = entries[:size]
        self.has_next = len(entries) > size
        self.has_previous = after_cursor
        self.next_cursor = cursor_of(self.object_list[-1]) if self.has_next else None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def keyset_page(entries: QuerySet[Entry], cursor: str | None, size: int = PAGE_SIZE) -> KeysetPage:
    """The page of ``entries`` (ordered newest first by created_at, id) after ``cursor``."""
    position = _decode(cursor)
    if position:
        created_at, pk = position
        # The first condition alone is what an index can start from: with the OR alone,
        # PostgreSQL walked the newest-first index from the top and filtered every newer row.
        entries = entries.filter(created_at__lte=created_at).filter(
            Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk)
        )
    return KeysetPage(
        list(entries[: size + 1]), size=size, after_cursor=position is not None, cursor_of=_encode
    )


def journey_page(entries: QuerySet[Entry], cursor: str | None, size: int = PAGE_SIZE) -> KeysetPage:
    """The page of one person's ``entries``, latest day first, before the day in ``cursor``.

    A person has one entry a day, so the day alone marks the place.
    """
    before = _decode_day(cursor)
    if before:
        entries = entries.filter(day__lt=before)
    return KeysetPage(
        list(entries.order_by("-day")[: size + 1]),
        size=size,
        after_cursor=before is not None,
        cursor_of=lambda entry: entry.day.isoformat(),
    )


def _encode(entry: Entry) -> str:
    return f"{entry.created_at.isoformat()}_{entry.pk}"


def _decode(cursor: str | None) -> tuple[dt.datetime, int] | None:
    """The position in a cursor, or None for the first page."""
    if not cursor:
        return None
    moment, _, number = cursor.rpartition("_")
    try:
        created_at, pk = dt.datetime.fromisoformat(moment), int(number)
        if created_at.tzinfo is not None and pk > 0:
            # In UTC, as written: PostgreSQL refuses offsets beyond 15:59, and a moment
            # whose UTC time falls outside years 1 to 9999 (0001-01-01T00:00+01:00) is no
            # moment an entry was written at.
            return created_at.astimezone(dt.UTC), pk
    except (ValueError, OverflowError):
        pass
    raise BadRequest("This list has no such page.")


def _decode_day(cursor: str | None) -> dt.date | None:
    """The day in a journey's cursor, or None for the first page."""
    if not cursor:
        return None
    try:
        return dt.date.fromisoformat(cursor)
    except ValueError as error:
        raise BadRequest("This journey has no such page.") from error


def numbered_page(
    request: HttpRequest, objects: Any, size: int
) -> tuple[Page[Any], HttpResponseRedirect | None]:
    """The page of ``objects`` that ``?page=`` names, and a redirect to that page's own
    address when ``?page=`` writes it any other way (``02``, ``x``, a number past the end):
    each page then has one address, so varying the number cannot miss the page cache.
    The redirect is None when the address is the page's own."""
    page = Paginator(objects, size).get_page(request.GET.get("page"))
    own = str(page.number) if page.number > 1 else None
    if request.GET.get("page") == own:
        return page, None
    query = request.GET.copy()
    query.pop("page", None)
    if own:
        query["page"] = own
    return page, redirect(f"{request.path}?{query.urlencode()}" if query else request.path)
