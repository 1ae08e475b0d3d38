"""Pages as they look on a phone: 390 px wide, the width of a common handset."""

from journal.models import User
from tests.conftest import make_user, write_entry

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
