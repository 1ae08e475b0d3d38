"""Entry cards, the unit of every list of entries.

The part of a card that every reader sees alike (author, streak, Day N, title, lesson,
excerpt, the public challenges it counts for, topics) is rendered once per version of the entry and kept in the cache; a page
of cards fetches all of them in one round trip, and renders the ones it lacks in one pass
of the template, with their topics fetched in one query. The footer's cheer button is a
slot that journal/viewer.py fills for each reader.
"""

import hashlib
from collections.abc import Iterable

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from journal.models import Entry, attach_counts_for, attach_topics

CARD_SECONDS = 600
# Ends each card in includes/entry_card_body.html. No entry can write it: its text is
# escaped on the way out and nh3 drops comments from rendered Markdown.
CARD_END = "<!--/card-->"


def prepare_cards(entries: Iterable[Entry], *, with_author: bool = True) -> list[Entry]:
    """Give each entry its shared ``card_html``; returns a list.

    ``with_author=False`` leaves out the author line, for pages that are all one person's.
    """
    entries = list(entries)
    # Which challenges an entry counts for changes without the entry (a join, a challenge
    # hidden or closed): fetched for every page rendered, and part of the card's key.
    attach_counts_for(entries)
    keys = {_card_key(entry, with_author): entry for entry in entries}
    found = cache.get_many(list(keys))
    missing = {key: entry for key, entry in keys.items() if key not in found}
    if missing:
        attach_topics(missing.values())
        html = render_to_string(
            "includes/entry_card_body.html",
            {"entries": missing.values(), "with_author": with_author},
        )
        rendered = dict(zip(missing, html.split(CARD_END)[:-1], strict=True))
        found.update(rendered)
        cache.set_many(rendered, CARD_SECONDS)
    for key, entry in keys.items():
        # Our own template's output, autoescaped as it was rendered.
        entry.card_html = mark_safe(found[key])
    return entries


def _card_key(entry: Entry, with_author: bool) -> str:
    """Everything the shared part shows that can change without the entry being saved."""
    parts: tuple[object, ...] = (
        entry.pk,
        entry.updated_at.isoformat(),
        entry.number,
        entry.visibility,
        entry.moderation_state,
        entry.snippet,
        tuple(entry.counts_for),
    )
    if with_author:
        # Only the author line shows the name and the streak, which moves every day.
        parts += (entry.author.name, entry.author.current_streak)
    return "card:" + hashlib.sha256(repr(parts).encode()).hexdigest()
