"""Search: full-text on PostgreSQL, a substring fallback elsewhere, public entries only."""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import search
from journal.models import Entry
from tests.conftest import days_ago, make_user, write_entry

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search needs PostgreSQL"
)
on_fallback = pytest.mark.skipif(
    connection.vendor == "postgresql", reason="the fallback runs where full-text search does not"
)


def results(client, q):
    response = client.get(reverse("journal:search"), {"q": q})
    assert response.status_code == 200
    page = response.context["page"]
    return [entry.title for entry in page] if page else [], response.content.decode()


@pytest.mark.parametrize(
    ("field", "q"),
    [
        ("title", "convolutions"),
        ("key_lesson", "borrowing"),
        ("body", "iterators"),
        ("reflection", "patience"),
    ],
)
def test_finds_public_entries_by_each_field(client, alice, field, q):
    values = {
        "title": "Learning",
        "body": "Studied.",
        "key_lesson": "",
        "reflection": "",
    } | {field: f"All about {q} today"}
    write_entry(alice, **values)
    write_entry(alice, day=days_ago(alice, 1), title="Something else")
    titles, _ = results(client, q)
    assert titles == [values["title"]]


def test_every_word_must_match(client, alice):
    write_entry(alice, title="Rust ownership")
    write_entry(alice, day=days_ago(alice, 1), title="Rust macros")
    assert results(client, "rust ownership")[0] == ["Rust ownership"]
    assert sorted(results(client, "rust")[0]) == ["Rust macros", "Rust ownership"]


def test_never_finds_private_hidden_or_suspended_entries(client, alice, bob):
    write_entry(alice, title="Private quaternions", visibility="private")
    hidden = write_entry(alice, day=days_ago(alice, 1), title="Hidden quaternions")
    Entry.objects.filter(pk=hidden.pk).update(moderation_state="hidden")
    write_entry(bob, title="Suspended quaternions")
    bob.is_suspended = True
    bob.save()
    write_entry(make_user("carol"), title="Public quaternions")

    # Not even their authors find them here: search is a public place.
    client.force_login(alice)
    titles, html = results(client, "quaternions")

    assert titles == ["Public quaternions"]
    assert "Private quaternions" not in html
    assert "Hidden quaternions" not in html


def test_empty_query_shows_the_form_only(client, alice):
    write_entry(alice, title="Anything")
    titles, html = results(client, "   ")
    assert titles == []
    assert 'role="search"' in html
    assert "Anything" not in html


def test_no_match_says_so(client, alice):
    write_entry(alice, title="Anything")
    _, html = results(client, "zeppelin")
    assert "No public entries match “zeppelin”" in html


def test_pages_of_results_keep_the_query(client, alice):
    for offset in range(25):
        write_entry(alice, day=days_ago(alice, offset), title=f"Topology {offset}")
    _, html = results(client, "topology")
    assert 'href="?q=topology&amp;page=2"' in html


def test_search_runs_a_constant_number_of_queries(client, django_assert_num_queries, db):
    # The count for the paginator, the page of results, the challenges they count for,
    # their topics; on PostgreSQL first the most recent matches to rank.
    expected = 5 if search.is_full_text() else 4
    write_entry(make_user("one"), title="Lonely graph theory", topics=["math"])
    with django_assert_num_queries(expected):
        assert len(results(client, "graph")[0]) == 1
    many = make_user("many")
    for offset in range(25):
        write_entry(many, day=days_ago(many, offset), title="Graph theory", topics=["a", "b"])
    with django_assert_num_queries(expected):
        assert len(results(client, "graph")[0]) == 20


@on_fallback
def test_fallback_shows_the_plain_excerpt(client, alice):
    write_entry(alice, title="Kernels", body="A 3×3 **kernel** slides over <the> image.")
    _, html = results(client, "kernel")
    assert "A 3×3 kernel slides over" in html
    assert "<mark>" not in html


@on_postgresql
def test_web_search_syntax(client, alice):
    write_entry(alice, day=days_ago(alice, 2), title="Gradient descent by hand")
    write_entry(alice, day=days_ago(alice, 1), title="Descent into gradient madness")
    write_entry(alice, title="Stochastic methods")

    assert results(client, '"gradient descent"')[0] == ["Gradient descent by hand"]
    assert results(client, "gradient -madness")[0] == ["Gradient descent by hand"]
    assert sorted(results(client, "stochastic or madness")[0]) == [
        "Descent into gradient madness",
        "Stochastic methods",
    ]
    # Stemming: "learned" finds "learning".
    write_entry(make_user("carol"), title="Learning to rank")
    assert results(client, "learned rank")[0] == ["Learning to rank"]


@on_postgresql
def test_title_matches_rank_above_body_matches(client, alice):
    write_entry(alice, title="Notes", body="Today I read about transformers.")
    write_entry(alice, day=days_ago(alice, 1), title="Transformers")
    assert results(client, "transformers")[0] == ["Transformers", "Notes"]


