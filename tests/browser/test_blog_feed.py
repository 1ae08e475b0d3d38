"""A learner adds their blog's feed in settings, sees what its fetch did, and stops it."""

import pytest
from playwright.sync_api import expect

from journal.models import BlogFeed, Entry
from journal.services import blogfeeds
from tests.browser.conftest import log_in, watched_page
from tests.browser.test_accessibility import WIDTHS, serious_violations
from tests.conftest import Answer, make_user

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("allow_private_addresses")]

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Alice learns</title><id>urn:alice</id>
<updated>2025-09-16T09:00:00Z</updated>
<entry><title>Backpropagation by hand</title><id>urn:alice:1</id>
<link href="https://alice.example/backprop/"/><published>2025-09-16T09:00:00Z</published>
<category term="deep-learning"/><content type="html">&lt;p&gt;Chain rule, all day.&lt;/p&gt;</content>
</entry></feed>"""


def test_add_a_blog_see_its_fetch_and_stop_it(page, local_server):
    alice = make_user("alice", display_name="Alice Martin")
    local_server.answers["/feed.xml"] = Answer(body=FEED)
    log_in(page, "alice")
    page.goto("/settings/")
    page.get_by_role("link", name="Your blog").click()
    expect(page.get_by_role("heading", name="Your blog", level=1)).to_be_visible()

    page.get_by_label("Feed address").fill(local_server.url + "/feed.xml")
    page.get_by_label("Private: only me").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message").first).to_contain_text("Your blog is saved.")
    expect(page.get_by_text("Not read yet")).to_be_visible()

    # The worker's fetch, as the scheduler would queue it.
    blogfeeds.blog_feed_fetch(feed_id=BlogFeed.objects.get(person=alice).pk)
    page.reload()
    expect(page.get_by_role("heading", name="Last fetch")).to_be_visible()
    expect(page.get_by_text("1 new entry.")).to_be_visible()
    entry = Entry.objects.get(author=alice)
    assert (entry.title, entry.visibility) == ("Backpropagation by hand", "private")

    page.get_by_role("button", name="Stop reading my blog").click()
    expect(page.locator(".message").first).to_contain_text("Your blog is no longer read.")
    expect(page.get_by_role("heading", name="Add your feed")).to_be_visible()
    assert Entry.objects.filter(author=alice).exists()


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_page_with_a_problem_and_a_refused_address_has_no_serious_axe_findings(
    browser, live_server, browser_problems, local_server, width, scheme
):
    alice = make_user("alice")
    feed = blogfeeds.blog_feed_save(
        user=alice, url=local_server.url + "/feed.xml", visibility="public"
    )
    blogfeeds.blog_feed_fetch(feed_id=feed.pk)  # the local server answers 404
    page = watched_page(
        browser, live_server.url, browser_problems, viewport=WIDTHS[width], color_scheme=scheme
    )
    try:
        log_in(page, "alice")
        page.goto("/settings/blog/")
        expect(page.get_by_text("The feed answered 404 instead of the feed.")).to_be_visible()
        found = serious_violations(page)
        page.get_by_label("Feed address").fill("ftp://alice.example/feed")
        page.get_by_role("button", name="Save").click()
        expect(page.locator(".form-errors")).to_be_focused()
        found += serious_violations(page)
    finally:
        page.context.close()
    assert found == []
