"""A learner brings a post from their old blog: settings, import, preview, confirm, journey."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal.models import Entry
from tests.conftest import days_ago, make_user

pytestmark = pytest.mark.browser


def test_import_a_post_from_the_settings_page(page):
    lena = make_user("lena", display_name="Lena Vogel")
    day = days_ago(lena, 10)
    post = (
        f"---\nlayout: post\ntitle: Backprop by hand\ndate: {day:%d/%m/%Y}\n"
        "tags: [deep-learning]\nminutes: 75\n---\n"
        "Derived the gradients of a two-layer network on paper.\n\n"
        "## Reflection\n\nSlow, and worth it.\n"
    )

    page.goto(reverse("account_login"))
    page.get_by_label("Username or email").fill("lena")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(reverse("account_login"))

    page.goto(reverse("journal:settings"))
    page.get_by_role("link", name="Import entries").click()
    expect(page.get_by_role("heading", name="Import entries")).to_be_visible()
    page.get_by_label("Markdown files or a ZIP archive").set_input_files(
        {
            "name": f"{day:%Y-%m-%d}-backprop.md",
            "mimeType": "text/markdown",
            "buffer": post.encode(),
        }
    )
    page.get_by_role("button", name="Read the files").click()

    expect(page.get_by_role("heading", name="Check your import")).to_be_visible()
    row = page.locator("tr.import-row-new")
    expect(row).to_contain_text(f"{day:%-d %b %Y}")
    expect(row).to_contain_text("Backprop by hand")
    expect(row).to_contain_text("75")
    expect(row).to_contain_text("deep-learning")
    expect(row).to_contain_text("Will be imported")
    assert not Entry.objects.exists()

    page.get_by_role("button", name="Import these entries").click()
    expect(page).to_have_url(reverse("journal:journey", args=["lena"]))
    expect(page.get_by_text("Imported 1 entry.")).to_be_visible()
    page.get_by_role("link", name="Backprop by hand").click()
    expect(page.get_by_text("Slow, and worth it.")).to_be_visible()
    entry = Entry.objects.get(author=lena)
    assert (entry.day, entry.number, entry.minutes) == (day, 1, 75)