@on_postgresql
def test_snippets_highlight_matches_and_are_safe_html(client, alice):
    write_entry(
        alice,
        title="Attention",
        body=(
            "Filler words first. Then `<script>alert(1)</script>` and &amp; friends, "
            "and the attention mechanism <img src=x onerror=alert(2)>, explained."
        ),
        reflection="Attention is all I needed.",
    )
    _, html = results(client, "attention")
    assert "<mark>attention</mark>" in html or "<mark>Attention</mark>" in html
    assert "<script>alert(1)" not in html
    assert "onerror" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@on_postgresql
def test_snippets_cannot_smuggle_highlight_markers(client, alice):
    write_entry(alice, title="Sentinels", body="Sneaky \x02bold\x03 markers and a sentinel.")
    _, html = results(client, "sentinel")
    assert "<mark>bold</mark>" not in html
    assert "\x02" not in html
    assert "\x03" not in html


@on_postgresql
def test_the_search_vector_is_stored_and_indexed(alice):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT is_generated FROM information_schema.columns "
            "WHERE table_name = 'journal_entry' AND column_name = 'search_vector'"
        )
        assert cursor.fetchone() == ("ALWAYS",)


@on_postgresql
def test_the_search_query_can_use_the_gin_index(alice):
    # Enough rows, and fresh statistics, for the planner to weigh the index fairly.
    Entry.objects.bulk_create(
        Entry(author=alice, day=days_ago(alice, n), number=n + 1, minutes=60, title=f"Day {n}")
        for n in range(1000)
    )
    Entry.objects.filter(number=7).update(title="Indexes")
    entries = search.full_text_matches(Entry.objects.public(), "indexes")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("ANALYZE journal_entry")
        # On a small table a sequential scan, or a walk down the public-entries index,
        # is cheapest; forbid both to see whether the search index can serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = entries.explain()
    assert "entry_search_vector_idx" in plan


def test_highlight_escapes_everything_but_the_marks():
    raw = "a &lt;b&gt; \x02match\x03 <i>x</i> &amp;"
    assert search.highlight(raw) == "a &lt;b&gt; <mark>match</mark> &lt;i&gt;x&lt;/i&gt; &amp;"


@on_postgresql
def test_snippets_keep_words_apart_across_paragraphs_only(client, alice):
    write_entry(alice, title="Markup", body="Worth *it*. End of one.\n\nStart of two: attention.")
    _, html = results(client, "attention")
    assert "Worth it. End of one." in html
    assert "one.Start" not in html


@on_postgresql
def test_a_very_common_word_ranks_the_most_recent_matches(client, alice, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    for offset in range(5):
        write_entry(alice, day=days_ago(alice, offset), title=f"Graphs, part {offset}")
    titles, html = results(client, "graphs")
    # Written in order: the three most recent are parts 2, 3 and 4.
    assert sorted(titles) == [f"Graphs, part {n}" for n in (2, 3, 4)]
    assert "here are the best of the 3 most recent" in html


@pytest.mark.parametrize("q", ["\x00", "graph\x00", "\x00 graph"])
def test_a_nul_character_is_refused(alice, q):
    write_entry(alice, title="Graph theory")
    response = Client(raise_request_exception=False).get(reverse("journal:search"), {"q": q})
    assert response.status_code == 400
    assert "We could not understand that request" in response.content.decode()
    assert "Graph theory" not in response.content.decode()


@pytest.mark.parametrize("q", ["-" * 200, "- " * 100, "-! " * 60, "-\t" * 80, "x-" * 100])
def test_a_query_of_many_minus_signs_is_a_search(alice, q):
    # Each "-" before another "-" or a space nests one more NOT in PostgreSQL's web
    # search syntax, and PostgreSQL refuses more than 32.
    write_entry(alice, title="Graph theory")
    response = Client(raise_request_exception=False).get(reverse("journal:search"), {"q": q})
    assert response.status_code == 200
    assert "No public entries match" in response.content.decode()


@on_postgresql
def test_minus_signs_past_the_bound_are_spaces(client, alice):
    write_entry(alice, day=days_ago(alice, 1), title="Graph theory")
    write_entry(alice, title="Graph drawing")
    assert sorted(results(client, "graph " + "-" * 100)[0]) == ["Graph drawing", "Graph theory"]
    many = " ".join(f"-w{n}" for n in range(search.MAX_MINUS_SIGNS - 1))
    assert results(client, f"graph {many} -drawing")[0] == ["Graph theory"]


@on_postgresql
@pytest.mark.parametrize("q", ["-madness", "-madness -stochastic", "the -madness", "-the -madness"])
def test_a_query_with_nothing_to_look_for_finds_nothing(client, alice, q):
    # Matching "everything but" made PostgreSQL read half the index at a million entries.
    write_entry(alice, title="Gradient descent by hand")
    assert results(client, q)[0] == []
    plan = search.full_text_matches(Entry.objects.public(), q).explain()
    assert "One-Time Filter: false" in plan, plan


@on_postgresql
def test_words_said_twice_count_once(client, alice):
    write_entry(alice, day=days_ago(alice, 1), title="Gradient descent by hand")
    write_entry(alice, title="Descent into gradient madness")
    query = "gradient " + " ".join(["-Madness", "-madness"] * 40)
    assert results(client, query)[0] == ["Gradient descent by hand"]
    with CaptureQueriesContext(connection) as queries:
        results(client, query)
    assert max(query["sql"].lower().count("madness") for query in queries) <= 4
