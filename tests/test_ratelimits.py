import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from journal import ratelimit
from journal.models import Entry, Report
from tests.conftest import PASSWORD, write_entry


@pytest.fixture
def tight_limits(settings):
    settings.MOMENTUM_RATE_LIMITS = dict.fromkeys(settings.MOMENTUM_RATE_LIMITS, (2, 3600))


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


# Behind the proxy (DJANGO_BEHIND_PROXY with DJANGO_TRUSTED_PROXY_COUNT=1) every request
# comes from the proxy's address; the client is the address the proxy appended.
PROXY = "10.0.0.2"


def through_the_proxy(client_address, forged=""):
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.fixture
def behind_one_proxy(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def test_failed_logins_behind_the_proxy_lock_out_their_client_only(
    client, alice, bob, behind_one_proxy
):
    url = reverse("account_login")
    attacker = through_the_proxy("203.0.113.7")
    # Eleven failures, each on another name, so only the per-address limit can stop them.
    for n in range(11):
        client.post(url, {"login": f"guess{n}", "password": "wrong"}, **attacker)
    response = client.post(url, {"login": "bob", "password": PASSWORD}, **attacker)
    assert "Too many failed login attempts" in response.content.decode()
    assert SESSION_KEY not in client.session
    # Forging an earlier address in the header does not give the attacker a fresh count.
    response = client.post(
        url, {"login": "bob", "password": PASSWORD}, **through_the_proxy("203.0.113.7", "1.2.3.4")
    )
    assert SESSION_KEY not in client.session

    someone_else = through_the_proxy("198.51.100.4")
    response = client.post(url, {"login": "alice", "password": PASSWORD}, **someone_else)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_the_login_limit_behind_the_proxy_is_per_client(client, alice, behind_one_proxy, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login": "3/m/ip"}
    url = reverse("account_login")
    attacker = through_the_proxy("203.0.113.7")
    for _ in range(3):
        client.post(url, {"login": "alice", "password": "wrong"}, **attacker)
    assert client.post(url, {"login": "alice", "password": PASSWORD}, **attacker).status_code == 429
    response = client.post(
        url, {"login": "alice", "password": PASSWORD}, **through_the_proxy("198.51.100.4")
    )
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(alice.pk)


def test_the_sites_own_limits_read_the_client_the_same_way(rf, behind_one_proxy):
    def key(**meta):
        request = rf.post("/", **meta)
        request.user = AnonymousUser()
        return ratelimit.client_key(request)

    assert key(**through_the_proxy("203.0.113.7")) == "ip:203.0.113.7"
    assert key(**through_the_proxy("203.0.113.7", forged="198.51.100.4")) == "ip:203.0.113.7"
    assert key(**through_the_proxy("198.51.100.4")) == "ip:198.51.100.4"
    # A request that did not come through the proxy is keyed on its own address.
    assert key(REMOTE_ADDR="192.0.2.1") == "ip:192.0.2.1"
