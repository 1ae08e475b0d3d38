"""An entry's page and card say which challenges it counts for ("Day 12 of Momentum
Learning Series"), naming only challenges the reader may see, in a fixed number of
queries."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from journal import services
from journal.models import Challenge
from tests.conftest import days_ago, make_user, queries_for, write_entry

FEED = reverse("journal:feed")
TITLE = "Momentum Learning Series"


def start(creator, **fields):
    fields.setdefault("title", TITLE)
    return services.challenge_create(challenge=Challenge(creator=creator, **fields), topic_names=[])


def series_on_day_12(creator, **fields):
    """A dated 30-day challenge whose Day 1 was eleven days ago."""
    return start(creator, starts_on=days_ago(creator, 11), length_days=30, **fields)


def signed_in(person):
    client = Client()
    client.force_login(person)
    return client


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_card_and_the_entry_page_name_the_day_it_counts_as(client, alice):
    series = series_on_day_12(alice)
    entry = write_entry(alice, title="Graphs")
    line = f'Counts for <a href="{series.get_absolute_url()}">Day 12 of {TITLE}</a>'
    assert line in html_of(client, FEED)
    assert line in html_of(client, entry.get_absolute_url())
    assert line in html_of(client, reverse("journal:journey", args=[alice.username]))


def test_a_rolling_challenge_counts_from_the_persons_first_counted_day(client, alice, bob):
    challenge = start(alice, title="Rolling on")
    services.challenge_join(person=bob, challenge=challenge)
    write_entry(bob)
    assert "Day 1 of Rolling on" in html_of(client, FEED)
    tomorrow = bob.local_today() + dt.timedelta(days=1)
    later = write_entry(bob, day=tomorrow, title="Day two")
    assert "Day 2 of Rolling on" in html_of(client, later.get_absolute_url())


def test_an_entry_below_the_minimum_or_before_joining_counts_for_nothing(client, alice, bob):
    start(alice, title="Ninety a day", daily_minimum=90)
    short = write_entry(alice, minutes=60)
    assert "Counts for" not in html_of(client, short.get_absolute_url())
    before = write_entry(bob, day=days_ago(bob, 1))
    services.challenge_join(person=bob, challenge=start(alice, title="Joined today"))
    assert "Counts for" not in html_of(client, before.get_absolute_url())


def test_the_sites_own_challenge_is_never_named(client, alice):
    entry = write_entry(alice)
    assert "One hour a day" not in html_of(client, FEED)
    assert "Counts for" not in html_of(client, entry.get_absolute_url())


def test_an_invite_only_challenge_is_named_to_its_member_author_only(alice, bob):
    carol = make_user("carol")
    group = series_on_day_12(alice, title="Secret study group", visibility="invite")
    services.challenge_join(person=carol, challenge=group)
    entry = write_entry(alice)
    readers = {"visitor": Client(), "bob": signed_in(bob), "carol": signed_in(carol)}
    for name, reader in readers.items():
        for url in (FEED, entry.get_absolute_url(), reverse("journal:journey", args=["alice"])):
            # Carol's own day part names her challenge: never an entry's "counts for".
            assert "of Secret study group" not in html_of(reader, url), (name, url)
    own = html_of(signed_in(alice), entry.get_absolute_url())
    assert "Day 12 of Secret study group" in own
    # Her own feed is the readers' shared copy: no invite-only name there either.
    assert "of Secret study group" not in html_of(signed_in(alice), FEED)


def test_a_hidden_challenge_is_no_longer_named(client, alice, bob):
    hidden = start(alice, title="Hidden one")
    entry = write_entry(alice)
    assert "Hidden one" in html_of(client, FEED)
    # As a moderator's hide leaves it (ChallengeQuerySet.public leaves it out).
    Challenge.objects.filter(pk=hidden.pk).update(moderation_state="hidden")
    assert "Hidden one" not in html_of(client, FEED)
    assert "Hidden one" not in html_of(signed_in(bob), entry.get_absolute_url())


def test_a_day_after_a_challenge_closed_counts_for_it_no_more(client, alice, bob):
    challenge = start(alice, title="Closing soon")
    services.challenge_join(person=bob, challenge=challenge)
    services.challenge_close(challenge=challenge, by=alice)
    tomorrow = write_entry(bob, day=bob.local_today() + dt.timedelta(days=1))
    assert "Closing soon" not in html_of(client, tomorrow.get_absolute_url())


def test_a_cached_card_learns_of_a_challenge_joined_later(client, alice, bob):
    write_entry(bob, title="Already written")
    assert "Counts for" not in html_of(client, FEED)
    services.challenge_join(person=bob, challenge=start(alice, title="Joined after"))
    # Joining counts today's entry, already written: the card's key moved with it.
    assert "Day 1 of Joined after" in html_of(client, FEED)


def test_at_most_three_challenges_are_named(client, alice):
    for n in range(5):
        start(alice, title=f"Challenge {n}")
    entry = write_entry(alice)
    html = html_of(client, entry.get_absolute_url())
    assert "Day 1 of Challenge 2" in html
    assert "Challenge 3" not in html
    assert "and 2 more" in html


@pytest.mark.parametrize("url", [FEED, reverse("journal:journey", args=["alice"])])
def test_pages_cost_the_same_whatever_the_number_of_entries_and_challenges(client, alice, bob, url):
    start(alice, title="First")
    write_entry(alice)
    few = queries_for(client, url)
    for n in range(8):
        challenge = start(bob, title=f"More {n}")
        services.challenge_join(person=alice, challenge=challenge)
    for back in range(1, 20):
        write_entry(alice, day=days_ago(alice, back))
        write_entry(bob, day=days_ago(bob, back))
    assert queries_for(client, url) == few
    # Today's entry, first on her journey, counts for the challenges she joined today.
    assert "Day 1 of More 1</a> and 6 more" in html_of(
        client, reverse("journal:journey", args=["alice"])
    )
