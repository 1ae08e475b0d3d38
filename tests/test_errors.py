"""Bad input gets a clear page and a 4xx, never a 500, and changes nothing."""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from journal.access import SIGNED_OUT
from journal.models import Entry


def test_unknown_pages_get_the_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_a_form_without_csrf_token_is_refused_and_explained(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post(reverse("journal:write"), {"title": "x", "minutes": 60, "body": "b"})
    assert response.status_code == 403
    assert "That form had expired" in response.content.decode()
    assert not Entry.objects.exists()


def test_the_editor_explains_a_refusal_for_cleared_cookies_in_its_own_words():
    """All of the site's cookies cleared while writing: the preview and the image upload
    say to sign in again, instead of showing an error page inside the preview."""
    browser = Client(enforce_csrf_checks=True)
    preview = browser.post(reverse("journal:markdown_preview"), {"content": "# Day 3"})
    assert preview.status_code == 403
    assert SIGNED_OUT in preview.content.decode()
    assert "That form had expired" not in preview.content.decode()
    upload = browser.post(reverse("journal:image_upload"), {})
    assert upload.status_code == 403
    assert upload.json() == {"error": SIGNED_OUT}


@pytest.mark.parametrize(
    "data",
    [
        {"title": "x" * 5000, "minutes": "60", "body": "b", "visibility": "public"},
        {"title": "t", "minutes": "sixty", "body": "b", "visibility": "public"},
        {"title": "t", "minutes": "99999999999999999999", "body": "b", "visibility": "public"},
        {"title": "t", "minutes": "60", "body": "b", "visibility": "everyone"},
        {"title": "t", "minutes": "60", "body": "b", "visibility": "public", "day": "2026-13-45"},
        {"title": "t", "minutes": "60", "body": "b", "visibility": "public", "day": "2999-01-01"},
        {"title": "t", "minutes": "60", "body": "b", "visibility": "public", "day": "2001-01-01"},
        {"title": "t\x00", "minutes": "60", "body": "b", "visibility": "public"},
    ],
)
def test_bad_entry_input_gets_a_message_and_writes_nothing(client, alice, data):
    client.force_login(alice)
    response = client.post(reverse("journal:write"), data)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not Entry.objects.exists()


def test_invalid_utf8_is_not_a_server_error(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("journal:write"),
        data=b"title=%FF%FE&minutes=60&body=x&visibility=public",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500
    assert not Entry.objects.exists()


def test_unknown_time_zone_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("journal:settings"),
        {"display_name": "A", "time_zone": "Mars/Olympus", "daily_goal_minutes": "60"},
    )
    assert response.status_code == 400
    assert "not a time zone we know" in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/Paris"


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_host_not_allowed_gets_the_friendly_400(alice, signed_in):
    # The 400 page is rendered before authentication has run, so the request has no user.
    browser = Client(raise_request_exception=False)
    if signed_in:
        browser.force_login(alice)
    for url in ("/", reverse("journal:feed"), reverse("journal:notifications")):
        response = browser.get(url, HTTP_HOST="evil.example")
        assert response.status_code == 400
        page = response.content.decode()
        assert "We could not understand that request" in page
        assert "evil.example" not in page


@pytest.mark.parametrize("key", ["\x00", "alice\x00", "1\x00"])
def test_a_report_of_no_one_is_a_404(alice, bob, key):
    browser = Client(raise_request_exception=False)
    browser.force_login(bob)
    for kind in ("person", "entry", "comment"):
        response = browser.get(f"/report/{kind}/{quote(key)}/")
        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()
