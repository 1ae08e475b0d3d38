"""The newcomer's path through the product, in a real browser."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from journal.models import Entry, User

pytestmark = pytest.mark.browser


def png_file(tmp_path):
    path = tmp_path / "notebook.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (228, 87, 46)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_newcomer_joins_writes_day_one_and_is_read_in_the_feed(page, tmp_path):
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Join the challenge").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the challenge")
    page.get_by_label("Email").fill("nia@example.com")
    page.get_by_label("Username").fill("nia")
    page.get_by_label("Time zone").fill("Europe/Paris")
    page.get_by_label("Password", exact=True).fill("a long learning passphrase")
    page.get_by_label("Password (again)").fill("a long learning passphrase")
    page.get_by_role("button", name="Create my account").click()

    # The address is confirmed from the email, in the same browser, which logs in.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    (message,) = mail.outbox
    page.goto(re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)[1])
    page.get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/write/$"))
    assert User.objects.get(username="nia").time_zone == "Europe/Paris"

    page.get_by_label("Title").fill("Convolutions by hand")
    page.get_by_label("Minutes of learning").fill("75")
    page.get_by_label("Topics").fill("computer vision, python")
    body = page.locator("#id_body")
    body.fill(
        "# Kernels and strides\n\n"
        "Worked through a 3x3 kernel by hand.\n\n"
        "```python\nprint(sum(k * x for k, x in zip(kernel, patch)))\n```\n\n"
    )
    # The uploaded image's Markdown goes where the cursor is: after the code block.
    body.press("Control+End")
    page.set_input_files("input[data-image-upload-for=id_body]", png_file(tmp_path))
    expect(page.locator(".editor-block:has(#id_body) .upload-status")).to_have_text("Image added.")
    expect(body).to_have_value(re.compile(r"!\[\]\(/media/uploads/\S+\.png\)"))

    preview = page.locator(".markdownx:has(#id_body) .markdownx-preview")
    expect(preview.get_by_role("heading", name="Kernels and strides")).to_be_visible()
    expect(preview.locator("pre code")).to_contain_text("zip(kernel, patch)")
    expect(preview.locator("img")).to_have_count(1)

    page.get_by_label("Key lesson").fill("A convolution is a sliding dot product.")
    page.get_by_role("button", name="Publish entry").click()

    expect(page).to_have_url(re.compile(r"/@nia/day/1/$"))
    expect(page.get_by_role("heading", name="Convolutions by hand", level=1)).to_be_visible()
    prose = page.locator(".prose").first
    expect(prose.get_by_role("heading", name="Kernels and strides")).to_be_visible()
    expect(prose.locator("pre code")).to_contain_text("zip(kernel, patch)")
    image = prose.locator("img")
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    assert image.evaluate("img => img.naturalWidth") == 64

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My journey").click()
    expect(page).to_have_url(re.compile(r"/@nia/$"))
    current = page.locator(".stat", has_text="Current streak")
    expect(current.locator("dd")).to_have_text(re.compile(r"^\s*1\s+day\s*$"))
    assert Entry.objects.get(author__username="nia").number == 1

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_label("Account menu").click()
    nav.get_by_role("button", name="Log out").click()
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()

    page.goto("/feed/")
    card = page.locator(".entry-card", has_text="Convolutions by hand")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Day 1")
    expect(card).to_contain_text("A convolution is a sliding dot product.")
    card.get_by_role("link", name="Convolutions by hand").click()
    expect(page).to_have_url(re.compile(r"/@nia/day/1/$"))
