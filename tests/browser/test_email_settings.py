"""Emails as a person meets them: switched off and on in settings, and one kind stopped
from its email's link, signed out, leaving the others on."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from journal import services
from journal.models import User
from journal.services import emails
from tests.browser.conftest import log_in, log_out
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_turn_the_digest_off_in_settings_then_stop_notification_emails_from_one(page):
    alice = make_user("alice", display_name="Alice Martin")
    log_in(page, "alice")
    page.goto("/settings/")
    section = page.locator("#emails")
    expect(section.get_by_role("heading", name="Emails")).to_be_visible()
    notifications = section.get_by_label("Email me about cheers, comments, follows")
    digest = section.get_by_label("Email me a weekly digest")
    expect(notifications).to_be_checked()
    expect(digest).to_be_checked()
    digest.uncheck()
    section.get_by_role("button", name="Save email settings").click()
    expect(page.locator(".message").first).to_contain_text("Your email settings are saved.")
    expect(page.locator("#emails").get_by_label("Email me a weekly digest")).not_to_be_checked()
    alice.refresh_from_db()
    assert (alice.email_notifications, alice.email_digest) == (True, False)

    # Someone follows her; the hour's email goes out; its link works signed out.
    log_out(page)
    services.follow_toggle(follower=make_user("bob", display_name="Bob Stone"), followed=alice)
    emails.notification_emails_enqueue_due()
    delivery_id = alice.deliveries.get().pk
    assert emails.delivery_send(delivery_id=delivery_id)
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(link.removeprefix("http://127.0.0.1:8000"))
    expect(page.get_by_role("heading", name="Stop notification emails?")).to_be_visible()
    page.get_by_role("button", name="Stop notification emails").click()
    expect(page.get_by_role("heading", name="Notification emails are off")).to_be_visible()
    alice = User.objects.get(pk=alice.pk)
    assert not alice.email_notifications
    assert not alice.email_digest  # as she left it

    # Back in settings, signed in: the box is unchecked, and checking it turns them on.
    log_in(page, "alice")
    page.goto("/settings/#emails")
    section = page.locator("#emails")
    expect(section.get_by_label("Email me about cheers, comments, follows")).not_to_be_checked()
    section.get_by_label("Email me about cheers, comments, follows").check()
    section.get_by_role("button", name="Save email settings").click()
    expect(page.locator(".message").first).to_contain_text("Your email settings are saved.")
    assert User.objects.get(pk=alice.pk).email_notifications
