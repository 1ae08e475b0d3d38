"""The challenge arc, told once from end to end: alice starts a 30-day invite-only challenge
and declares a rest day, bob joins by her invite link, both write, the board and today's
check-ins show them; a month later a rest day and a freeze have kept alice's streak, her
7-day milestone is among her notifications, and she has a certificate with its image. All
along, a visitor finds the challenge nowhere.

Today's steps go through the pages; the days between are written through the same
service the pages use, a day at a time on a stopped clock.
"""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from journal import charts
from journal.models import Challenge
from tests.browser.conftest import log_in, log_out
from tests.browser.test_challenges import write_today
from tests.conftest import make_user, write_entry

pytestmark = pytest.mark.browser

TITLE = "Momentum Learning Series"
REST_DAY = 8  # alice's declared holiday, days after the start
MISSED_DAY = 12  # the day she forgets, after a week in a row has earned a freeze
BOB_WRITES = range(4)  # bob's days: the first four


def start_the_challenge(page, alice):
    page.goto(reverse("journal:challenge_new"))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_role("textbox", name="Description").fill(
        "One hour a day, one honest reflection. **Thirty days.**"
    )
    page.get_by_label("Daily minimum (minutes)").fill("60")
    page.get_by_label("Length in days").fill("30")
    page.get_by_label("Start date").fill(alice.local_today().isoformat())
    page.get_by_label("Invite-only").check()
    page.get_by_role("button", name="Start the challenge").click()
    expect(page.locator(".challenge-day")).to_have_text("Day 1 of 30")
    return page.get_by_label(re.compile("Invite link")).input_value()


def declare_rest_day(page, day):
    page.goto(reverse("journal:rest_settings"))
    page.get_by_label("A holiday: every day of a range").check()
    page.get_by_label("From").fill(day.isoformat())
    page.get_by_label("Until").fill(day.isoformat())
    page.get_by_role("button", name="Declare").click()
    expect(page.locator(".message").first).to_contain_text("Rest declared")


def assert_nowhere_for_a_visitor(page, challenge, alice_entry):
    """A signed-out visitor meets the challenge in no list, feed, search or Atom feed, and
    its own addresses answer 404."""
    search = reverse("journal:search") + "?q=" + TITLE.replace(" ", "+")
    for address in (reverse("journal:challenges"), reverse("journal:feed"), search):
        page.goto(address)
        expect(page.locator(f'a[href*="{challenge.slug}"]')).to_have_count(0)
        if address != search:  # which shows what was searched for
            expect(page.get_by_role("main")).not_to_contain_text(TITLE)
    # The feed does show her entries, without what they count for.
    page.goto(reverse("journal:feed"))
    expect(page.get_by_role("link", name=alice_entry.title).first).to_be_visible()
    for atom in (reverse("journal:atom"), reverse("journal:journey_atom", args=["alice"])):
        response = page.request.get(atom)
        assert response.ok, atom
        assert TITLE not in response.text(), atom
    for address in (
        challenge.get_absolute_url(),
        reverse("journal:challenge_atom", args=[challenge.slug]),
        reverse("journal:certificate", args=[challenge.slug, "alice"]),
    ):
        assert page.request.get(address).status == 404, address


def test_a_challenge_from_day_1_to_the_certificate(page, clock_from_now):
    alice = make_user("alice", display_name="Alice Martin")
    bob = make_user("bob", display_name="Bob Stone")
    start = alice.local_today()

    # Day 1: alice starts the challenge, writes, and declares a holiday ahead.
    log_in(page, "alice")
    invite_link = start_the_challenge(page, alice)
    write_today(page, "Day one of the series", 60)
    declare_rest_day(page, start + dt.timedelta(days=REST_DAY))
    log_out(page)
    challenge = Challenge.objects.get(title=TITLE)

    # Bob joins by the link and writes his Day 1.
    log_in(page, "bob")
    page.goto(invite_link)
    page.get_by_role("button", name="Join the challenge").click()
    expect(page.get_by_text(f"You joined “{TITLE}”.")).to_be_visible()
    write_today(page, "Bob's first hour", 75)
    page.goto(challenge.get_absolute_url())
    checkins = page.get_by_role("region", name="Today's check-ins")
    expect(checkins).to_contain_text("2 checked in today")
    expect(checkins.get_by_role("list", name="Latest check-ins")).to_contain_text("Alice Martin")
    expect(checkins.get_by_role("list", name="Latest check-ins")).to_contain_text("Bob Stone")
    board = page.locator("table.board")
    expect(board.get_by_role("row", name=re.compile("Alice Martin"))).to_contain_text("1")
    expect(board.get_by_role("row", name=re.compile("Bob Stone"))).to_contain_text("1")
    log_out(page)

    # The month: alice writes every day but her rest day and the one she misses.
    latest = None
    for n in range(1, 30):
        clock_from_now.instant += dt.timedelta(days=1)
        if n not in (REST_DAY, MISSED_DAY):
            latest = write_entry(alice, day=alice.local_today(), title=f"Series, day {n + 1}")
        if n in BOB_WRITES:
            write_entry(bob, day=bob.local_today(), title=f"Bob, day {n + 1}")
    assert_nowhere_for_a_visitor(page, challenge, latest)

    # Day 30: the rest day and the freeze kept her streak, and the heatmap says so.
    log_in(page, "alice")
    page.goto(reverse("journal:journey", args=["alice"]))
    expect(page.locator(".streak-kept")).to_have_text(
        "Current streak: 28 days, kept by 1 rest day and 1 freeze."
    )
    for day, words in (
        (start + dt.timedelta(days=REST_DAY), "no learning, rest day"),
        (start + dt.timedelta(days=MISSED_DAY), "no learning, frozen: a freeze kept the streak"),
    ):
        title = f"{charts.day_in_words(day)}: {words}"
        expect(page.locator(f".heatmap-svg title:text-is('{title}')")).to_have_count(1)
    expect(page.locator(".heatmap-svg .hm-rest")).to_have_count(1)
    expect(page.locator(".heatmap-svg .hm-frozen")).to_have_count(1)

    # The 7-day milestone reached on her seventh day waits among her notifications.
    page.goto(reverse("journal:notifications"))
    expect(page.get_by_role("main")).to_contain_text("You reached a 7-day streak")

    # The board ranks her first, finished; her certificate and its image exist.
    page.goto(challenge.get_absolute_url())
    rows = page.locator("table.board tbody tr")
    expect(rows.first.get_by_role("rowheader")).to_contain_text("Alice Martin")
    expect(rows.first.locator("td").first).to_have_text("28")
    expect(rows.nth(1).get_by_role("rowheader")).to_contain_text("Bob Stone")
    expect(rows.nth(1).locator("td").first).to_have_text(str(len(BOB_WRITES)))
    rows.first.get_by_role("link", name=re.compile("Finished")).click()
    expect(page.get_by_text("Certificate of completion")).to_be_visible()
    expect(page.get_by_label("The run in figures")).to_contain_text("28 of 30")
    image = page.get_by_role("link", name="Download the image").get_attribute("href")
    response = page.request.get(image)
    assert response.status == 200
    with Image.open(io.BytesIO(response.body())) as picture:
        assert (picture.format, picture.size) == ("PNG", (1200, 630))
    # Invite-only: the link unfolds into no picture for strangers.
    assert page.locator('meta[property="og:image"]').count() == 0
    log_out(page)

    assert page.request.get(image).status == 404
    assert_nowhere_for_a_visitor(page, challenge, latest)
