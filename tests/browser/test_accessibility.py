"""Accessibility: axe-core on every page a person meets, the editor's keyboard, form errors.

axe-core comes from the pinned ``axe-playwright-python`` package, which ships axe.min.js.
It is run with ``page.evaluate``, through the DevTools protocol, which the pages' Content
Security Policy does not govern (a <script> tag would be refused), so the pages are
checked as served, CSP included. The site follows the system's colour scheme, so each
width is checked in light and in dark, and once more in dark chosen in the site's menu
over a light system.
"""

import itertools
import re
from pathlib import Path

import axe_playwright_python
import pytest
from django.urls import reverse
from playwright.sync_api import expect

from journal import services
from journal.emails import unsubscribe_token
from journal.models import Challenge, Entry, Webhook, WebhookDelivery
from tests.browser.conftest import log_in, watched_page
from tests.conftest import days_ago, make_user, write_entry

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
# Failing impacts; "minor" and "moderate" findings are left to judgement.
SERIOUS = {"serious", "critical"}
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    # Experimental in axe-core, so off unless asked for: a control's accessible name must
    # contain its visible text, or speech users cannot name it (WCAG 2.5.3).
    "rules": {"label-content-name-mismatch": {"enabled": True}},
}
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
CHOSEN_DARK = "dark by choice"


