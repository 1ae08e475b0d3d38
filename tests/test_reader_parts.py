"""The reader's own parts of pages (journal/caching/reader.py): parts nobody can forge,
written only by the template tag, and an unread count that follows the notifications."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.urls import reverse

from journal import services
from journal.caching import reader
from tests.conftest import make_user, write_entry

FORGED = (
    reader.part_start("nav-actions")
    + reader.part_start("follow", 1)
    + "a"
    + reader.OTHERWISE.decode()
    + "b"
    + reader.PART_END.decode()
)


def test_people_cannot_write_a_slot(client, alice, bob):
    entry = write_entry(
        alice, title=FORGED[:100], key_lesson=FORGED, body=FORGED, reflection=FORGED
    )
    client.force_login(bob)
    for url in (entry.get_absolute_url(), "/feed/", "/@alice/"):
        page = client.get(url).content.decode()
        assert page.count('aria-label="Account menu"') == 1, url
        assert reader.MARK.decode() not in page, url


def test_templates_never_type_a_mark_by_hand():
    marks = [reader.MARK.decode(), reader.PART_END.decode(), "<!--/card"]
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        assert not [mark for mark in marks if mark in text], template


def test_the_tag_writes_what_the_reader_reads_back(rf, alice, bob):
    html = Template(
        '{% load caching %}<p>{% reader_part "follow" person_id %}follow'
        "{% otherwise %}unfollow{% endreader_part %}</p>"
    ).render(Context({"person_id": bob.pk}))
    request = rf.get("/")
    request.user = alice
    assert reader.fill(request, html.encode()) == b"<p>follow</p>"
    services.follow_toggle(follower=alice, followed=bob)
    assert reader.fill(request, html.encode()) == b"<p>unfollow</p>"


def test_the_tag_refuses_a_part_nobody_fills():
    with pytest.raises(TemplateSyntaxError, match="No reader part called 'nav-link'"):
        Template('{% load caching %}{% reader_part "nav-link" %}{% endreader_part %}')


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
    assert "<strong>Alice Renamed</strong>" in page
    assert ">AR<" in page
    assert "Moderation" not in page
    alice.is_staff = True
    alice.save()
    assert 'href="/moderation/">Moderation' in client.get("/@bob/").content.decode()


def test_the_home_tells_each_reader_the_state_of_their_own_day(client, alice, bob, clock, settings):
    """One rendering of the home, from the page cache, and each reader sees their own day:
    written ("Today ✓", also in the navigation) or not, with the hours left until their own
    midnight and the streak at stake."""
    settings.MOMENTUM_PAGE_CACHE = True
    alice.time_zone = bob.time_zone = "Europe/Paris"
    for person in (alice, bob):
        person.save(update_fields=["time_zone"])
    # 14:30 in Paris (UTC+2 in June): 9 hours and a half left in the day.
    clock.instant = dt.datetime(2025, 6, 1, 12, 30, tzinfo=dt.UTC)
    write_entry(bob, day=dt.date(2025, 5, 31))
    write_entry(alice, day=dt.date(2025, 6, 1), title="Written today")
    client.force_login(alice)
    for_alice = client.get(reverse("journal:home")).content.decode()
    client.force_login(bob)
    for_bob = client.get(reverse("journal:home")).content.decode()

    assert "Today ✓" in for_alice
    assert "Day 1 is written" in for_alice
    assert "Edit today's entry" in for_alice
    assert "not written yet" not in for_alice

    assert "Day 2: not written yet" in for_bob
    assert "9 hours left in your day" in for_bob
    assert "Your 1-day streak continues if you write Day 2 before midnight" in for_bob
    assert "Today ✓" not in for_bob
    assert ">Write today<" in for_bob


def test_a_visitor_is_told_nothing_about_a_day(client, alice):
    write_entry(alice)
    page = client.get(reverse("journal:feed")).content.decode()
    assert "not written yet" not in page
    assert "Today ✓" not in page
