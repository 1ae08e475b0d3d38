"""A webhook as its owner meets it: added in settings to a receiver of theirs, an entry
published from the editor reaching it signed, and the delivery shown in settings."""

import hashlib
import hmac
import json
import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from journal.models import Webhook
from tests.browser.conftest import log_in
from tests.conftest import Answer, make_user

pytestmark = pytest.mark.browser


def test_add_a_hook_publish_an_entry_and_see_it_delivered(
    page, local_server, allow_private_addresses
):
    local_server.answers["/hook"] = Answer(200, b"thanks")
    make_user("alice", display_name="Alice Martin")
    log_in(page, "alice")
    page.goto("/settings/")
    page.locator("#webhooks").get_by_role("link", name="Manage webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", level=1)).to_be_visible()

    page.get_by_label("Address").fill(f"{local_server.url}/hook")
    page.get_by_label("When someone cheers my entry").uncheck()
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator(".message").first).to_contain_text("The webhook is added.")
    hook = Webhook.objects.get()
    section = page.locator(f"#webhook-{hook.pk}")
    expect(section.get_by_role("heading", name=f"{local_server.url}/hook")).to_be_visible()
    expect(section).to_contain_text("entries you publish or edit, comments on your entries.")
    # The secret is behind a click, and is the one deliveries are signed with.
    secret = section.locator(".webhook-secret-value")
    expect(secret).to_be_hidden()
    section.get_by_text("Show the secret").click()
    expect(secret).to_have_text(hook.secret)
    expect(section).to_contain_text("Nothing sent yet.")

    page.goto("/write/")
    page.get_by_label("Title").fill("Hooks and signatures")
    page.get_by_label("Minutes of learning").fill("60")
    page.locator("#id_body").fill("HMAC over the timestamp and the body.")
    page.get_by_role("button", name="Publish entry").click()
    expect(page.get_by_role("heading", name="Hooks and signatures", level=1)).to_be_visible()

    # The worker runs: the receiver gets the entry, signed with the secret shown.
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    ((method, path, headers, body),) = local_server.requests
    assert (method, path) == ("POST", "/hook")
    timestamp = headers["X-Momentum-Timestamp"]
    expected = hmac.new(hook.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    assert headers["X-Momentum-Signature"] == f"sha256={expected.hexdigest()}"
    assert json.loads(body)["data"]["entry"]["title"] == "Hooks and signatures"

    page.goto("/settings/webhooks/")
    row = page.locator(f"#webhook-{hook.pk} tbody tr").first
    expect(row).to_contain_text("entry.published")
    expect(row).to_contain_text("Sent")
    expect(row).to_contain_text("HTTP 200 OK.")

    # A test ping waits for the worker, and says so.
    page.locator(f"#webhook-{hook.pk}").get_by_role("button", name="Send a test ping").click()
    expect(page).to_have_url(re.compile(rf"/settings/webhooks/#webhook-{hook.pk}$"))
    expect(page.locator(".message").first).to_contain_text("A test ping is on its way.")
    row = page.locator(f"#webhook-{hook.pk} tbody tr").first
    expect(row).to_contain_text("ping")
    expect(row).to_contain_text("Waiting")


def test_a_private_address_is_refused_with_a_clear_message(page):
    make_user("alice")
    log_in(page, "alice")
    page.goto("/settings/webhooks/")
    page.get_by_label("Address").fill("http://127.0.0.1:8000/hook")
    page.get_by_role("button", name="Add webhook").click()
    expect(page.locator(".form-errors")).to_contain_text(
        "Momentum cannot send there: 127.0.0.1 is a private or reserved address"
    )
    assert not Webhook.objects.exists()