def serious_violations(page):
    """axe-core's serious and critical findings on the page as it is now, one readable
    line per rule and node."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    violations = page.evaluate(
        "options => axe.run(document, options).then(results => results.violations)", AXE_OPTIONS
    )
    return [
        f"{page.url} [{violation['id']}, {violation['impact']}] {node['target']}: "
        f"{node['failureSummary']}"
        for violation in violations
        if violation["impact"] in SERIOUS
        for node in violation["nodes"]
    ]


@pytest.fixture
def community(transactional_db):
    """Alice's journey with a commented entry, a topic, and a moderator who follows her,
    writes too and has been notified."""
    alice = make_user("alice", display_name="Alice Martin", bio="Learning vision, slowly.")
    bob = make_user("bob", display_name="Bob Stone")
    moderator = make_user("mod", display_name="Mo Derator", is_staff=True)
    write_entry(alice, day=days_ago(alice, 1), title="Convolutions", topics=["computer vision"])
    entry = write_entry(
        alice,
        title="Attention, slowly",
        minutes=90,
        body="Read the **transformer** paper twice.\n\n```\nsoftmax(QK^T)V\n```",
        key_lesson="Attention is a weighted average.",
        reflection="Hard, but it clicked.",
        topics=["computer vision"],
    )
    own = write_entry(moderator, day=days_ago(moderator, 3), title="Moderating well")
    services.comment_create(author=bob, entry=entry, body="Great notes, keep going!")
    services.comment_create(author=moderator, entry=entry, body="Nice **work**.")
    services.comment_create(author=alice, entry=own, body="Thanks for looking after us.")
    services.cheer_toggle(user=alice, entry=own)
    services.follow_toggle(follower=moderator, followed=alice)
    services.report_create(reporter=bob, target=entry, reason="spam", note="Looks off.")
    # What moderators took away, which they still read, marked, with the way back.
    spam = write_entry(bob, title="Cheap pills")
    services.entry_set_hidden(moderator=moderator, entry=spam, hidden=True, reason="Ads")
    rude = services.comment_create(author=bob, entry=own, body="Buy my course.")
    services.comment_set_hidden(moderator=moderator, comment=rude, hidden=True, reason="Ads")
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=alice, title="Thirty days of vision", starts_on=alice.local_today(),
            length_days=30, description="One paper a **day**.",
        ),
        topic_names=["computer vision"],
    )  # fmt: skip
    services.challenge_join(person=bob, challenge=challenge)
    # A one-day sprint alice finished with today's entry: her certificate.
    services.challenge_create(
        challenge=Challenge(
            creator=alice, title="A day of attention", starts_on=alice.local_today(),
            length_days=1,
        ),
        topic_names=["computer vision"],
    )  # fmt: skip
    # A challenge waiting in the queue, and one a moderator hid.
    for title in ("Get rich reading", "Hidden offers"):
        taken = services.challenge_create(
            challenge=Challenge(creator=bob, title=title, description="Click my link."),
            topic_names=[],
        )
        services.report_create(reporter=alice, target=taken, reason="spam", note="Ads.")
    services.challenge_set_hidden(moderator=moderator, challenge=taken, hidden=True, reason="Ads")
    # A webhook with a delivery in each state.
    hook = Webhook.objects.create(person=moderator, url="https://hooks.example.com/mod")
    for status, result in [
        ("sent", "HTTP 200 OK."),
        ("failed", "HTTP 404 Not Found."),
        ("pending", ""),
    ]:
        WebhookDelivery.objects.create(
            webhook=hook, event="ping", payload={}, status=status, last_result=result, attempts=1
        )
    return {"entry": entry, "own": own, "hidden": spam}


def reading_pages(entry):
    """The pages everyone reads, signed out or in."""
    return [
        reverse("journal:topics"),
        reverse("journal:topic", kwargs={"slug": "computer-vision"}),
        reverse("journal:search") + "?q=transformer",
        reverse("journal:people"),
        reverse("journal:challenges"),
        reverse("journal:challenge_detail", kwargs={"slug": "thirty-days-of-vision"}),
        "/@alice/",
        entry.get_absolute_url(),
        reverse("journal:certificate", args=["a-day-of-attention", "alice"]),
    ]


def signed_out_pages(entry):
    return [
        "/",
        reverse("journal:feed"),
        *reading_pages(entry),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
        reverse("journal:unsubscribe", args=[unsubscribe_token(entry.author, "notifications")]),
        reverse("journal:offline"),
    ]


def signed_in_pages(entry, own, hidden):
    return [
        "/",
        reverse("journal:feed"),
        reverse("journal:following"),
        reverse("journal:encourage"),
        *reading_pages(entry),
        reverse("journal:write"),
        reverse("journal:challenge_new"),
        reverse("journal:challenges_mine"),
        reverse("journal:entry_edit", kwargs={"pk": own.pk}),
        reverse("journal:settings"),
        reverse("journal:rest_settings"),
        reverse("journal:tokens"),
        reverse("journal:webhooks"),
        reverse("journal:import_upload"),
        reverse("journal:blog_settings"),
        reverse("journal:notifications"),
        reverse("journal:moderation"),
        reverse("journal:moderation_hidden"),
        hidden.get_absolute_url(),
        own.get_absolute_url(),
        reverse("journal:report", kwargs={"kind": "entry", "key": entry.pk}),
        reverse("journal:challenge_detail", kwargs={"slug": "hidden-offers"}),
        reverse("journal:report", kwargs={"kind": "challenge", "key": "get-rich-reading"}),
    ]


@pytest.mark.parametrize(
    ("width", "scheme"), [*itertools.product(WIDTHS, ["light", "dark"]), ("desktop", CHOSEN_DARK)]
)
def test_no_serious_axe_violations_on_any_page(
    browser, live_server, browser_problems, community, scheme, width
):
    system = "light" if scheme == CHOSEN_DARK else scheme
    page = watched_page(
        browser, live_server.url, browser_problems, viewport=WIDTHS[width], color_scheme=system
    )
    if scheme == CHOSEN_DARK:
        page.goto("/")
        page.locator(".theme-menu summary").click()
        page.get_by_role("group", name="Colours").get_by_label("Dark").check()
        page.reload()
        assert page.evaluate("getComputedStyle(document.documentElement).colorScheme") == "dark"
    found = []

    def check(path, status=200):
        response = page.goto(path)
        assert response.status == status, f"{path} answered {response.status}"
        found.extend(serious_violations(page))

    try:
        for path in signed_out_pages(community["entry"]):
            check(path)
        check("/no-such-page/", status=404)
        check(reverse("journal:unsubscribe", args=["changed"]), status=400)
        # A form with its errors, as a mistyped password shows it.
        page.goto(reverse("account_login"))
        page.get_by_label("Username or email").fill("mod")
        page.get_by_label("Password").fill("wrong password")
        page.get_by_role("main").get_by_role("button", name="Log in").click()
        expect(page.locator(".form-errors")).to_be_focused()
        found.extend(serious_violations(page))
        log_in(page, "mod")
        # Where logging in lands, with its message.
        expect(page.locator(".message").first).to_be_visible()
        found.extend(serious_violations(page))
        for path in signed_in_pages(community["entry"], community["own"], community["hidden"]):
            check(path)
        check("/@nobody/", status=404)
        check(reverse("journal:write"))
        page.get_by_role("button", name="Publish entry").click()
        expect(page.locator(".form-errors")).to_be_focused()
        found.extend(serious_violations(page))
    finally:
        page.context.close()
    if found:
        # pytest.fail, unlike an assertion message, is never shortened.
        pytest.fail(f"{len(found)} serious axe-core findings:\n" + "\n".join(found), pytrace=False)


def test_tab_leaves_the_editor_and_the_explained_shortcut_indents(page):
    make_user("ines")
    log_in(page, "ines")
    page.goto(reverse("journal:write"))
    body = page.get_by_role("textbox", name="What I studied")
    body.fill("x = 1")

    body.press("Tab")
    expect(page.locator("input[data-image-upload-for=id_body]")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(body).to_be_focused()
    expect(body).to_have_value("x = 1")

    hint = page.locator("#id_body_keys")
    expect(hint).to_contain_text("Tab moves on to the next field")
    expect(hint).to_contain_text("Ctrl+]")
    assert "id_body_keys" in body.get_attribute("aria-describedby").split()
    body.press("Control+BracketRight")
    expect(body).to_have_value("\tx = 1")
    body.press("Control+BracketLeft")
    expect(body).to_have_value("x = 1")


def test_form_errors_take_focus_are_tied_to_their_fields_and_go_once_fixed(page):
    make_user("ines")
    log_in(page, "ines")
    page.goto(reverse("journal:write"))
    page.get_by_role("button", name="Publish entry").click()

    summary = page.locator(".form-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Title: This field is required.")).to_have_attribute(
        "href", "#id_title"
    )
    title = page.get_by_label("Title")
    body = page.get_by_role("textbox", name="What I studied")
    for control, error_id in [(title, "id_title_error"), (body, "id_body_error")]:
        expect(control).to_have_attribute("aria-invalid", "true")
        assert error_id in control.get_attribute("aria-describedby").split()
        expect(page.locator(f"#{error_id}")).to_have_text("This field is required.")

    title.fill("Graphs")
    expect(page.locator("#id_title_error")).to_have_count(0)
    expect(title).not_to_have_attribute("aria-invalid", "true")
    assert "id_title_error" not in (title.get_attribute("aria-describedby") or "")
    expect(summary.get_by_role("link", name=re.compile("^Title"))).to_have_count(0)
    # The body is still wrong, and still says so.
    expect(page.locator("#id_body_error")).to_be_visible()
    expect(summary.get_by_role("link", name=re.compile("^What I studied"))).to_be_visible()

    body.fill("Breadth-first search.")
    expect(summary).to_have_count(0)
    page.get_by_role("button", name="Publish entry").click()
    expect(page.get_by_role("heading", name="Graphs")).to_be_visible()
    assert Entry.objects.filter(author__username="ines", title="Graphs").exists()


def test_an_empty_comment_is_explained_next_to_the_comment_box(page):
    alice = make_user("alice", display_name="Alice Martin")
    make_user("bob")
    long_body = "\n\n".join(f"Paragraph {n} of a long day's notes." for n in range(40))
    entry = write_entry(alice, title="A long day", body=long_body)
    log_in(page, "bob")
    page.goto(entry.get_absolute_url())
    page.get_by_role("button", name="Post comment").click()

    box = page.get_by_label("Your comment")
    error = page.locator("#id_body_error")
    expect(error).to_have_text("This field is required.")
    assert "id_body_error" in box.get_attribute("aria-describedby").split()
    # The page opens at the comment form, not at its top.
    expect(page.locator(".comment-form .form-errors")).to_be_focused()
    expect(box).to_be_in_viewport()
    expect(error).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 0
    box_bottom = box.bounding_box()["y"] + box.bounding_box()["height"]
    assert 0 <= error.bounding_box()["y"] - box_bottom < 50
