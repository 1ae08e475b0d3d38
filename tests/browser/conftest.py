"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test that uses the ``page`` fixture fails on a JavaScript error, on any dialog and on
any Content Security Policy violation, so a page that only looks right cannot pass.
"""

import os
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.conftest import PASSWORD, FrozenClock

# Playwright's sync API keeps an asyncio event loop running in the main thread, which makes
# Django refuse ORM calls from test code; nothing here runs inside that loop.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
# We run as root (no sandbox) on a machine without a GPU; the rest keeps Chromium from
# talking to anything but the live server.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        # A missing browser must fail CI, never skip the tests that need it.
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium). "
            "Browser tests are never skipped.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_problems():
    """What went wrong in the browser during a test; checked after the test body runs."""
    return []


@pytest.fixture
def clock_from_now():
    """Now, stopped, so that a test can move days on; the browser's session stays valid, as
    the live server reads the same stopped clock."""
    frozen = FrozenClock(timezone.now())
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    # Browser tests commit their writes, so visitors' pages are cached as in production.
    settings.MOMENTUM_PAGE_CACHE = True


def watched_page(browser, base_url, problems, **context_options):
    """A tab in a new browser context (``context_options`` as for ``browser.new_context``)
    that records page errors, dialogs and CSP violations in ``problems``; close its
    ``page.context`` when done."""
    context_options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(base_url=base_url, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_dialog(dialog):
        problems.append(f"{dialog.type} dialog: {dialog.message}")
        dialog.dismiss()

    def on_console(message):
        if "Content Security Policy" in message.text:
            problems.append(f"CSP violation on {page.url}: {message.text}")

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    return page


@pytest.fixture
def page(browser, live_server, transactional_db, browser_problems):
    """A fresh browser tab on the live server, watched as ``watched_page`` says."""
    page = watched_page(browser, live_server.url, browser_problems)
    yield page
    page.context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Checked here rather than in the fixture's teardown so the test itself FAILS (not
    # errors), and so the problems are reported next to an assertion they may explain.
    problems = item.funcargs.get("browser_problems")
    try:
        result = yield
    except Exception:
        if problems:
            item.add_report_section("call", "browser", "\n".join(problems))
        raise
    if problems:
        pytest.fail("The browser reported:\n" + "\n".join(problems), pytrace=False)
    return result


def log_in(page, username, password=PASSWORD):
    page.goto(reverse("account_login"))
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Account menu")).to_be_visible()


def log_out(page):
    page.get_by_label("Account menu").click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in", exact=True)).to_be_visible()
