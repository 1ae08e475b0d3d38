"""Reminders as a person meets them: turned on in settings, stopped from the email's link."""

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

from journal.models import User
from journal.services import reminders
from tests.browser.conftest import log_in, log_out
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_turn_reminders_on_then_stop_them_from_the_email(page):
    alice = make_user("alice", display_name="Alice Martin")
    log_in(page, "alice")
    page.goto("/settings/")
    section = page.locator("#reminders")
    section.get_by_label("Email me a reminder").check()
    section.get_by_label("Reminder time").fill("07:30")
    section.get_by_role("button", name="Save reminders").click()
    expect(page.locator(".message").first).to_contain_text("reminder at 07:30")
    expect(section.get_by_label("Email me a reminder")).to_be_checked()
    alice.refresh_from_db()
    assert alice.remind_by_email
    assert alice.reminder_time == dt.time(7, 30)
    assert alice.next_reminder_at is not None

    # The link in the email works signed out.
    log_out(page)
    assert reminders.reminder_send(person_id=alice.pk, day=alice.local_today())
    link = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    page.goto(link.removeprefix("http://127.0.0.1:8000"))
    expect(page.get_by_role("heading", name="Stop reminders?")).to_be_visible()
    page.get_by_role("button", name="Stop reminders").click()
    expect(page.get_by_role("heading", name="Reminders are off")).to_be_visible()
    assert not User.objects.get(pk=alice.pk).remind_by_email
