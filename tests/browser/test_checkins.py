"""Today's check-ins in the browser: two people in a challenge, one writes, the challenge's
page and both homes say who has checked in; a milestone is celebrated on saving."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal import services
from journal.models import Challenge
from tests.browser.conftest import log_in, log_out, watched_page
from tests.browser.test_accessibility import WIDTHS, serious_violations
from tests.browser.test_challenges import write_today
from tests.conftest import days_ago, make_user, write_entry

pytestmark = pytest.mark.browser


def series(creator):
    challenge = Challenge(
        creator=creator,
        title="Momentum Learning Series",
        starts_on=days_ago(creator, 11),
        length_days=30,
    )
    return services.challenge_create(challenge=challenge, topic_names=[])


def test_one_writes_and_the_challenge_page_shows_who_checked_in(page):
    alice = make_user("alice", display_name="Alice Martin")
    bob = make_user("bob", display_name="Bob Stone", time_zone="Asia/Tokyo")
    challenge = series(alice)
    services.challenge_join(person=bob, challenge=challenge)

    log_in(page, "bob")
    home = page.get_by_role("list", name="Your challenges today")
    expect(
        home.get_by_role("listitem").filter(has_text="Momentum Learning Series")
    ).to_contain_text("not yet today")
    write_today(page, "Graphs, chapter 3", 60)
    expect(page.get_by_text("Counts for")).to_contain_text(
        re.compile(r"Day \d+ of Momentum Learning Series")
    )
    page.goto(reverse("journal:home"))
    expect(
        home.get_by_role("listitem").filter(has_text="Momentum Learning Series")
    ).to_contain_text("✓ counted today")
    log_out(page)

    page.goto(challenge.get_absolute_url())
    checkins = page.get_by_role("region", name="Today's check-ins")
    expect(checkins).to_contain_text("1 checked in today, 1 not yet")
    expect(checkins.get_by_role("list", name="Latest check-ins")).to_contain_text("Bob Stone")
    expect(checkins).not_to_contain_text("Alice Martin")
    # The feed's card says what Bob's entry counts for.
    page.goto(reverse("journal:feed"))
    expect(page.locator(".counts-for").first).to_contain_text("of Momentum Learning Series")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_check_ins_and_the_day_part_pass_axe(
    browser, live_server, transactional_db, browser_problems, width, scheme
):
    alice = make_user("alice", display_name="Alice Martin")
    bob = make_user("bob", display_name="Bob Stone")
    challenge = series(alice)
    services.challenge_join(person=bob, challenge=challenge)
    write_entry(bob, title="Graphs")
    page = watched_page(
        browser, live_server.url, browser_problems, viewport=WIDTHS[width], color_scheme=scheme
    )
    page.goto(challenge.get_absolute_url())
    expect(page.get_by_role("region", name="Today's check-ins")).to_be_visible()
    assert serious_violations(page) == []
    log_in(page, "bob")
    expect(page.get_by_role("list", name="Your challenges today")).to_be_visible()
    assert serious_violations(page) == []


def test_saving_the_day_that_reaches_a_milestone_celebrates_it(page):
    alice = make_user("alice", display_name="Alice Martin")
    for back in range(6, 0, -1):
        write_entry(alice, day=days_ago(alice, back))
    log_in(page, "alice")
    write_today(page, "Seventh day", 60)
    celebration = page.locator(".message-milestone")
    expect(celebration).to_have_text("You reached a 7-day streak: well done!")
    expect(page.get_by_role("status")).to_contain_text("Day 7 is written")
