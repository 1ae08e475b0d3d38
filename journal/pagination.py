"""Keyset pagination for newest-first lists of entries, and for a journey's days.

"Older →" carries the (created_at, id) of the last entry shown, and the next page starts
below it. Unlike OFFSET, which reads and throws away every earlier row, this reads only the
page it shows through the newest-first index, so page 5,000 of the feed is as fast as
page 1, and no COUNT over millions of entries is needed.
"""

import datetime as dt

from django.db.models import Q

PAGE_SIZE = 20


class KeysetPage:
    def __init__(self, entries, *, size, after_cursor, cursor_of):
        self.object_list = entries[:size]
        self.has_next = len(entries) > size
        self.has_previous = after_cursor
        self.next_cursor = cursor_of(self.object_list[-1]) if self.has_next else None

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    def has_other_pages(self):
        return self.has_next or self.has_previous


def keyset_page(entries, cursor, size=PAGE_SIZE):
    """The page of ``entries`` (ordered newest first by created_at, id) after ``cursor``."""
    position = _decode(cursor)
    if position:
        created_at, pk = position
        entries = entries.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, pk__lt=pk))
    return KeysetPage(
        list(entries[: size + 1]), size=size, after_cursor=position is not None, cursor_of=_encode
    )


def journey_page(entries, cursor, size=PAGE_SIZE):
    """The page of one person's ``entries``, latest day first, before the day in ``cursor``.

    A person has one entry a day, so the day alone marks the place.
    """
    try:
        before = dt.date.fromisoformat(cursor) if cursor else None
    except ValueError:
        before = None
    if before:
        entries = entries.filter(day__lt=before)
    return KeysetPage(
        list(entries.order_by("-day")[: size + 1]),
        size=size,
        after_cursor=before is not None,
        cursor_of=lambda entry: entry.day.isoformat(),
    )


def _encode(entry):
    return f"{entry.created_at.isoformat()}_{entry.pk}"


def _decode(cursor):
    """The position in a cursor, or None for the first page (a malformed one included)."""
    if not cursor:
        return None
    moment, _, pk = cursor.rpartition("_")
    try:
        created_at = dt.datetime.fromisoformat(moment)
        return (created_at, int(pk)) if created_at.tzinfo else None
    except ValueError:
        return None
