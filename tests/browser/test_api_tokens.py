"""A token for the API as a person meets it: made in settings, shown once, used by a real
HTTP request against the live server, revoked, and then refused."""

import re

import pytest
import requests
from playwright.sync_api import expect

from journal.models import Entry
from tests.browser.conftest import log_in
from tests.browser.test_accessibility import serious_violations
from tests.conftest import make_user

pytestmark = pytest.mark.browser


def test_make_a_token_write_today_with_it_then_revoke_it(page, live_server):
    alice = make_user("alice", display_name="Alice Martin")
    log_in(page, "alice")
    page.goto("/settings/")
    page.get_by_role("link", name="Tokens for the API").click()
    expect(page.get_by_role("heading", name="Tokens for the API")).to_be_visible()
    page.get_by_label("Name").fill("my terminal")
    page.get_by_label("Read and write").check()
    page.get_by_role("button", name="Make the token").click()

    shown = page.get_by_role("textbox", name="Your new token")
    expect(shown).to_be_visible()
    secret = shown.input_value()
    assert re.fullmatch(r"mmt_[A-Za-z0-9_-]{32}", secret)
    assert serious_violations(page) == []

    # Once: the list shows its first characters only.
    page.goto("/settings/tokens/")
    expect(page.get_by_role("textbox", name="Your new token")).to_have_count(0)
    row = page.get_by_role("row", name=re.compile("my terminal"))
    expect(row).to_contain_text(secret[:10])
    expect(row).to_contain_text("Never")
    assert secret not in page.content()

    headers = {"Authorization": f"Bearer {secret}"}
    written = requests.post(
        f"{live_server.url}/api/v1/entries/",
        json={"title": "From my terminal", "minutes": 60, "body": "Wrote it with curl."},
        headers=headers,
        timeout=10,
    )
    assert written.status_code == 201, written.text
    assert Entry.objects.get(author=alice).title == "From my terminal"
    page.reload()
    expect(page.get_by_role("row", name=re.compile("my terminal"))).to_contain_text("ago")

    page.get_by_role("button", name="Revoke my terminal").click()
    expect(page.locator(".message").first).to_contain_text("is revoked")
    expect(page.get_by_role("row", name=re.compile("my terminal"))).to_contain_text("Revoked")
    refused = requests.get(f"{live_server.url}/api/v1/me/", headers=headers, timeout=10)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"


def test_the_api_docs_work_under_the_content_security_policy(page):
    page.goto("/api/docs")
    expect(page.get_by_role("heading", name=re.compile("Momentum API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/entries/").first).to_be_visible()
