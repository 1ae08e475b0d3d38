"""A moderator undoes a hide: from a report to the Hidden list, the entry and back."""

import re

import pytest
from playwright.sync_api import expect

from journal import services
from tests.browser.conftest import log_in, watched_page
from tests.conftest import make_user, write_entry

pytestmark = pytest.mark.browser


def open_moderation(page):
    page.get_by_label("Account menu").click()
    page.get_by_role("link", name="Moderation").click()


def test_a_moderator_hides_an_entry_finds_it_under_hidden_and_restores_it(
    page, browser, live_server, browser_problems
):
    alice = make_user("alice", display_name="Alice Martin")
    bob = make_user("bob")
    make_user("mod", is_staff=True)
    entry = write_entry(alice, title="Attention, slowly", body="Read the transformer paper.")
    services.report_create(reporter=bob, target=entry, reason="spam", note="Looks like ads")
    entry_page = re.compile(re.escape(entry.get_absolute_url()) + "$")
    visitor = watched_page(browser, live_server.url, browser_problems)
    try:
        assert visitor.goto(entry.get_absolute_url()).status == 200

        log_in(page, "mod")
        open_moderation(page)
        report = page.locator(".moderation-item", has_text="Attention, slowly")
        report.get_by_label("Reason for: Hide entry").fill("Off-topic promotion")
        report.get_by_role("button", name="Hide entry").click()
        confirmation = page.get_by_role("status")
        expect(confirmation).to_contain_text("Hid the entry “Attention, slowly” by Alice Martin.")
        expect(confirmation.get_by_role("button", name="Undo")).to_be_visible()
        assert visitor.goto(entry.get_absolute_url()).status == 404

        page.get_by_role("navigation", name="Moderation").get_by_role(
            "link", name="Hidden and suspended"
        ).click()
        hidden = page.locator(".moderation-item", has_text="Attention, slowly")
        expect(hidden).to_contain_text("Hidden by mod")
        expect(hidden).to_contain_text("“Off-topic promotion”")
        hidden.get_by_role("link", name="Attention, slowly").click()
        expect(page).to_have_url(entry_page)
        banner = page.locator(".moderation-banner")
        expect(banner).to_contain_text("Hidden by moderators: Off-topic promotion.")
        expect(page.get_by_role("heading", name="Attention, slowly")).to_be_visible()

        banner.get_by_role("button", name="Restore entry").click()
        expect(page).to_have_url(entry_page)
        expect(page.get_by_role("status")).to_contain_text("Restored the entry")
        expect(page.locator(".moderation-banner")).to_have_count(0)

        assert visitor.goto(entry.get_absolute_url()).status == 200
        expect(visitor.get_by_role("heading", name="Attention, slowly")).to_be_visible()
        open_moderation(page)
        page.get_by_role("link", name="Hidden and suspended").click()
        expect(page.get_by_text("Nothing is hidden and nobody is suspended.")).to_be_visible()
    finally:
        visitor.context.close()
