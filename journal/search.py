"""Search over entries: PostgreSQL full-text search, with a plain fallback elsewhere.

On PostgreSQL the stored ``search_vector`` column (migration 0002, with its GIN index)
is matched with web-search syntax ("quoted phrases", -word, or), ranked, and the
matching words are highlighted in a snippet. Other databases (SQLite in development)
match every word as a case-insensitive substring of the title, key lesson, body or
reflection, and show the plain excerpt.

A query is at most MAX_QUERY_LENGTH characters and MAX_WORDS words; one with a NUL
character, which PostgreSQL refuses in any query, is refused with a 400.

Callers pass a queryset already narrowed by the visibility rule, e.g.
``search_entries(Entry.objects.public(), q)``; this module never widens it.
"""

import html
from functools import reduce
from operator import and_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import BadRequest
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import mark_safe

CONFIG = "english"
# ts_headline wraps matches in these control characters; they cannot come from the
# entry text (stripped below), so after escaping the snippet they are the only thing
# turned into markup.
_START, _STOP = "\x02", "\x03"
MAX_QUERY_LENGTH = 200
MAX_WORDS = 32
# websearch_to_tsquery reads "-" as NOT, even before a space or another "-", and PostgreSQL
# refuses a query nesting more than 32 of them ("tsquery stack too small"): the "-" after
# this many are read as spaces, which split a hyphenated word much as the parser does.
MAX_MINUS_SIGNS = 16
# How many of the most recent matches are ranked (see _full_text).
CANDIDATES = 500
_VECTOR = RawSQL('"journal_entry"."search_vector"', [], output_field=SearchVectorField())
BLOCK_TAG = r"</?(p|div|br|hr|li|ul|ol|h[1-6]|pre|blockquote|table|tr|td|th)(\s[^>]*)?/?>"


def is_full_text():
    """Whether the database offers full-text search (PostgreSQL) or the fallback."""
    return connection.vendor == "postgresql"


def search_entries(entries, text):
    """``entries`` matching ``text``, best first, each with a ``snippet`` to show.

    On PostgreSQL the rows carry ``rank`` and ``headline`` annotations; call
    :func:`with_snippets` on the page being shown to turn headlines into safe HTML.
    """
    if "\x00" in text:
        raise BadRequest("A search cannot hold a NUL character.")
    # A word said twice finds nothing more, but each "-word" makes PostgreSQL expect
    # fewer matches and read more to find them.
    words = list(dict.fromkeys(word.casefold() for word in text.split()))
    text = " ".join(words[:MAX_WORDS])[:MAX_QUERY_LENGTH]
    if is_full_text():
        return _full_text(entries, _bound_minus_signs(text))
    return _fallback(entries, text)


def _bound_minus_signs(text):
    """``text`` with the "-" after the first MAX_MINUS_SIGNS read as spaces."""
    parts = text.split("-")
    kept = "-".join(parts[: MAX_MINUS_SIGNS + 1])
    return " ".join([kept, *parts[MAX_MINUS_SIGNS + 1 :]])


def full_text_matches(entries, text):
    """``entries`` whose stored search vector matches ``text``, newest first (PostgreSQL)."""
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    # The generated column is not a model field (SQLite has no tsvector), so it is read
    # raw; filtering on it directly lets PostgreSQL use the GIN index.
    return (
        entries.alias(search_vector=_VECTOR, words_to_find=_words_to_find(query))
        # A query of nothing but excluded words ("-attention -learning") or stop words
        # matches nearly every entry, and PostgreSQL then reads half the index to rank
        # them (ten seconds at a million entries): it finds nothing instead. querytree
        # reads the query alone, so PostgreSQL decides this once, reading no row.
        .exclude(words_to_find="T")
        .filter(search_vector=query)
        .order_by("-created_at", "-id")
    )


def _words_to_find(query):
    """PostgreSQL's querytree of ``query``: the part an index can look for, "T" if none."""
    return Func(query, function="querytree", output_field=TextField())


def _full_text(entries, text):
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    # Ranking reads every match, and a common word matches half of a million entries:
    # only the most recent CANDIDATES matches are ranked. PostgreSQL finds them either
    # through the GIN index (rare words) or by walking the newest-first index (common
    # words), whichever its statistics say is cheaper, so both stay fast. They are
    # fetched apart, not as a subquery, because the raw column reference would point at
    # the outer query's table there.
    recent_matches = list(
        full_text_matches(entries, text).values_list("pk", flat=True)[:CANDIDATES]
    )
    return (
        entries.filter(pk__in=recent_matches)
        .alias(search_vector=_VECTOR)
        .annotate(
            rank=SearchRank(F("search_vector"), query),
            headline=SearchHeadline(
                _plain_text(),
                query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=32,
                min_words=12,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .order_by("-rank", "-created_at", "-id")
    )


def _plain_text():
    """What was studied and the reflection as text: tags stripped, sentinels removed."""
    markup = Func(
        Value(" "),
        F("body_html"),
        F("reflection_html"),
        function="concat_ws",
        output_field=TextField(),
    )
    # Block tags part words ("end.</p><p>Next"); inline tags do not ("<em>it</em>.").
    spaced = Func(
        markup,
        Value(BLOCK_TAG),
        Value(" "),
        Value("gi"),
        function="regexp_replace",
        output_field=TextField(),
    )
    text = Func(
        spaced,
        Value("<[^>]*>"),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    return Func(
        text, Value(_START + _STOP), Value(""), function="translate", output_field=TextField()
    )


def _fallback(entries, text):
    words = text.split()
    if not words:
        return entries.none()
    matches = [
        Q(title__icontains=word)
        | Q(key_lesson__icontains=word)
        | Q(body__icontains=word)
        | Q(reflection__icontains=word)
        for word in words
    ]
    return entries.filter(reduce(and_, matches)).order_by("-created_at", "-id")


def with_snippets(entries):
    """Give each entry of a page a ``snippet``: highlighted safe HTML, or its excerpt."""
    for entry in entries:
        headline = getattr(entry, "headline", None)
        entry.snippet = highlight(headline) if headline else entry.excerpt
    return entries


def highlight(headline):
    """Safe HTML from a ts_headline result: entity-decoded, escaped, matches in <mark>."""
    # The headline is cut from HTML with its tags removed, so its entities are decoded
    # before everything is escaped again, once.
    escaped = escape(html.unescape(headline))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))
