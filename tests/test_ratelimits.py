import pytest
from django.urls import reverse

from journal.models import Entry, Report
from tests.conftest import write_entry


@pytest.fixture
def tight_limits(settings):
    settings.MOMENTUM_RATE_LIMITS = {scope: (2, 3600) for scope in settings.MOMENTUM_RATE_LIMITS}


def test_entry_writes_are_limited_per_person(client, alice, tight_limits):
    client.force_login(alice)
    data = {"title": "", "minutes": "60", "body": "x", "visibility": "public"}
    # Invalid posts count too: the limit is on attempts, not on successes.
    assert client.post(reverse("journal:write"), data).status_code == 400
    assert client.post(reverse("journal:write"), data).status_code == 400
    response = client.post(reverse("journal:write"), {**data, "title": "Third"})
    assert response.status_code == 429
    assert "Slow down" in response.content.decode()
    assert not Entry.objects.exists()


def test_limits_are_counted_per_person(client, alice, bob, tight_limits):
    entry = write_entry(bob)
    url = reverse("journal:report", args=["entry", entry.pk])
    client.force_login(alice)
    for _ in range(2):
        client.post(url, {"reason": "spam"})
    assert client.post(url, {"reason": "spam"}).status_code == 429
    client.force_login(bob)
    assert client.post(reverse("journal:markdown_preview"), {"content": "hi"}).status_code == 200
    assert Report.objects.count() == 1


def test_preview_and_upload_are_limited(client, alice, tight_limits):
    client.force_login(alice)
    for _ in range(2):
        client.post(reverse("journal:markdown_preview"), {"content": "*hi*"})
    limited = client.post(reverse("journal:markdown_preview"), {"content": "*hi*"})
    assert limited.status_code == 429
    # The editor shows it in place of the preview: a sentence, not the 429 page.
    assert "the preview and uploads have paused" in limited.content.decode()
    assert "<h1>" not in limited.content.decode()
    for _ in range(2):
        client.post(reverse("journal:image_upload"))
    limited = client.post(reverse("journal:image_upload"))
    assert limited.status_code == 429
    assert "the preview and uploads have paused" in limited.json()["error"]


def test_reading_is_never_limited(client, alice, tight_limits):
    for _ in range(5):
        assert client.get(reverse("journal:feed")).status_code == 200


def test_login_is_limited_by_allauth_with_the_same_page(client, alice, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "2/m/ip"}
    url = reverse("account_login")
    for _ in range(2):
        client.post(url, {"login": "alice", "password": "wrong"})
    response = client.post(url, {"login": "alice", "password": "wrong"})
    assert response.status_code == 429
    assert "Slow down" in response.content.decode()


def test_signup_is_limited(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {"signup": "1/m/ip"}
    url = reverse("account_signup")
    client.post(url, {"username": "x"})
    assert client.post(url, {"username": "y"}).status_code == 429


def test_password_reset_is_limited(client, alice, settings, mailoutbox):
    settings.ACCOUNT_RATE_LIMITS = {"reset_password": "1/m/ip"}
    url = reverse("account_reset_password")
    client.post(url, {"email": "alice@example.com"})
    assert client.post(url, {"email": "alice@example.com"}).status_code == 429
    assert len(mailoutbox) == 1
