"""The one Markdown pipeline: rendering, sanitising, storing, and the editor's live preview."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from journal.markdown import EXCERPT_LENGTH, plain_excerpt, render_markdown
from journal.models import Comment, Entry
from tests.conftest import days_ago, write_entry

PREVIEW = reverse("journal:markdown_preview")

RICH = """# Day one

Some *emphasis* and `inline code`.

```python
if a < b:
    print("<b>")
```

| topic | hours |
|:------|------:|
| vision | 2 |

- first
- second

1. one
2. two
"""


def test_headings_code_tables_and_lists_render():
    html = render_markdown(RICH)
    # Headings start at h3, under the page's own title and section headings.
    assert "<h3>Day one</h3>" in html
    assert "<em>emphasis</em>" in html
    assert "<code>inline code</code>" in html
    # The code block keeps its text, escaped, and is not run through Markdown again.
    assert '<pre><code>if a &lt; b:\n    print("&lt;b&gt;")\n</code></pre>' in html
    assert '<th align="left">topic</th>' in html
    assert '<td align="right">2</td>' in html
    assert "<ul>\n<li>first</li>\n<li>second</li>\n</ul>" in html
    assert "<ol>\n<li>one</li>\n<li>two</li>\n</ol>" in html


def test_safe_links_and_images_are_kept_with_a_safe_rel():
    html = render_markdown("[docs](https://docs.python.org) ![chart](https://example.org/c.png)")
    assert (
        '<a href="https://docs.python.org" rel="nofollow noopener noreferrer ugc">docs</a>' in html
    )
    assert '<img alt="chart" src="https://example.org/c.png">' in html


def test_one_text_leaves_nothing_behind_for_the_next():
    # Converters are reused: a link reference defined by one writer must not resolve in
    # another's text, and each text gets its own heading ids.
    render_markdown("# Notes\n\n[docs]: https://attacker.example/\n")
    html = render_markdown("# Notes\n\nSee [docs][docs].")
    assert "attacker.example" not in html
    assert "<h3>Notes</h3>" in html
    assert "[docs][docs]" in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == ""


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert('x')</script>hello", ["<script", "alert"]),
        ("<img src=x onerror=alert(1)>", ["onerror", "alert"]),
        ('<a href="https://x.org" onclick="steal()">x</a>', ["onclick", "steal"]),
        ("[click](javascript:alert(1))", ["javascript:", "alert"]),
        ("[click](JaVaScRiPt:alert(1))", ["javascript:", "alert"]),
        ("![pic](javascript:alert(1))", ["javascript:", "alert"]),
        ("[data](data:text/html,<script>alert(1)</script>)", ["data:", "<script"]),
        ('<iframe src="https://evil.example"></iframe>', ["<iframe", "evil.example"]),
        ('<p style="position:fixed;top:0">covered</p>', ["style=", "position"]),
        ("<svg onload=alert(1)></svg>", ["<svg", "onload"]),
        ('<form action="https://evil.example"><input name=p></form>', ["<form", "<input"]),
        ("<!-- hidden -->", ["<!--", "hidden"]),
        ('<div class="admin-banner">hi</div>', ["class=", "<div"]),
    ],
)
def test_dangerous_markup_is_removed(source, forbidden):
    html = render_markdown(source).lower()
    for piece in forbidden:
        assert piece.lower() not in html


def test_sanitised_text_keeps_its_harmless_words():
    assert render_markdown("<script>x()</script>**still here**") == (
        "\n<p><strong>still here</strong></p>"
    )
    assert render_markdown('<p style="color:red">red</p>') == "<p>red</p>"


def test_entry_save_stores_the_sanitised_html(alice):
    entry = write_entry(
        alice,
        body="# Notes\n\n<script>alert(1)</script>Read <b onclick='x()'>this</b>.",
        reflection="![x](javascript:alert(1)) *Hard* day.",
    )
    entry.refresh_from_db()
    assert entry.body_html == render_markdown(entry.body)
    assert entry.reflection_html == render_markdown(entry.reflection)
    assert "<h3>Notes</h3>" in entry.body_html
    for stored in (entry.body_html, entry.reflection_html):
        assert "script" not in stored
        assert "onclick" not in stored
        assert "javascript" not in stored
    assert "<em>Hard</em>" in entry.reflection_html
    # The excerpt on cards is plain text, with no markup at all.
    assert entry.excerpt == "Notes · Read this."


def test_editing_the_body_renders_it_again(alice):
    entry = write_entry(alice, body="old")
    entry.body = "**new**"
    entry.save()
    entry.refresh_from_db()
    assert entry.body_html == "<p><strong>new</strong></p>"


def test_the_entry_page_shows_the_rendered_markdown_and_no_script(client, alice):
    entry = write_entry(alice, body="## Heading\n\n<script>alert('pwned')</script>\n\n`code`")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<h4>Heading</h4>" in page
    assert "<code>code</code>" in page
    assert "alert(&#x27;pwned&#x27;)" not in page
    assert "alert('pwned')" not in page


def test_comments_go_through_the_same_pipeline(alice, bob):
    entry = write_entry(alice)
    comment = Comment.objects.create(
        entry=entry, author=bob, body="Nice! <img src=x onerror=alert(1)>"
    )
    assert comment.body_html == render_markdown(comment.body)
    assert "onerror" not in comment.body_html


# The live preview


def test_markdownx_uses_this_pipeline_and_these_endpoints():
    assert settings.MARKDOWNX_MARKDOWNIFY_FUNCTION == "journal.markdown.render_markdown"
    assert str(settings.MARKDOWNX_URLS_PATH) == PREVIEW
    assert str(settings.MARKDOWNX_UPLOAD_URLS_PATH) == reverse("journal:image_upload")


def test_the_editor_points_at_the_preview_and_upload_endpoints(client, alice):
    client.force_login(alice)
    page = client.get(reverse("journal:write")).content.decode()
    assert f'data-markdownx-urls-path="{PREVIEW}"' in page
    assert f'data-markdownx-upload-urls-path="{reverse("journal:image_upload")}"' in page


@pytest.mark.parametrize(
    "source",
    [RICH, "<script>alert(1)</script>[x](javascript:alert(1))", "plain words", ""],
)
def test_the_preview_is_exactly_what_gets_stored(client, alice, source):
    client.force_login(alice)
    response = client.post(PREVIEW, {"content": source})
    assert response.status_code == 200
    assert response.content.decode() == render_markdown(source)
    if source:
        entry = write_entry(alice, day=days_ago(alice, 0), body=source)
        assert response.content.decode() == entry.body_html


def test_the_preview_tells_a_signed_out_person_why_it_stopped(client, db):
    # The editor puts whatever the preview answers in place of the preview: a redirect
    # would have shown the log-in page there.
    response = client.post(PREVIEW, {"content": "# hi"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "You are signed out" in html
    assert "Your text is still here" in html
    assert f'href="{reverse("account_login")}" target="_blank"' in html
    assert "<h1>" not in html
    assert "<html" not in html


def test_the_preview_tells_a_suspended_person_they_cannot_post(client, alice):
    alice.is_suspended = True
    alice.save()
    client.force_login(alice)
    response = client.post(PREVIEW, {"content": "# hi"})
    assert response.status_code == 403
    assert "Your account is suspended" in response.content.decode()
    assert "<h1>" not in response.content.decode()


def test_the_preview_needs_a_post(client, alice):
    client.force_login(alice)
    assert client.get(PREVIEW, {"content": "# hi"}).status_code == 405


def test_a_preview_never_writes_an_entry(client, alice):
    client.force_login(alice)
    client.post(PREVIEW, {"content": "# hi"})
    assert not Entry.objects.exists()


# Excerpts: what a card quotes of an entry, as readable text


def excerpt(source, length=EXCERPT_LENGTH):
    return plain_excerpt(render_markdown(source), length)


def test_list_items_headings_and_table_cells_are_kept_apart():
    assert excerpt("## Plan\n\n- tensors\n- autograd\n\n| a | b |\n|---|---|\n| 1 | 2 |") == (
        "Plan · tensors · autograd · a · b · 1 · 2"
    )


def test_paragraphs_that_end_a_sentence_need_no_mark():
    assert excerpt("First idea.\n\nSecond idea!\n\n- done.\n- next") == (
        "First idea. Second idea! done. next"
    )


def test_a_code_block_is_left_out_and_inline_code_stays_in_its_sentence():
    source = "Wrote a loop:\n\n```python\nfor x in xs:\n    print(x)\n```\n\nUse `zip` next."
    assert excerpt(source) == "Wrote a loop: Use zip next."


def test_inline_elements_keep_the_spaces_between_them():
    assert excerpt("*fast* **and** [right](https://example.org)") == "fast and right"


def test_entities_are_decoded_once():
    assert excerpt('3 &lt; 4 &amp;&amp; "quotes" &amp;lt;b&amp;gt;') == (
        "3 < 4 && “quotes” &lt;b&gt;"
    )


def test_a_long_text_is_cut_after_a_whole_word():
    text = excerpt("alpha beta gamma delta", length=14)
    assert text == "alpha beta…"
    # The mark between two blocks is not left dangling before the ellipsis.
    assert excerpt("# Heading\n\nwords after it", length=12) == "Heading…"


def test_a_first_word_longer_than_the_excerpt_is_cut_inside():
    assert excerpt("x" * 400) == "x" * (EXCERPT_LENGTH - 1) + "…"


def test_only_the_start_of_a_long_text_is_read_and_the_cut_is_the_same():
    long = "\n".join(f"- item {n} with some words" for n in range(3000))
    assert excerpt(long) == plain_excerpt(render_markdown(long), EXCERPT_LENGTH)
    assert excerpt(long).startswith("item 0 with some words · item 1 with")
    assert len(excerpt(long)) <= EXCERPT_LENGTH


WORD = st.text(alphabet="abcdé&<>'\"1", min_size=1, max_size=12)
BLOCK = st.lists(WORD, min_size=1, max_size=12).map(" ".join)
MARKDOWN = st.lists(
    st.one_of(
        BLOCK,
        BLOCK.map(lambda block: f"- {block}\n- {block}."),
        BLOCK.map(lambda block: f"## {block}"),
        BLOCK.map(lambda block: f"```\n{block}\n```"),
    ),
    max_size=30,
).map("\n\n".join)


@given(source=MARKDOWN, length=st.integers(min_value=13, max_value=EXCERPT_LENGTH))
def test_an_excerpt_fits_and_a_cut_falls_between_words(source, length):
    html = render_markdown(source)
    whole = plain_excerpt(html, 10**6)
    text = plain_excerpt(html, length)
    assert len(text) <= length
    if text == whole:
        return
    assert text.endswith("…")
    kept = text[:-1]
    assert whole.startswith(kept)
    # The words are at most 12 characters long, so one always fits before the cut.
    assert not (kept[-1:].isalnum() and whole[len(kept)].isalnum())


def test_the_migration_recomputes_stored_excerpts_in_batches(alice, monkeypatch):
    migration = importlib.import_module("journal.migrations.0005_entry_excerpts_as_text")
    monkeypatch.setattr(migration, "BATCH", 2)
    entries = [
        write_entry(alice, day=days_ago(alice, n), body=f"- one {n}\n- two") for n in range(5)
    ]
    Entry.objects.update(excerpt="one two")
    migration.recompute_excerpts(apps, None)
    for entry in entries:
        entry.refresh_from_db()
        assert entry.excerpt == plain_excerpt(entry.body_html)
        assert entry.excerpt.endswith("· two")
