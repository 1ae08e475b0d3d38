"""The newcomer's path through the product, in a real browser."""

import io
import re

import pytest
from django.core import mail
from PIL import Image
from playwright.sync_api import expect

from journal.models import Entry, User
from tests.browser.conftest import log_in, log_out, watched_page
from tests.browser.test_accessibility import serious_violations

pytestmark = pytest.mark.browser


def png_file(tmp_path):
    path = tmp_path / "notebook.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (228, 87, 46)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def sign_up_and_confirm(page, username, time_zone):
    """Join from the landing page and confirm the address from the email, in the same
    browser, which logs in."""
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Join the challenge").first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Join the challenge")
    page.get_by_label("Email").fill(f"{username}@example.com")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Time zone").fill(time_zone)
    page.get_by_label("Password", exact=True).fill("a long learning passphrase")
    page.get_by_label("Password (again)").fill("a long learning passphrase")
    page.get_by_role("button", name="Create my account").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    (message,) = mail.outbox
    page.goto(re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^/\s]+/)", message.body)[1])
    page.get_by_role("button", name="Confirm").click()


def test_newcomer_joins_writes_day_one_and_is_read_in_the_feed(page, tmp_path):
    sign_up_and_confirm(page, "nia", "Europe/Paris")
    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Paris")
    page.get_by_role("button", name="Skip for now").click()
    expect(page).to_have_url(re.compile(r"/write/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 1: your first entry")
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

    expect(page).to_have_url(re.compile(r"/@nia/\d{4}-\d{2}-\d{2}/$"))
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
    entry = Entry.objects.get(author__username="nia")
    assert entry.number == 1

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
    expect(page).to_have_url(re.compile(re.escape(entry.get_absolute_url()) + "$"))


def test_the_welcome_takes_the_browsers_zone_and_day_one_has_no_yesterday(
    browser, live_server, transactional_db, browser_problems
):
    page = watched_page(browser, live_server.url, browser_problems, timezone_id="Asia/Tokyo")
    # UTC at sign-up, as a page without JavaScript leaves it.
    sign_up_and_confirm(page, "kai", "UTC")

    expect(page).to_have_url(re.compile(r"/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Momentum")
    expect(page.get_by_label("Time zone")).to_have_value("Asia/Tokyo")
    expect(page.get_by_label("Daily goal (minutes)")).to_have_value("60")
    assert serious_violations(page) == []
    page.get_by_label("Display name").fill("Kai Tanaka")
    page.get_by_label("Daily goal (minutes)").fill("45")
    page.get_by_label("Currently learning").fill("Japanese grammar, one chapter a day")
    page.get_by_role("button", name="Save and start Day 1").click()

    expect(page).to_have_url(re.compile(r"/write/$"))
    expect(page.locator(".messages")).to_contain_text("Welcome to the challenge, Kai Tanaka.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Day 1: your first entry")
    # Joined today: the day to write is today, and nothing offers yesterday.
    expect(page.get_by_label("Day").locator("option")).to_have_count(1)
    expect(page.get_by_label("Day")).to_contain_text("Today")
    expect(page.get_by_text("Record yesterday")).to_have_count(0)
    kai = User.objects.get(username="kai")
    assert (kai.time_zone, kai.daily_goal_minutes, kai.display_name) == (
        "Asia/Tokyo",
        45,
        "Kai Tanaka",
    )
    assert kai.learning_focus == "Japanese grammar, one chapter a day"

    # Logging in again goes to the home page, not back to the questions.
    log_out(page)
    log_in(page, "kai", "a long learning passphrase")
    expect(page).to_have_url(re.compile(r"/$"))
    page.goto("/welcome/")
    expect(page).to_have_url(re.compile(r"/settings/$"))
    page.context.close()
