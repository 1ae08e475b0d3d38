"""Certificates: who finishes a challenge, the certificate page at
/challenges/<slug>/@<username>/, who may see it, and the badges on a journey."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from journal.models import Challenge, Entry, Participation
from journal.views import certificates
from tests.conftest import make_user, write_entry

DAYS = 3


def start(creator, **fields):
    fields.setdefault("title", "Three days of Rust")
    fields.setdefault("starts_on", creator.local_today())
    fields.setdefault("length_days", DAYS)
    topics = fields.pop("topics", ["rust", "systems"])
    return services.challenge_create(
        challenge=Challenge(creator=creator, **fields), topic_names=topics
    )


def run(clock, people, days=DAYS, **entry_fields):
    """Each of ``people`` writes an entry ``{person: minutes}`` on each of ``days`` days,
    the clock moving a day after each; returns the entries by person."""
    written = {person: [] for person in people}
    for n in range(days):
        for person, minutes in people.items():
            if minutes:
                fields = {key: value(n) for key, value in entry_fields.items()}
                written[person].append(
                    write_entry(person, minutes=minutes, title=f"Day {n + 1}", **fields)
                )
        clock.instant += dt.timedelta(days=1)
    return written


def certificate_url(challenge, person):
    return reverse("journal:certificate", args=[challenge.slug, person.username])


@pytest.fixture
def finished(clock, alice):
    """Alice's three-day challenge, which she finished with a key lesson a day."""
    challenge = start(alice)
    entries = run(clock, {alice: 75}, key_lesson=lambda n: f"Lesson {n + 1}")
    return challenge, entries[alice]


def test_writing_every_day_finishes_and_anything_less_does_not(clock, alice, bob):
    challenge = start(alice, daily_minimum=30)
    carol = make_user("carol")
    for person in (bob, carol):
        services.challenge_join(person=person, challenge=challenge)
    # Bob writes too little on the middle day; Carol misses the last one.
    for n in range(DAYS):
        write_entry(alice, minutes=30)
        write_entry(bob, minutes=20 if n == 1 else 60)
        if n < DAYS - 1:
            write_entry(carol)
        clock.instant += dt.timedelta(days=1)
    figures = {
        p.person.username: p.finished_on
        for p in Participation.objects.filter(challenge=challenge).select_related("person")
    }
    assert figures == {"alice": challenge.ends_on, "bob": None, "carol": None}
    assert list(Participation.objects.finished().filter(challenge=challenge)) == [
        Participation.objects.get(challenge=challenge, person=alice)
    ]


def test_the_certificate_shows_the_run(client, finished, alice):
    challenge, _ = finished
    html = client.get(certificate_url(challenge, alice)).content.decode()
    assert "Certificate of completion" in html
    assert "Alice Martin" in html
    assert "Three days of Rust" in html
    start_day = challenge.starts_on
    assert f"{start_day.day} – {challenge.ends_on.day} June 2025" in html
    assert "finished on <time" in html
    assert "3 <small>of 3</small>" in html
    # Three days of 75 minutes.
    assert "<dt>Hours of learning</dt><dd>3.8" in html
    assert "#rust" in html
    assert "#systems" in html
    for n in (1, 2, 3):
        assert f"Lesson {n}" in html
    assert challenge.get_absolute_url() in html


def test_hours_count_only_the_days_that_counted_within_the_challenge(clock, client, alice):
    write_entry(alice, minutes=600, title="Before the start")
    clock.instant += dt.timedelta(days=1)
    challenge = start(alice, daily_minimum=60)
    run(clock, {alice: 90})
    # After the last day, a long entry of the next day is no part of the run.
    write_entry(alice, minutes=900)
    assert Participation.objects.get(person=alice, challenge=challenge).finished_minutes() == (
        270,
        270,
    )
    assert (
        "<dt>Hours of learning</dt><dd>4.5"
        in client.get(certificate_url(challenge, alice)).content.decode()
    )


def test_private_key_lessons_and_minutes_are_the_persons_alone(client, clock, alice, bob):
    challenge = start(alice)
    private = Entry.Visibility.PRIVATE
    run(
        clock,
        {alice: 60},
        key_lesson=lambda n: f"Lesson {n + 1}",
        visibility=lambda n: private if n == 1 else Entry.Visibility.PUBLIC,
    )
    url = certificate_url(challenge, alice)
    for reader in (None, bob):
        client.logout()
        if reader:
            client.force_login(reader)
        html = client.get(url).content.decode()
        assert "Lesson 1" in html
        assert "Lesson 3" in html
        assert "Lesson 2" not in html
        assert "<dt>Hours of learning</dt><dd>2</dd>" in html
    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "Lesson 2" in html
    assert "<dt>Hours of learning</dt><dd>3 <small" in html
    assert "2 public" in html


