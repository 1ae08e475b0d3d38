"""Milestones: 7, 30, 100 and 365 days of streak, 10, 100 and 1,000 hours, announced once
and shown on the journey."""

import datetime as dt

from django.contrib.messages import get_messages
from django.urls import reverse

from journal import services
from journal.models import Entry, Notification
from tests.conftest import make_user, write_entry
from tests.test_entries import WRITE, entry_data


def six_days_in_a_row(person, minutes=60):
    today = person.local_today()
    for back in range(6, 0, -1):
        write_entry(person, day=today - dt.timedelta(days=back), minutes=minutes)


def milestones_of(person):
    return list(
        Notification.objects.filter(recipient=person, kind=Notification.Kind.MILESTONE)
        .order_by("milestone")
        .values_list("milestone", flat=True)
    )


def test_the_seventh_day_in_a_row_is_announced_and_celebrated(client, alice):
    six_days_in_a_row(alice, minutes=90)
    assert milestones_of(alice) == []
    client.force_login(alice)
    response = client.post(WRITE, entry_data(minutes="90", day=alice.local_today().isoformat()))
    assert response.status_code == 302
    # 7 days of 90 minutes: a week's streak, and 10.5 hours.
    assert milestones_of(alice) == ["10 hours of learning", "a 7-day streak"]
    written, celebration = list(get_messages(response.wsgi_request))[-2:]
    assert "Day 7 is written" in str(written)
    assert str(celebration) == "You reached 10 hours of learning and a 7-day streak: well done!"
    assert "milestone" in celebration.tags
    notifications = client.get(reverse("journal:notifications")).content.decode()
    assert "You reached <strong>a 7-day streak</strong>" in notifications


def test_a_milestone_reached_again_is_not_announced_again(alice):
    six_days_in_a_row(alice)
    seventh = write_entry(alice)
    assert seventh.milestones
    services.entry_delete(entry=seventh)
    again = write_entry(alice)
    assert again.milestones  # reached again by the figures...
    assert milestones_of(alice) == ["a 7-day streak"]  # ...and announced once


def test_an_ordinary_day_reaches_nothing(alice):
    entry = write_entry(alice)
    assert entry.milestones == []
    assert milestones_of(alice) == []


def test_the_journey_shows_milestones_public_hours_to_others(client, alice):
    six_days_in_a_row(alice, minutes=90)
    write_entry(alice, minutes=90, visibility=Entry.Visibility.PRIVATE)
    bob = make_user("bob")
    client.force_login(bob)
    for_bob = client.get(alice.get_absolute_url()).content.decode()
    assert 'class="milestone milestone-streak">7-day streak<' in for_bob
    # Nine hours of public entries: the private day's hours are not others' to count.
    assert "milestone-hours" not in for_bob
    client.force_login(alice)
    own = client.get(alice.get_absolute_url()).content.decode()
    assert 'class="milestone milestone-hours">10 hours<' in own


def test_the_confirmation_shows_the_celebration_on_the_entry_page(client, alice):
    six_days_in_a_row(alice)
    client.force_login(alice)
    response = client.post(
        WRITE, entry_data(minutes="60", day=alice.local_today().isoformat()), follow=True
    )
    html = response.content.decode()
    assert '<li class="message message-milestone success">You reached a 7-day streak' in html
    assert "Day 7 is written" in html


def test_an_edit_that_reaches_a_milestone_celebrates_it(client, alice):
    six_days_in_a_row(alice, minutes=90)
    today = write_entry(alice, minutes=30)
    client.force_login(alice)
    response = client.post(
        reverse("journal:entry_edit", args=[today.pk]),
        entry_data(minutes="90", day=today.day.isoformat()),
        follow=True,
    )
    assert "message-milestone" in response.content.decode()
    assert "a 7-day streak" in milestones_of(alice)


def test_an_ordinary_day_has_nothing_to_celebrate(client, alice):
    client.force_login(alice)
    response = client.post(
        WRITE, entry_data(minutes="60", day=alice.local_today().isoformat()), follow=True
    )
    assert "message-milestone" not in response.content.decode()
