"""The editor: its preview as published, and when things go wrong: a refused image, a
session that ends while writing."""

import base64
import io
import itertools
import re

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import expect

from journal.models import Entry
from tests.browser.conftest import log_in, log_out
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# Where publishing leads: the new entry's page, at its author's local day.
ENTRY_PAGE = re.compile(r"/@ines/\d{4}-\d{2}-\d{2}/$")
DRAFT = "Spent the evening on **dynamic programming**.\n\nMemoisation finally clicked."


def preview_of(page, field_id):
    return page.locator(f".markdownx:has(#{field_id}) .markdownx-preview")


# Every kind of block the styles treat apart: Markdown's headings come out two levels down
# (the page's own headings come first), so "#" is an h3 and "##" an h4.
SHAPES = (
    "Notes from today.\n\n# Big idea\n\n## Smaller point\n\n- one\n- two\n- three\n\n"
    "1. first\n2. second\n\n```\nsoftmax(QK^T)V\n```\n\nSome `inline` code.\n\n> A quote."
)
SHAPE_SELECTORS = [
    "h3",
    "h4",
    "ul",
    "ul > li",
    "ol",
    "ol > li",
    "pre",
    "pre code",
    "p > code",
    "blockquote",
]
# What makes a block look the way it does, leaving out what its width changes.
LOOKS = """([root, selectors]) => selectors.map(selector => {
    const style = getComputedStyle(root.querySelector(selector));
    return [selector, Object.fromEntries([
        "display", "list-style-type", "list-style-position", "font-family", "font-size",
        "font-weight", "line-height", "color", "background-color", "border-radius",
        "margin-top", "margin-bottom", "margin-left", "padding-top", "padding-left",
    ].map(name => [name, style.getPropertyValue(name)]))];
})"""


def test_the_preview_looks_like_the_published_entry(page):
    make_user("ines")
    log_in(page, "ines")
    page.goto("/write/")
    page.get_by_label("Title").fill("Attention")
    page.locator("#id_body").fill(SHAPES)
    preview = preview_of(page, "id_body")
    items = preview.locator("ul > li")
    expect(items).to_have_count(3)
    expect(preview.locator("blockquote")).to_have_count(1)

    # A list reads as a list: one item under another, each with its bullet.
    boxes = [item.bounding_box() for item in items.all()]
    for above, below in itertools.pairwise(boxes):
        assert below["y"] >= above["y"] + above["height"] - 1, boxes
    previewed = dict(page.evaluate(LOOKS, [preview.element_handle(), SHAPE_SELECTORS]))
    assert previewed["ul > li"]["display"] == "list-item"
    assert previewed["ul"]["list-style-type"] == "disc"

    page.get_by_role("button", name="Publish entry").click()
    expect(page).to_have_url(ENTRY_PAGE)
    published = page.locator("section.prose").first
    assert dict(page.evaluate(LOOKS, [published.element_handle(), SHAPE_SELECTORS])) == previewed


def test_a_refused_image_is_explained_and_leaves_the_text_alone(page, tmp_path):
    make_user("ines")
    log_in(page, "ines")
    page.goto("/write/")
    body = page.locator("#id_body")
    body.fill(DRAFT)
    notes = tmp_path / "notes.png"
    notes.write_text("not an image at all")

    page.set_input_files("input[data-image-upload-for=id_body]", notes)

    # The server's own reason, where django-markdownx would have written "Invalid
    # response" into the text.
    expect(page.locator(".editor-block:has(#id_body) .upload-status")).to_have_text(
        "That file is not an image we can read."
    )
    expect(body).to_have_value(DRAFT)


# A file handed to the editor as a browser hands a dropped or pasted one.
HAND_OVER = """([selector, type, name, payload]) => {
    const bytes = Uint8Array.from(atob(payload), c => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, { type: "image/png" }));
    const init = { bubbles: true, cancelable: true };
    const event = type === "drop"
        ? new DragEvent("drop", { ...init, dataTransfer: transfer })
        : new ClipboardEvent("paste", { ...init, clipboardData: transfer });
    document.querySelector(selector).dispatchEvent(event);
}"""


