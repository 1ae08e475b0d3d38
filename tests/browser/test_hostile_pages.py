"""The pages that show everyone's hostile text, opened in Chromium: no dialog, no page
error, no Content Security Policy violation (the ``page`` fixture fails the test on any).

tests/test_hostile_content.py checks the same pages' markup; this proves that what the
browser makes of it runs nothing either.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.hostile_inputs import PAYLOADS, SHARED_WORD, build_hostile_world

pytestmark = pytest.mark.browser

LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")
# Time for what a payload could schedule after load: autofocus, <details> toggles,
# SVG animations, image errors.
SETTLE_MS = 400


def visit(page, url):
    page.goto(url)
    page.wait_for_timeout(SETTLE_MS)


@pytest.fixture
def offline(page):
    """Images and links to other sites fail at once instead of waiting on the network."""
    page.route(
        "**/*", lambda route: route.continue_() if LOCAL.match(route.request.url) else route.abort()
    )
    return page


def test_the_harness_notices_script_that_runs(offline, browser_problems):
    # Without the site's CSP, a payload runs: the recording must see it.
    offline.set_content("<img src=x onerror=alert(1)>")
    offline.wait_for_timeout(SETTLE_MS)
    assert any("alert dialog" in problem for problem in browser_problems)
    # On Momentum's own pages the CSP blocks it, and says so on the console.
    visit(offline, reverse("journal:home"))
    offline.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<img src=x onerror=alert(2)>')"
    )
    offline.wait_for_timeout(SETTLE_MS)
    assert any("CSP violation" in problem for problem in browser_problems)
    assert not any("alert(2)" in problem and "dialog" in problem for problem in browser_problems)
    browser_problems.clear()


def test_pages_full_of_hostile_text_run_nothing(offline):
    page = offline
    world = build_hostile_world()
    count = len(PAYLOADS)

    # A visitor: the landing page, the feed, people and a search.
    visit(page, reverse("journal:home"))
    visit(page, reverse("journal:feed"))
    expect(page.locator(".entry-card")).to_have_count(20)
    visit(page, reverse("journal:people"))
    visit(page, reverse("journal:search") + f"?q={SHARED_WORD}")
    expect(page.locator(".entry-card")).to_have_count(20)
    visit(page, world["authors"][0].get_absolute_url())

    # The reader: every payload as a comment on one entry, and in their notifications.
    log_in(page, world["reader"].username)
    visit(page, world["board"].get_absolute_url())
    expect(page.locator(".comment")).to_have_count(count)
    visit(page, reverse("journal:notifications"))
    expect(page.locator(".notification")).to_have_count(20)

    # An author: their edit page re-shows the raw text, and the live preview renders it.
    page.get_by_label("Account menu").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, world["authors"][0].username)
    visit(page, reverse("journal:entry_edit", args=[world["entries"][0].pk]))
    for payload in PAYLOADS:
        response = page.request.post(
            reverse("journal:markdown_preview"),
            form={"content": payload.text},
            headers={"X-CSRFToken": _csrf_token(page), "Referer": page.url},
        )
        assert response.ok, payload.id
        # Shown the way the editor shows it: inserted into the page.
        page.evaluate(
            "html => { document.querySelector('main').insertAdjacentHTML('beforeend', html) }",
            response.text(),
        )
    page.wait_for_timeout(SETTLE_MS)

    # Staff: the moderation queue shows every entry, comment and profile in place.
    page.get_by_label("Account menu").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, world["moderator"].username)
    visit(page, reverse("journal:moderation"))
    expect(page.locator(".moderation-item")).to_have_count(3 * count)


def _csrf_token(page):
    return page.locator("input[name=csrfmiddlewaretoken]").first.get_attribute("value")
