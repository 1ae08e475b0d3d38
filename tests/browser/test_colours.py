"""Light, dark or the system's colours, chosen in the menu and kept on this device.

The choice lives in the browser (localStorage, applied by js/theme.js before the page
paints), never in the HTML, which is cached and shared between readers.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.browser.test_accessibility import serious_violations
from tests.conftest import make_user

pytestmark = pytest.mark.browser

# The page's background (--paper) in each scheme.
LIGHT = "rgb(251, 250, 247)"
DARK = "rgb(21, 23, 29)"


def background(page):
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def choose(page, colours):
    menu = page.get_by_role("group", name="Colours")
    if not menu.is_visible():
        page.locator(".theme-menu summary").click()
    menu.get_by_label(colours).check()


def test_the_chosen_colours_stay_on_this_device_and_the_system_is_followed_again(page):
    make_user("ines")
    page.goto("/")
    assert background(page) == LIGHT

    choose(page, "Dark")
    assert background(page) == DARK
    page.reload()
    assert background(page) == DARK
    log_in(page, "ines")
    assert background(page) == DARK
    # The choice is this browser's, whoever reads: it never reaches the shared HTML.
    assert "data-theme" not in page.request.get("/feed/").text()

    # Applied by the script in <head>, before the page paints, not by site.js after it.
    page.route("**/site*.js", lambda route: route.abort())
    page.goto("/feed/")
    assert background(page) == DARK
    page.unroute("**/site*.js")

    page.goto("/feed/")
    page.emulate_media(color_scheme="dark")
    choose(page, "Light")
    assert background(page) == LIGHT
    choose(page, "Same as this device")
    assert background(page) == DARK
    page.emulate_media(color_scheme="light")
    assert background(page) == LIGHT
    page.reload()
    page.locator(".theme-menu summary").click()
    expect(page.get_by_label("Same as this device")).to_be_checked()
    page.emulate_media(color_scheme="dark")
    assert background(page) == DARK


def test_a_choice_made_in_another_tab_reaches_this_one(page):
    page.goto("/")
    other = page.context.new_page()
    other.goto("/feed/")
    choose(other, "Dark")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK
    other.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_open_menus_pass_axe_in_both_schemes(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto("/feed/")
    found = []
    for colours in ["Light", "Dark"]:
        choose(page, colours)
        found += serious_violations(page)
        if width == 390:
            page.get_by_text("Menu", exact=True).click()
            expect(page.get_by_role("link", name="Topics", exact=True)).to_be_visible()
            found += serious_violations(page)
    assert not found, "\n".join(found)


def test_without_javascript_there_is_no_switch_and_the_system_decides(
    browser, live_server, transactional_db
):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, color_scheme="dark"
    )
    page = context.new_page()
    page.goto("/")
    expect(page.locator(".theme-menu")).to_be_hidden()
    assert background(page) == DARK
    context.close()
