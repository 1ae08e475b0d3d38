"""Entry cards, the unit of every list of entries.

The part of a card that every reader sees alike (author, streak, Day N, title, lesson,
excerpt, topics) is rendered once per version of the entry and kept in the cache; a page
of cards fetches all of them in one round trip. The part that is the reader's own (have I
cheered this?) is rendered on every request, in the card's footer.
"""

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from journal.models import Cheer

CARD_SECONDS = 600


def prepare_cards(entries, user):
    """Give each entry its ``cheered`` flag and its shared ``card_html``; returns a list."""
    entries = list(entries)
    mark_cheered(entries, user)
    keys = {_card_key(entry): entry for entry in entries}
    found = cache.get_many(list(keys))
    rendered = {}
    for key, entry in keys.items():
        if key not in found:
            rendered[key] = render_to_string("includes/entry_card_body.html", {"entry": entry})
        # Our own template's output, autoescaped as it was rendered.
        entry.card_html = mark_safe(found.get(key) or rendered[key])
    if rendered:
        cache.set_many(rendered, CARD_SECONDS)
    return entries


def mark_cheered(entries, user):
    """Set ``entry.cheered`` on each entry: has ``user`` cheered it? One query for them all."""
    cheered = set()
    if user.is_authenticated and entries:
        cheered = set(
            Cheer.objects.filter(user=user, entry__in=entries).values_list("entry_id", flat=True)
        )
    for entry in entries:
        entry.cheered = entry.pk in cheered


def _card_key(entry):
    """Everything the shared part shows that can change without the entry being saved."""
    author = entry.author
    parts = (
        entry.pk,
        entry.updated_at.isoformat(),
        entry.number,
        entry.visibility,
        entry.moderation_state,
        author.name,
        author.current_streak,
        getattr(entry, "snippet", ""),
    )
    return "card:" + hashlib.sha256(repr(parts).encode()).hexdigest()
