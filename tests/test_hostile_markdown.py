"""Markdown built to be slow: every Markdown field has a length cap with a clear message,
and the shapes of text whose rendering time grew with the square of their length (runs of
brackets, of unclosed tags, blocks of thousands of headings) now grow with their length,
while real links, images, tags, headings and tables render as before."""

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
    """The best of three, so that another process's burst does not count."""
    times = []
    for _ in range(3):
        started = time.perf_counter()
        render_markdown(text)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize(
    "pattern", ["[", "![", "[](", "[a](", "[a ", "<a ", "<a\n", '<a b="', "# a\n", "a\n=\n"]
)
def test_hostile_text_takes_time_in_proportion_to_its_length(pattern):
    # Four times the text: four times the time, sixteen times when it grew with the square
    # of the length (as "[" did, 3.7 s for 4,000 and 30 s for 16,000).
    quarter = render_time(at_the_cap(pattern, MAX_ENTRY_TEXT // 4))
    whole = render_time(at_the_cap(pattern))
    assert whole < 8 * quarter + 0.05


@pytest.mark.parametrize("pattern", ["  - ", "> ", "1. "])
def test_lists_and_quotes_nested_thousands_deep_render_as_text(pattern):
    text = at_the_cap(pattern)
    started = time.perf_counter()
    html = render_markdown(text)
    assert time.perf_counter() - started < 2
    assert html.startswith("<")
    assert "Traceback" not in html
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
        ("H<sub>2</sub>O, <kbd>Ctrl</kbd>", "<p>H<sub>2</sub>O, <kbd>Ctrl</kbd></p>"),
        ("a < b > c", "<p>a &lt; b &gt; c</p>"),
        ("Intro\n# One\nText\n## Two", "<p>Intro</p>\n<h3>One</h3>\n<p>Text</p>\n<h4>Two</h4>"),
        (
            "| a | b |\n|---|--:|\n| 1 | 2 |",
            '<table>\n<thead>\n<tr>\n<th>a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n'
            '<tbody>\n<tr>\n<td>1</td>\n<td align="right">2</td>\n</tr>\n</tbody>\n</table>',
        ),
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
    assert time.perf_counter() - started < 2
    assert response.status_code == 200
    assert response.text.startswith("<p>[[[")
