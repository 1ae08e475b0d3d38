"""Rest days as a person meets them: declared in settings, then marked on the heatmap."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from journal import charts
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import serious_violations
from tests.conftest import make_user, write_entry

pytestmark = pytest.mark.browser


def test_declare_a_rest_day_in_settings_and_see_it_keep_the_streak(page, clock_from_now):
    alice = make_user("alice", display_name="Alice Martin")
    write_entry(alice)
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    log_in(page, "alice")
    page.goto("/settings/")
    page.get_by_role("link", name="declare rest days and see your freezes").click()
    expect(page.get_by_role("heading", name="Rest days and freezes", level=1)).to_be_visible()
    expect(page.get_by_text("6 more counted days in a row earn the next").first).to_be_visible()

    page.get_by_label("A holiday: every day of a range").check()
    page.get_by_label("From").fill(tomorrow.isoformat())
    page.get_by_label("Until").fill(tomorrow.isoformat())
    page.get_by_role("button", name="Declare").click()
    expect(page.locator(".message").first).to_contain_text("Rest declared")
    day = charts.day_in_words(tomorrow)
    expect(page.locator(".rest-upcoming")).to_contain_text(day)
    assert serious_violations(page) == []

    # Tomorrow, before writing: the rest day keeps the streak, and the heatmap says why.
    clock_from_now.instant += dt.timedelta(days=1)
    page.goto("/@alice/")
    expect(page.locator(".streak-kept")).to_have_text("Current streak: 1 day, kept by 1 rest day.")
    cell = page.locator(
        ".heatmap-svg rect", has=page.locator(f"title:text-is('{day}: no learning, rest day')")
    )
    expect(cell).to_have_count(1)
    expect(page.locator(".heatmap-svg .hm-rest")).to_have_count(1)
    expect(page.locator(".heatmap-legend")).to_contain_text("Rest day")