def png_payload():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (47, 143, 91)).save(buffer, format="PNG")
    return base64.b64encode(buffer.getvalue()).decode()


@pytest.mark.parametrize("how", ["drop", "paste"])
def test_an_image_dropped_or_pasted_into_the_reflection_goes_where_the_cursor_is(page, how):
    make_user("ines")
    log_in(page, "ines")
    page.goto("/write/")
    reflection = page.locator("#id_reflection")
    reflection.fill("Before.\n\nAfter.")
    reflection.evaluate("field => field.setSelectionRange(9, 9)")

    page.evaluate(HAND_OVER, ["#id_reflection", how, "board.png", png_payload()])

    tools = page.locator(".editor-block:has(#id_reflection) .upload-status")
    expect(tools).to_have_text("Image added.")
    expect(reflection).to_have_value(
        re.compile(r"^Before\.\n\n!\[\]\(/media/uploads/\S+\.png\)After\.$")
    )
    expect(preview_of(page, "id_reflection").locator("img")).to_have_count(1)
    # The other field's tools say nothing: the image went where it was dropped.
    expect(page.locator(".editor-block:has(#id_body) .upload-status")).to_have_text("")


def test_signed_out_while_writing_keeps_the_text_and_publishes_after_logging_in_again(page):
    make_user("ines")
    log_in(page, "ines")
    page.goto("/write/")
    page.get_by_label("Title").fill("Dynamic programming")
    body = page.locator("#id_body")
    body.fill(DRAFT)
    preview = preview_of(page, "id_body")
    expect(preview.locator("strong")).to_have_text("dynamic programming")

    # The session ends in another tab.
    other = page.context.new_page()
    other.goto("/")
    log_out(other)

    body.fill(DRAFT + "\n\nAnd tabulation too.")
    # The preview says why it stopped, in place of the log-in page it used to show.
    refusal = preview.get_by_role("alert")
    expect(refusal).to_contain_text("You are signed out")
    expect(refusal).to_contain_text("Your text is still here")
    expect(preview.get_by_role("heading")).to_have_count(0)

    # Logging in again gives the session a new CSRF token; the open form still publishes.
    log_in(other, "ines")
    other.close()
    body.press("Control+End")
    body.press_sequentially(" Both.")
    expect(preview.locator("strong")).to_have_text("dynamic programming")
    page.get_by_role("button", name="Publish entry").click()

    expect(page).to_have_url(ENTRY_PAGE)
    assert Entry.objects.get(author__username="ines").body.endswith("And tabulation too. Both.")


def test_a_session_that_expires_while_writing_is_explained_in_the_preview(page):
    make_user("ines")
    log_in(page, "ines")
    page.goto("/write/")
    body = page.locator("#id_body")
    body.fill(DRAFT)
    preview = preview_of(page, "id_body")
    expect(preview.locator("strong")).to_have_text("dynamic programming")

    # The browser drops the session's cookie when the session expires.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    body.fill(DRAFT + "\n\nAnd tabulation too.")

    refusal = preview.get_by_role("alert")
    expect(refusal).to_contain_text("You are signed out")
    expect(refusal).to_contain_text("Your text is still here")
    expect(refusal.get_by_role("link", name="Log in in a new tab")).to_be_visible()
    expect(page.locator(".markdownx-preview form")).to_have_count(0)
    expect(body).to_have_value(DRAFT + "\n\nAnd tabulation too.")


def test_without_javascript_the_editor_offers_no_image_button_and_still_publishes(
    browser, live_server, transactional_db
):
    make_user("ines")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "ines")
    page.goto("/write/")
    # Uploading needs site.js: a button that could do nothing is not shown.
    expect(page.locator(".editor-tools")).to_have_count(2)
    expect(page.get_by_text("Add an image")).to_have_count(2)
    for tools in page.locator(".editor-tools").all():
        expect(tools).to_be_hidden()
    page.get_by_label("Title").fill("No script")
    page.locator("#id_body").fill("Plain *form*.")
    page.get_by_role("button", name="Publish entry").click()
    expect(page).to_have_url(ENTRY_PAGE)
    context.close()
