"""A challenge among friends: alice starts one, invite-only, bob joins by its link, both
write, the board shows them, and nobody else can find it."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal.models import Challenge
from tests.browser.conftest import log_in, log_out
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def write_today(page, title, minutes):
    page.goto(reverse("journal:write"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Minutes of learning").fill(str(minutes))
    page.get_by_role("textbox", name="What I studied").fill("Ownership and borrowing.")
    page.get_by_role("button", name="Publish entry").click()
    expect(page).to_have_url(re.compile(r"/@\w+/\d{4}-\d{2}-\d{2}/$"))


def test_friends_run_an_invite_only_challenge_that_others_cannot_find(page):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob", display_name="Bob Stone")

    log_in(page, "alice")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Challenges").click()
    page.get_by_role("link", name="Start a challenge").click()
    page.get_by_label("Title").fill("Thirty days of Rust")
    page.get_by_role("textbox", name="Description").fill("One chapter of **the book** a day.")
    page.get_by_label("Daily minimum (minutes)").fill("45")
    page.get_by_label("Length in days").fill("30")
    page.get_by_label("Start date").fill(alice.local_today().isoformat())
    page.get_by_label("Invite-only").check()
    page.get_by_role("button", name="Start the challenge").click()
    expect(page.get_by_role("heading", name="Thirty days of Rust")).to_be_visible()
    expect(page.locator(".challenge-day")).to_have_text("Day 1 of 30")
    invite_link = page.get_by_label(re.compile("Invite link")).input_value()
    write_today(page, "Rust, chapter 1", 50)
    log_out(page)

    # A visitor finds it nowhere.
    page.goto(reverse("journal:challenges"))
    expect(page.get_by_text("Thirty days of Rust")).to_have_count(0)
    challenge = Challenge.objects.get(title="Thirty days of Rust")
    response = page.goto(challenge.get_absolute_url())
    assert response.status == 404

    log_in(page, "bob")
    page.goto(invite_link)
    expect(page.get_by_role("heading", name="Thirty days of Rust")).to_be_visible()
    page.get_by_role("button", name="Join the challenge").click()
    expect(page.get_by_text("You joined “Thirty days of Rust”.")).to_be_visible()
    write_today(page, "Rust, chapter 1 too", 60)

    page.goto(challenge.get_absolute_url())
    board = page.locator("table.board")
    expect(board.get_by_role("row")).to_have_count(3)
    expect(board.get_by_role("row", name=re.compile("Alice Martin"))).to_contain_text("1")
    expect(board.get_by_role("row", name=re.compile("Bob Stone"))).to_contain_text("1")
    expect(page.get_by_role("link", name="Rust, chapter 1 too")).to_be_visible()
    log_out(page)

    response = page.goto(challenge.get_absolute_url())
    assert response.status == 404
