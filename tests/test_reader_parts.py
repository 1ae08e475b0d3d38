"""The reader's own parts of pages (journal/viewer.py): slots nobody can forge, and an
unread count that follows the notifications."""

import re

from django.test import Client
from django.urls import reverse

from journal import services
from tests.conftest import make_user, write_entry

FORGED = (
    "<!--viewer:nav-actions--><!--viewer:follow 1-->a<!--viewer:following-->b<!--/viewer:follow-->"
)


def test_people_cannot_write_a_slot(client, alice, bob):
    entry = write_entry(
        alice, title=FORGED[:100], key_lesson=FORGED, body=FORGED, reflection=FORGED
    )
    client.force_login(bob)
    for url in (entry.get_absolute_url(), "/feed/", "/@alice/"):
        page = client.get(url).content.decode()
        assert page.count('aria-label="Account menu"') == 1, url
        assert "<!--viewer" not in page, url


def unread_in_nav(client):
    count = re.search(r'class="nav-count">(\d+)<', client.get("/feed/").content.decode())
    return count and int(count[1])


def test_the_unread_count_follows_new_and_read_notifications(client, alice, bob):
    entry = write_entry(alice)
    client.force_login(alice)
    assert unread_in_nav(client) is None
    services.cheer_toggle(user=bob, entry=entry)
    services.comment_create(author=make_user("carol"), entry=entry, body="Nice")
    assert unread_in_nav(client) == 2
    services.cheer_toggle(user=bob, entry=entry)
    assert unread_in_nav(client) == 1
    # Reading the list marks nothing read; the button does.
    client.get(reverse("journal:notifications"))
    assert unread_in_nav(client) == 1
    client.post(reverse("journal:notifications_mark_read"))
    assert unread_in_nav(client) is None
    services.follow_toggle(follower=bob, followed=alice)
    assert unread_in_nav(client) == 1


def logout_token(page):
    form = re.search(r'action="/accounts/logout/".*?value="([^"]+)"', page, re.S)
    return form[1]


def test_a_navigation_rendered_once_logs_out_each_session_with_its_own_token(alice):
    sessions = [Client(enforce_csrf_checks=True) for _ in range(2)]
    tokens = []
    for browser in sessions:
        browser.force_login(alice)
        tokens.append(logout_token(browser.get("/feed/").content.decode()))
    assert tokens[0] != tokens[1]
    for browser, token in zip(sessions, tokens, strict=True):
        response = browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        assert response.status_code == 302
        assert "_auth_user_id" not in browser.session


def test_the_navigation_follows_the_person_and_the_page(client, alice, bob):
    client.force_login(alice)
    own = client.get("/@alice/").content.decode()
    assert 'href="/@alice/" aria-current="page">My journey' in own
    other = client.get("/@bob/").content.decode()
    assert 'href="/@alice/">My journey' in other
    assert 'aria-current="page">Notifications' in client.get("/notifications/").content.decode()

    alice.display_name = "Alice Renamed"
    alice.save()
    page = client.get("/@bob/").content.decode()
    assert "<strong>Alice Renamed</strong>" in page and ">AR<" in page
    assert "Moderation" not in page
    alice.is_staff = True
    alice.save()
    assert 'href="/moderation/">Moderation' in client.get("/@bob/").content.decode()
