"""Markdown built to be slow: every Markdown field has a length cap with a clear message,
and text of runs of brackets, the shape that made Python-Markdown's link search grow with
the square of its length, renders in a bounded time at the cap, while real links and
images render as before."""

import time

import pytest
from django.urls import reverse

from journal.markdown import MAX_ENTRY_TEXT, render_markdown
from journal.models import Comment, Entry
from tests.conftest import days_ago, write_entry
from tests.test_entries import WRITE, entry_data

PREVIEW = reverse("journal:markdown_preview")
COMMENT_MAX = Comment._meta.get_field("body").max_length


def at_the_cap(pattern, cap=MAX_ENTRY_TEXT):
    return (pattern * (cap // len(pattern) + 1))[:cap]


def render_time(text):
    started = time.perf_counter()
    render_markdown(text)
    return time.perf_counter() - started


@pytest.mark.parametrize("pattern", ["[", "![", "[](", "[a](", "[a ", "[]("])
def test_runs_of_brackets_at_the_cap_render_quickly(pattern):
    # Unbounded, "[" 20,000 times took about 12 s and 4,000 times 3.7 s.
    assert render_time(at_the_cap(pattern)) < 1


@pytest.mark.parametrize("pattern", ["  - ", "> ", "1. "])
def test_lists_and_quotes_nested_thousands_deep_render_as_text(pattern):
    text = at_the_cap(pattern)
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 2
    assert html.startswith("<") and "Traceback" not in html
    # The converter is usable again afterwards.
    assert render_markdown("**bold**") == "<p><strong>bold</strong></p>"


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (
            "[a [b] c](https://example.org/a_(b))",
            '<p><a href="https://example.org/a_(b)" rel="nofollow noopener noreferrer ugc">'
            "a [b] c</a></p>",
        ),
        (
            "[![cat](https://example.org/cat.png)](https://example.org/)",
            '<p><a href="https://example.org/" rel="nofollow noopener noreferrer ugc">'
            '<img alt="cat" src="https://example.org/cat.png"></a></p>',
        ),
        (
            '[a](https://example.org/ "The (title)")',
            '<p><a href="https://example.org/" title="The (title)" '
            'rel="nofollow noopener noreferrer ugc">a</a></p>',
        ),
        (
            "[ref] and [x][ref]\n\n[ref]: https://example.org/",
            '<p><a href="https://example.org/" rel="nofollow noopener noreferrer ugc">ref</a> '
            'and <a href="https://example.org/" rel="nofollow noopener noreferrer ugc">x</a></p>',
        ),
        ("`a[i][j]` and [sic", "<p><code>a[i][j]</code> and [sic</p>"),
        ("[[[[[deep]]]]]", "<p>[[[[[deep]]]]]</p>"),
    ],
)
def test_real_links_render_as_before(text, html):
    assert render_markdown(text) == html


# Caps


def test_an_entry_longer_than_the_cap_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    for field in ("body", "reflection"):
        too_long = {field: "a" * (MAX_ENTRY_TEXT + 1), "day": days_ago(alice, 0).isoformat()}
        response = client.post(WRITE, entry_data(**too_long))
        assert response.status_code == 400
        assert "This can be 20000 characters at most (it has 20001)." in response.text
    assert not Entry.objects.exists()
    response = client.post(
        WRITE, entry_data(body="a" * MAX_ENTRY_TEXT, day=days_ago(alice, 0).isoformat())
    )
    assert response.status_code == 302
    assert len(Entry.objects.get().body) == MAX_ENTRY_TEXT


def test_the_editor_stops_typing_at_the_cap(client, alice):
    client.force_login(alice)
    page = client.get(WRITE).text
    assert page.count(f'maxlength="{MAX_ENTRY_TEXT}"') == 2


def test_a_comment_longer_than_the_cap_is_refused_with_a_message(client, alice, bob):
    entry = write_entry(alice)
    client.force_login(bob)
    response = client.post(
        reverse("journal:comment_create", args=[entry.pk]), {"body": "[" * (COMMENT_MAX + 1)}
    )
    assert response.status_code == 400
    assert "This can be 5000 characters at most (it has 5001)." in response.text
    assert not Comment.objects.exists()


def test_the_preview_refuses_text_longer_than_an_entry(client, alice):
    client.force_login(alice)
    started = time.perf_counter()
    response = client.post(PREVIEW, {"content": "[" * (MAX_ENTRY_TEXT + 1)})
    assert time.perf_counter() - started < 1
    assert response.status_code == 413
    assert "more than the 20000 an entry can hold, so it is not previewed" in response.text
    assert "[[[" not in response.text


def test_the_preview_renders_the_worst_text_at_the_cap_quickly(client, alice):
    client.force_login(alice)
    started = time.perf_counter()
    response = client.post(PREVIEW, {"content": "[" * MAX_ENTRY_TEXT})
    assert time.perf_counter() - started < 1
    assert response.status_code == 200
    assert response.text.startswith("<p>[[[")
