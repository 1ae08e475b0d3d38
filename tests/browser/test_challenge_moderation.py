"""bob reports a challenge, a moderator hides it and a visitor no longer finds it, until the
moderator restores it."""

import pytest
from playwright.sync_api import expect

from journal import services
from journal.models import Challenge
from tests.browser.conftest import log_in, watched_page
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_bob_reports_a_challenge_a_moderator_hides_it_then_restores_it(
    page, browser, live_server, browser_problems
):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob")
    make_user("mod", is_staff=True)
    challenge = services.challenge_create(
        challenge=Challenge(creator=alice, title="Get rich reading", description="Buy my course."),
        topic_names=[],
    )
    visitor = watched_page(browser, live_server.url, browser_problems)
    try:
        visitor.goto("/challenges/")
        expect(visitor.get_by_role("link", name="Get rich reading")).to_be_visible()

        log_in(page, "bob")
        page.goto(challenge.get_absolute_url())
        page.get_by_role("link", name="Report this challenge").click()
        page.get_by_label("Spam or advertising").check()
        page.get_by_label("Anything the moderators should know?").fill("An advert")
        page.get_by_role("button", name="Send report").click()
        expect(page.get_by_role("status")).to_contain_text("A moderator will look at your report")
        page.context.clear_cookies()

        log_in(page, "mod")
        page.goto("/moderation/")
        report = page.locator(".moderation-item", has_text="Get rich reading")
        expect(report).to_contain_text("“An advert”")
        report.get_by_label("Reason for: Hide challenge").fill("Advertising")
        report.get_by_role("button", name="Hide challenge").click()
        confirmation = page.get_by_role("status")
        expect(confirmation).to_contain_text("Hid the challenge “Get rich reading”.")

        visitor.goto("/challenges/")
        expect(visitor.get_by_role("link", name="Get rich reading")).to_have_count(0)
        assert visitor.goto(challenge.get_absolute_url()).status == 404

        page.get_by_role("link", name="Hidden and suspended").click()
        hidden = page.locator(".moderation-item", has_text="Get rich reading")
        expect(hidden).to_contain_text("“Advertising”")
        hidden.get_by_role("button", name="Restore challenge").click()
        expect(page.get_by_role("status")).to_contain_text("Restored the challenge")

        assert visitor.goto(challenge.get_absolute_url()).status == 200
        expect(visitor.get_by_role("heading", name="Get rich reading")).to_be_visible()
    finally:
        visitor.context.close()