def test_someone_who_has_not_finished_has_no_certificate(client, clock, alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    run(clock, {alice: 60, bob: 60}, days=DAYS - 1)
    carol = make_user("carol")
    for person in (alice, bob, carol):
        assert client.get(certificate_url(challenge, person)).status_code == 404
    assert (
        client.get(reverse("journal:certificate", args=[challenge.slug, "nobody"])).status_code
        == 404
    )
    assert client.get(reverse("journal:certificate", args=["no-such", "alice"])).status_code == 404


def test_a_suspended_or_deactivated_person_has_no_certificate(client, finished, alice, moderator):
    challenge, _ = finished
    url = certificate_url(challenge, alice)
    assert client.get(url).status_code == 200
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    for reader in (None, alice, moderator):
        client.logout()
        if reader:
            client.force_login(reader)
        assert client.get(url).status_code == 404
    services.user_set_suspended(moderator=moderator, user=alice, suspended=False)
    alice.is_active = False
    alice.save()
    client.logout()
    assert client.get(url).status_code == 404


def test_an_invite_only_certificate_opens_as_its_challenge_does(client, clock, alice, bob):
    challenge = start(alice, visibility=Challenge.Visibility.INVITE)
    run(clock, {alice: 60})
    url = certificate_url(challenge, alice)
    carol = make_user("carol")
    for reader in (None, bob):
        client.logout()
        if reader:
            client.force_login(reader)
        assert client.get(url).status_code == 404
        assert client.get(f"{url}?invite=not-the-token").status_code == 404
        assert client.get(f"{url}?invite={challenge.invite_token}").status_code == 200
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "invite-only" in response.content.decode()
    # A member sees it without the invite.
    Participation.objects.create(person=carol, challenge=challenge)
    client.force_login(carol)
    assert client.get(url).status_code == 200


def test_a_hidden_challenge_has_no_certificate_for_others(client, finished, alice, bob):
    challenge, _ = finished
    Challenge.objects.filter(pk=challenge.pk).update(
        moderation_state=Challenge.ModerationState.HIDDEN
    )
    url = certificate_url(challenge, alice)
    assert client.get(url).status_code == 404
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_a_public_certificate_has_one_address(client, finished, alice):
    challenge, _ = finished
    url = certificate_url(challenge, alice)
    response = client.get(f"{url}?invite=anything")
    assert response.status_code == 302
    assert response["Location"] == url


def test_the_journey_shows_a_badge_for_each_finished_challenge(client, clock, alice, bob):
    public = start(alice, title="Open sprint")
    group = start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    services.challenge_join(person=bob, challenge=group)
    unfinished = start(alice, title="Long haul", length_days=30)
    run(clock, {alice: 60})
    journey = reverse("journal:journey", args=["alice"])
    for reader in (None, bob):
        client.logout()
        if reader:
            client.force_login(reader)
        html = client.get(journey).content.decode()
        assert f'href="{certificate_url(public, alice)}"' in html
        assert "Finished Open sprint" in html
        # Even to a member: the page is shared by everyone of their audience.
        assert "Study group" not in html
        assert "Finished Long haul" not in html
    client.force_login(alice)
    html = client.get(journey).content.decode()
    assert "Finished Open sprint" in html
    assert "Finished Study group" in html
    assert "Finished Long haul" not in html
    assert unfinished.participant_count == 1


def count_queries(client, url):
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# A visitor: the participation with its challenge and person, the topics, the minutes
# and the key lessons; signed in adds the session and the reader.
@pytest.mark.parametrize(("signed_in", "expected"), [(False, 4), (True, 6)])
def test_the_certificate_runs_a_fixed_number_of_queries(
    client, clock, alice, bob, django_assert_num_queries, signed_in, expected
):
    short = start(alice, title="Short", length_days=1)
    run(clock, {alice: 60}, days=1, key_lesson=lambda n: "One")
    long = start(alice, title="Longer", length_days=20, topics=[f"t{n}" for n in range(8)])
    for n in range(12):
        services.challenge_join(person=make_user(f"p{n}"), challenge=long)
    run(clock, {alice: 60}, days=20, key_lesson=lambda n: f"Lesson {n}")
    if signed_in:
        client.force_login(bob)
    few, many = (count_queries(client, certificate_url(c, alice)) for c in (short, long))
    assert few == many
    with django_assert_num_queries(expected):
        assert client.get(certificate_url(long, alice)).status_code == 200


# Badges cost one query whatever their number.
def test_the_journey_runs_the_same_queries_whatever_the_finished_challenges(client, clock, alice):
    start(alice, title="First")
    run(clock, {alice: 60})
    journey = reverse("journal:journey", args=["alice"])
    one = count_queries(client, journey)
    for n in range(5):
        start(alice, title=f"More {n}")
    run(clock, {alice: 60})
    assert Participation.objects.finished().filter(person=alice).count() == 6
    assert count_queries(client, journey) == one


def test_the_key_lessons_shown_are_bounded(client, clock, alice, monkeypatch):
    monkeypatch.setattr(certificates, "KEY_LESSONS_SHOWN", 2)
    challenge, _ = start(alice), run(clock, {alice: 60}, key_lesson=lambda n: f"Lesson {n + 1}")
    html = client.get(certificate_url(challenge, alice)).content.decode()
    assert "Lesson 1" in html
    assert "Lesson 2" in html
    assert "Lesson 3" not in html
    assert "The first 2 are shown" in html
