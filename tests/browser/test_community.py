"""Two people find each other: search, topics, cheers, comments, follows, notifications."""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from journal.models import Cheer, Comment, Follow
from tests.browser.conftest import log_in, log_out
from tests.conftest import days_ago, make_user, write_entry

pytestmark = pytest.mark.browser


def test_a_second_learner_finds_cheers_comments_and_follows(page):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob", display_name="Bob Stone")
    entry = write_entry(
        alice,
        title="Attention, slowly",
        minutes=90,
        body="Read the transformer paper twice.",
        key_lesson="Attention is a weighted average.",
        topics=["computer vision"],
    )

    log_in(page, "bob")
    search = page.get_by_role("search").get_by_label("Search entries")
    search.fill("transformer")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=transformer"))
    expect(page.locator(".entry-card", has_text="Attention, slowly")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Topics").click()
    page.get_by_role("main").get_by_role("link", name=re.compile("computer-vision")).first.click()
    expect(page).to_have_url(re.compile(r"/topics/computer-vision/$"))
    page.get_by_role("link", name="Attention, slowly").click()
    expect(page).to_have_url(re.compile(re.escape(entry.get_absolute_url()) + "$"))

    cheer = page.get_by_role("button", name="Cheer")
    expect(cheer).to_have_attribute("aria-pressed", "false")
    url_before = page.url
    cheer.click()
    expect(cheer).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".entry-encourage [data-cheer-count]")).to_have_text("1 cheer")
    # The cheer went through without a page load.
    assert page.url == url_before

    page.get_by_label("Your comment").fill("Great notes, **keep going**!")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".comments").get_by_text("keep going")
    expect(comment).to_be_visible()
    assert comment.evaluate("node => node.tagName") == "STRONG"

    page.get_by_role("link", name="Alice Martin").first.click()
    page.get_by_role("button", name="Follow Alice Martin").click()
    expect(page.get_by_text("You follow Alice Martin.")).to_be_visible()

    assert Cheer.objects.filter(entry=entry, user__username="bob").exists()
    assert Comment.objects.filter(entry=entry, author__username="bob").exists()
    assert Follow.objects.filter(follower__username="bob", followed=alice).exists()

    log_out(page)
    log_in(page, "alice")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name=re.compile(r"Notifications 3 unread"))).to_be_visible()
    nav.get_by_role("link", name=re.compile("Notifications")).click()
    items = page.locator(".notification")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Bob Stone followed you")
    expect(items.nth(1)).to_contain_text("Bob Stone commented on your Day 1")
    expect(items.nth(2)).to_contain_text("Bob Stone cheered your Day 1")

    nav.get_by_role("link", name="My journey").click()
    heatmap = page.locator("svg.heatmap-svg")
    expect(heatmap).to_be_visible()
    today = heatmap.locator("rect.hm-cell", has=page.locator("title", has_text="90 minutes"))
    expect(today).to_have_count(1)
    expect(page.locator(".bar-chart .bar-row", has_text="computer-vision")).to_contain_text("1.5 h")
    expect(page.get_by_text("Attention is a weighted average.").first).to_be_visible()


def test_readers_share_the_cached_feed_but_each_has_their_own_cheers(page, browser, live_server):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob", display_name="Bob Stone")
    carol = make_user("carol", display_name="Carol Reed")
    write_entry(alice, title="Attention, slowly")
    card = page.locator(".entry-card", has_text="Attention, slowly")
    log_in(page, "bob")
    page.goto("/feed/")
    expect(card.get_by_role("button", name="Cheer")).to_have_attribute("aria-pressed", "false")

    # Carol gets the feed Bob's visit rendered, with her own name and CSRF token.
    other = browser.new_context(base_url=live_server.url).new_page()
    log_in(other, "carol")
    other.goto("/feed/")
    expect(other.get_by_role("navigation", name="Main")).to_contain_text("Carol Reed")
    expect(other.get_by_role("navigation", name="Main")).not_to_contain_text("Bob Stone")
    theirs = other.locator(".entry-card", has_text="Attention, slowly")
    cheer = theirs.get_by_role("button", name="Cheer")
    cheer.click()
    expect(cheer).to_have_attribute("aria-pressed", "true")
    expect(theirs.locator("[data-cheer-count]")).to_have_text("1 cheer")
    assert Cheer.objects.get().user == carol
    other.context.close()

    # Another reader's cheer reaches the copy Bob reads within seconds.
    time.sleep(settings.MOMENTUM_PAGE_STALE_SECONDS)
    page.reload()
    expect(card.get_by_role("button", name="Cheer")).to_have_attribute("aria-pressed", "false")
    expect(card.locator("[data-cheer-count]")).to_have_text("1 cheer")


def test_without_javascript_a_cheer_is_a_plain_post_back_to_the_page(
    browser, live_server, transactional_db
):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob")
    yesterday = write_entry(alice, day=days_ago(alice, 1), title="Yesterday's notes")
    write_entry(alice, title="Today's notes")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, "bob")
    page.goto("/@alice/")
    card = page.locator(".entry-card", has_text="Yesterday's notes")
    card.get_by_role("button", name="Cheer").click()
    # The page's one form named the pressed card's entry, and came back to the journey.
    expect(page).to_have_url(re.compile(r"/@alice/$"))
    expect(card.get_by_role("button", name="Cheer")).to_have_attribute("aria-pressed", "true")
    expect(card.locator("[data-cheer-count]")).to_have_text("1 cheer")
    other = page.locator(".entry-card", has_text="Today's notes")
    expect(other.get_by_role("button", name="Cheer")).to_have_attribute("aria-pressed", "false")
    # Pressed looks pressed: the style follows the button, wherever its form is.
    background = "button => getComputedStyle(button).backgroundColor"
    pressed = card.get_by_role("button", name="Cheer").evaluate(background)
    assert pressed != other.get_by_role("button", name="Cheer").evaluate(background)
    assert Cheer.objects.get().entry == yesterday
    context.close()


def test_a_cheer_without_its_json_answer_falls_back_to_the_plain_post(page):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob")
    write_entry(alice, title="Today's notes")
    log_in(page, "bob")

    def no_json(route):
        # As when the session ended meanwhile: the script's request gets a page back.
        if "application/json" in route.request.headers.get("accept", ""):
            route.fulfill(status=200, content_type="text/html", body="<p>Log in</p>")
        else:
            route.continue_()

    page.route("**/cheers/", no_json)
    page.goto("/@alice/")
    page.get_by_role("button", name="Cheer").click()
    expect(page.get_by_role("button", name="Cheer")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("[data-cheer-count]")).to_have_text("1 cheer")
    assert Cheer.objects.get().user.username == "bob"
