"""Pages as they look on a phone: 390 px wide, the width of a common handset."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from journal.models import User
from tests.browser.conftest import log_in
from tests.conftest import days_ago, make_user, write_entry

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def veteran_on_a_phone(page, *, minutes, entries):
    veteran = make_user("veteran", display_name="Vera Teran")
    write_entry(veteran, minutes=90)
    User.objects.filter(pk=veteran.pk).update(
        total_minutes=minutes,
        entry_count=entries,
        public_minutes=minutes,
        public_entry_count=entries,
    )
    page.set_viewport_size(PHONE)


def assert_one_line_each_within_the_screen(page, figures):
    heights = [figure.bounding_box()["height"] for figure in figures.all()]
    # The number and its unit on one line: a wrapped figure is twice as tall.
    assert max(heights) < 1.5 * min(heights), heights
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_veterans_figures_each_keep_to_one_line_on_a_phone(page):
    # Two years of long days: four-digit hours, the widest figure a journey shows.
    veteran_on_a_phone(page, minutes=88_908, entries=657)
    page.goto("/@veteran/")
    figures = page.locator(".stats dd")
    assert figures.all_inner_texts() == ["1 day", "1 day", "1481.8 hours", "657"]
    assert_one_line_each_within_the_screen(page, figures)


def test_a_large_communitys_figures_fit_the_landing_page_on_a_phone(page):
    # What a community of ten thousand has written in two years.
    veteran_on_a_phone(page, minutes=81_233_820, entries=998_531)
    page.goto("/")
    figures = page.locator(".figures dd")
    assert figures.all_inner_texts() == ["1", "998,531", "1,353,897"]
    assert_one_line_each_within_the_screen(page, figures)


def assert_one_row(page):
    """The header is one row: its visible parts share a middle line, and it is no taller
    than its tallest part and its padding."""
    header = page.locator(".site-header").bounding_box()
    parts = [part.bounding_box() for part in page.locator(".nav > *").all() if part.is_visible()]
    middles = [part["y"] + part["height"] / 2 for part in parts]
    assert max(middles) - min(middles) <= 2, parts
    assert header["height"] <= max(part["height"] for part in parts) + 20, header


@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "participant"])
def test_the_header_is_one_row_that_stays_in_reach_on_a_phone(page, signed_in):
    author = make_user("kai", display_name="Kai Long-Name")
    for days in range(12):
        write_entry(author, day=days_ago(author, days), title=f"Day {days}")
    page.set_viewport_size(PHONE)
    if signed_in:
        log_in(page, "kai")
    page.goto("/@kai/")
    assert_one_row(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    assert page.evaluate("window.scrollY") > 1000
    header = page.locator(".site-header")
    expect(header).to_be_in_viewport()
    assert header.bounding_box()["y"] == 0

    # The links and search wait under Menu, over the page, and lead on.
    people = page.get_by_role("link", name="People", exact=True)
    expect(people).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(page.get_by_role("searchbox", name="Search entries")).to_be_visible()
    people.click()
    expect(page).to_have_url(re.compile(r"/people/$"))
    assert_one_row(page)


def test_the_menu_closes_on_escape_and_elsewhere_and_a_wide_screen_shows_its_links(page):
    page.set_viewport_size(PHONE)
    page.goto("/feed/")
    menu = page.get_by_text("Menu", exact=True)
    topics = page.get_by_role("link", name="Topics", exact=True)
    menu.click()
    page.get_by_role("searchbox", name="Search entries").focus()
    page.keyboard.press("Escape")
    expect(topics).to_be_hidden()
    expect(page.locator(".nav-menu summary")).to_be_focused()
    menu.click()
    expect(topics).to_be_visible()
    # A tap on the page below the open panel.
    page.mouse.click(PHONE["width"] / 2, PHONE["height"] - 50)
    expect(topics).to_be_hidden()

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(topics).to_be_visible()
    expect(menu).to_be_hidden()


def test_the_menu_opens_without_javascript(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/feed/")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("link", name="Topics", exact=True).click()
    expect(page).to_have_url(re.compile(r"/topics/$"))
    context.close()


def test_the_feed_tabs_keep_to_one_line_and_show_the_current_one_on_a_phone(page):
    make_user("kai")
    page.set_viewport_size(PHONE)
    log_in(page, "kai")
    page.goto("/encourage/")
    tabs = page.locator(".feed-tabs a")
    expect(tabs).to_have_count(3)
    boxes = [tab.bounding_box() for tab in tabs.all()]
    assert len({box["y"] for box in boxes}) == 1, boxes
    assert max(box["height"] for box in boxes) < 50, boxes
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The tabs scroll sideways rather than wrap, and the current one is in sight.
    current = page.locator(".feed-tabs a[aria-current=page]")
    expect(current).to_have_text("Needs encouragement")
    expect(current).to_be_in_viewport(ratio=1)


# 3 December 2025: December begins in the heatmap's last week, whose label sits at its edge.
DECEMBER = dt.datetime(2025, 12, 3, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("width", [PHONE["width"], 1280])
def test_the_heatmaps_month_labels_are_whole(page, clock, width):
    clock.instant = DECEMBER
    author = make_user("kai", time_zone="UTC")
    write_entry(author, minutes=90)
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/@kai/")
    heatmap = page.locator(".heatmap-svg").bounding_box()
    labels = page.locator(".hm-labels text")
    assert labels.last.text_content() == "Fri"
    months = labels.all()[:-3]
    assert months[-1].text_content() == "Dec"
    for label in months:
        box = label.bounding_box()
        assert heatmap["x"] <= box["x"]
        assert box["x"] + box["width"] <= heatmap["x"] + heatmap["width"]
        assert heatmap["y"] <= box["y"]
