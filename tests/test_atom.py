"""Atom feeds: site-wide, per person and per topic; valid, and public entries only."""

import feedparser
import pytest
from django.urls import reverse

from journal import services
from journal.models import Challenge, Entry
from tests.conftest import days_ago, make_user, write_entry
from tests.test_challenges import start


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    return feed


@pytest.fixture
def entries(alice, bob):
    """Public entries by alice and bob, and others that no feed may carry."""
    write_entry(
        alice,
        day=days_ago(alice, 1),
        title="Convolutions",
        body="**Padding** is a choice.",
        key_lesson="Edges matter.",
        topics=["computer-vision"],
    )
    write_entry(alice, title="Rust traits", topics=["rust"])
    write_entry(bob, title="Bob on rust", topics=["rust"])
    write_entry(bob, day=days_ago(bob, 1), title="Private rust", visibility="private")
    hidden = write_entry(alice, day=days_ago(alice, 2), title="Hidden rust", topics=["rust"])
    Entry.objects.filter(pk=hidden.pk).update(moderation_state="hidden")
    carol = make_user("carol")
    write_entry(carol, title="Suspended rust", topics=["rust"])
    carol.is_suspended = True
    carol.save()


NEVER = {"Private rust", "Hidden rust", "Suspended rust"}


def titles(feed):
    return [item.title.split(": ", 1)[1] for item in feed.entries]


def test_site_feed_carries_public_entries_newest_first(client, entries):
    feed = parse(client, reverse("journal:atom"))

    assert feed.feed.title == "Momentum: latest entries"
    assert feed.feed.link == "http://testserver/feed/"
    assert titles(feed) == ["Bob on rust", "Rust traits", "Convolutions"]
    assert not NEVER & set(titles(feed))


def test_items_link_to_entries_and_carry_the_sanitised_html(client, entries, alice):
    feed = parse(client, reverse("journal:atom"))
    item = feed.entries[-1]

    # Day 2: alice's hidden entry, the day before, is her Day 1.
    assert item.title == "Day 2: Convolutions"
    day = days_ago(alice, 1)
    assert item.link == "http://testserver" + reverse("journal:entry_detail", args=["alice", day])
    assert item.author == "Alice Martin"
    assert item.summary == "Edges matter."
    assert item.content[0].value == "<p><strong>Padding</strong> is a choice.</p>"
    assert [tag.term for tag in item.tags] == ["computer-vision"]


def test_an_items_id_and_link_stay_when_an_earlier_day_is_written(client, alice):
    # Feed readers know an item by its id: one that moved would come back as a new item.
    url = reverse("journal:journey_atom", args=["alice"])
    write_entry(alice, title="Rust traits")
    (before,) = parse(client, url).entries
    write_entry(alice, day=days_ago(alice, 1), title="Yesterday, written today")
    (after,) = [item for item in parse(client, url).entries if item.title.endswith("traits")]
    assert (before.title, after.title) == ("Day 1: Rust traits", "Day 2: Rust traits")
    assert (after.id, after.link) == (before.id, before.link)


def test_person_feed_carries_only_their_public_entries(client, entries):
    feed = parse(client, reverse("journal:journey_atom", args=["alice"]))
    assert feed.feed.title == "Alice Martin on Momentum"
    assert feed.feed.link == "http://testserver/@alice/"
    assert titles(feed) == ["Rust traits", "Convolutions"]

    assert titles(parse(client, reverse("journal:journey_atom", args=["bob"]))) == ["Bob on rust"]


def test_no_feed_for_suspended_or_unknown_people(client, entries):
    assert client.get(reverse("journal:journey_atom", args=["carol"])).status_code == 404
    assert client.get(reverse("journal:journey_atom", args=["nobody"])).status_code == 404


def test_topic_feed_carries_only_public_entries_of_the_topic(client, entries):
    feed = parse(client, reverse("journal:topic_atom", args=["rust"]))
    assert feed.feed.title == "Momentum: #rust"
    assert feed.feed.link == "http://testserver/topics/rust/"
    assert titles(feed) == ["Bob on rust", "Rust traits"]
    assert client.get(reverse("journal:topic_atom", args=["nothing"])).status_code == 404


def test_an_empty_feed_is_still_valid(client, db):
    assert parse(client, reverse("journal:atom")).entries == []


@pytest.mark.parametrize(
    ("page", "feed"),
    [
        (reverse("journal:home"), reverse("journal:atom")),
        (
            reverse("journal:journey", args=["alice"]),
            reverse("journal:journey_atom", args=["alice"]),
        ),
        (reverse("journal:topic", args=["rust"]), reverse("journal:topic_atom", args=["rust"])),
        ("/feed/?topic=rust", reverse("journal:topic_atom", args=["rust"])),
    ],
)
def test_pages_link_their_feeds_in_the_head(client, entries, page, feed):
    html = client.get(page).content.decode()
    head = html[: html.index("</head>")]
    assert '<link rel="alternate" type="application/atom+xml"' in head
    assert f'href="{feed}"' in head


@pytest.mark.parametrize(
    "url",
    [
        reverse("journal:atom"),
        reverse("journal:journey_atom", args=["many"]),
        reverse("journal:topic_atom", args=["rust"]),
    ],
)
def test_feeds_run_a_constant_number_of_queries(client, django_assert_num_queries, db, url):
    many = make_user("many")
    write_entry(many, title="First", topics=["rust"])
    # (The person or topic), the entries with their authors, their topics.
    expected = 2 if url == reverse("journal:atom") else 3
    with django_assert_num_queries(expected):
        assert len(parse(client, url).entries) == 1
    for offset in range(1, 25):
        write_entry(many, day=days_ago(many, offset), title=f"More {offset}", topics=["rust", "x"])
    with django_assert_num_queries(expected):
        assert len(parse(client, url).entries) == 25


def test_a_public_challenge_feed_carries_its_participants_public_entries(client, entries, alice):
    challenge = start(make_user("dora"), title="Rust month")
    services.challenge_join(person=alice, challenge=challenge)
    feed = parse(client, reverse("journal:challenge_atom", args=[challenge.slug]))
    assert feed.feed.title == "Momentum: Rust month"
    # Alice's public entries, not bob's (not in it), nor what no feed may carry.
    assert sorted(titles(feed)) == ["Convolutions", "Rust traits"]
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert reverse("journal:challenge_atom", args=[challenge.slug]) in page


def test_an_invite_only_challenge_has_no_feed(client, alice):
    challenge = start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    feed = reverse("journal:challenge_atom", args=[challenge.slug])
    assert client.get(feed).status_code == 404
    client.force_login(alice)
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert feed not in page
