"""Reading: the landing page, the feed, a journey and one entry; who sees what, in how many queries."""

import datetime as dt
import itertools
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from journal.caching import cards
from journal.models import Comment, Entry, Topic, User
from tests.conftest import days_ago, make_user, write_entry

FEED = reverse("journal:feed")
HOME = reverse("journal:home")


def journey_url(person):
    return reverse("journal:journey", kwargs={"username": person.username})


def day_n_url(person, number):
    """An entry's old address, by Day N, which redirects to its own."""
    return reverse("journal:entry_by_number", args=[person.username, number])


@pytest.fixture
def lesson(alice):
    """Alice's public Day 1, with everything a card shows."""
    return write_entry(
        alice,
        title="Backpropagation by hand",
        minutes=75,
        topics=["Deep Learning", "maths"],
        body="Worked through the **chain rule** on a tiny network.",
        key_lesson="Gradients flow backwards, one local derivative at a time.",
        reflection="## Hard\n\nBut *good*.",
    )


@pytest.fixture
def secret(alice, lesson):
    """Alice's private entry for yesterday: Day 1 in day order, so the lesson becomes Day 2."""
    return write_entry(
        alice,
        day=days_ago(alice, 1),
        title="My private doubts",
        minutes=30,
        topics=["secret-topic"],
        body="Nobody else should read this.",
        key_lesson="A private lesson.",
        visibility=Entry.Visibility.PRIVATE,
    )


def assert_card(page, entry, excerpt=True):
    """What every entry card shows (the entry page shows the whole body, not an excerpt)."""
    entry.refresh_from_db()
    assert entry.author.name in page
    assert f"Day {entry.number}" in page
    assert entry.title in page
    assert entry.hours_label in page
    for topic in entry.topics.all():
        assert f"#{topic.slug}" in page
    assert entry.key_lesson in page
    if excerpt:
        assert entry.excerpt in page


SECRET_WORDS = ["My private doubts", "A private lesson.", "Nobody else should read this."]


def assert_no_secret(page):
    for words in SECRET_WORDS:
        assert words not in page


# The feed


def test_the_feed_shows_each_card(client, lesson):
    response = client.get(FEED)
    assert response.status_code == 200
    page = response.content.decode()
    assert_card(page, lesson)
    assert "1 h 15 min" in page
    assert "Gradients flow backwards" in page
    assert "#deep-learning" in page
    assert "#maths" in page
    assert "Worked through the chain rule on a tiny network." in page


def test_the_feed_is_newest_first_and_paginated(client, alice, bob):
    for n in range(25):
        author = alice if n % 2 else bob
        Entry.objects.create(
            author=author, day=days_ago(author, n + 2), number=n + 1, title=f"Entry {n:02}",
            minutes=60, body="b",
            created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC) + dt.timedelta(hours=n),
        )  # fmt: skip
    first = client.get(FEED)
    titles = [entry.title for entry in first.context["page"]]
    assert titles == [f"Entry {n:02}" for n in range(24, 4, -1)]
    cursor = first.context["page"].next_cursor
    assert f'href="?{urlencode({"before": cursor})}"' in first.content.decode()
    second = client.get(FEED, {"before": cursor})
    assert [entry.title for entry in second.context["page"]] == [
        f"Entry {n:02}" for n in range(4, -1, -1)
    ]
    assert not second.context["page"].has_next
    assert "← Newest" in second.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "nonsense",
        "2025-01-01T00:00:00_x",
        "2025-01-01_1",
        "2025-01-01T00:00:00_1",
        "_",
        "2025-01-01T00:00:00+00:00_1\x00",
        "2025-01-01T00:00:00+00:00_0",
        "0001-01-01T00:00:00-23:59_-5",
        # Moments whose UTC time is before year 1 or after year 9999.
        "0001-01-01T00:00:00+00:01_1",
        "9999-12-31T23:59:59-00:01_1",
    ],
)
def test_a_malformed_cursor_is_refused(alice, cursor):
    write_entry(alice, title="Only entry", topics=["python"])
    visitor = Client(raise_request_exception=False)
    for url in (FEED, reverse("journal:encourage"), reverse("journal:topic", args=["python"])):
        response = visitor.get(url, {"before": cursor})
        assert response.status_code == 400
        assert "We could not understand that request" in response.content.decode()


@pytest.mark.parametrize(
    "cursor",
    [
        "0001-01-01T00:00:00+00:00_1",
        # Offsets PostgreSQL refuses in a query: the moment is read in UTC.
        "0001-01-01T00:00:00-23:59_5",
        "2025-01-01T00:00:00+23:59_1",
        "9999-12-31T23:59:59+00:00_1",
    ],
)
def test_a_cursor_at_any_moment_and_offset_is_a_page(client, alice, cursor):
    write_entry(alice, title="Only entry")
    response = client.get(FEED, {"before": cursor})
    assert response.status_code == 200
    assert ("Only entry" in response.content.decode()) == cursor.startswith("9999")


def test_the_feed_filters_by_topic(client, alice, bob, lesson):
    write_entry(bob, title="Rust lifetimes", topics=["rust"])
    page = client.get(FEED, {"topic": "rust"}).content.decode()
    assert "Rust lifetimes" in page
    assert "Backpropagation by hand" not in page
    assert client.get(FEED, {"topic": "no-such-topic"}).status_code == 404


@pytest.mark.parametrize("topic", ["\x00", "python\x00", "py thon", "x" * 5000])
def test_a_topic_that_is_no_slug_is_unknown(alice, topic):
    write_entry(alice, topics=["python"])
    response = Client(raise_request_exception=False).get(FEED, {"topic": topic})
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_private_hidden_and_suspended_entries_stay_out_of_the_feed(
    client, alice, bob, moderator, secret
):
    hidden = write_entry(bob, title="Hidden spam")
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True, reason="spam")
    carol = make_user("carol", display_name="Carol")
    write_entry(carol, title="Carol's words")
    services.user_set_suspended(moderator=moderator, user=carol, suspended=True)
    for viewer in (None, bob, alice):
        if viewer:
            client.force_login(viewer)
        page = client.get(FEED).content.decode()
        assert "Backpropagation by hand" in page
        assert_no_secret(page)
        assert "Hidden spam" not in page
        assert "Carol&#x27;s words" not in page


# The landing page


def test_visitors_get_the_landing_page(client, alice, bob, lesson, secret):
    write_entry(bob, minutes=45)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "journal/landing.html" in {t.name for t in response.templates}
    page = response.content.decode()
    assert "Join the challenge" in page
    assert reverse("account_signup") in page
    # Alice's private 30 minutes are hers alone.
    assert (response.context["learners"], response.context["entries_written"]) == (2, 2)
    assert response.context["hours_learned"] == (75 + 45) // 60
    assert_card(page, lesson)
    assert_no_secret(page)


def test_the_landing_page_invites_the_first_writer(client, db):
    page = client.get(HOME).content.decode()
    assert "Your Day 1 could be the first." in page


def test_signed_in_people_get_the_feed_at_home(client, alice, bob, lesson, secret):
    client.force_login(bob)
    response = client.get(HOME)
    assert response.status_code == 200
    assert "journal/feed.html" in [t.name for t in response.templates]
    assert "journal/landing.html" not in [t.name for t in response.templates]
    page = response.content.decode()
    assert "Backpropagation by hand" in page
    assert_no_secret(page)


# A journey


def test_the_journey_shows_the_profile_figures_and_entries(client, alice, lesson):
    User.objects.filter(pk=alice.pk).update(
        bio="Engineer learning ML.", learning_focus="Neural networks from scratch"
    )
    write_entry(alice, day=days_ago(alice, 1), minutes=120, title="Linear algebra")
    write_entry(alice, day=days_ago(alice, 3), minutes=10, title="Too short")
    response = client.get(journey_url(alice))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Martin" in page
    assert "@alice" in page
    assert "Engineer learning ML." in page
    assert "Neural networks from scratch" in page
    person = response.context["person"]
    # Three entries, 205 minutes; the last two days count, the older one missed the goal.
    assert (person.entry_count, person.total_hours) == (3, 3.4)
    assert (person.current_streak, person.longest_streak) == (2, 2)
    assert "<dt>Current streak</dt><dd>2 <small>days</small>" in page
    assert "<dt>Longest streak</dt><dd>2 <small>days</small>" in page
    assert "<dt>Total learning</dt><dd>3.4 <small>hours</small>" in page
    assert "<dt>Entries</dt><dd>3</dd>" in page
    assert_card(page, lesson)
    assert "Linear algebra" in page
    assert "Too short" in page
    assert [e.number for e in response.context["page"]] == [3, 2, 1]


def test_a_journey_pages_by_day_and_its_cards_leave_out_the_author(client, alice, bob):
    for n in range(25):
        write_entry(alice, day=days_ago(alice, n), title=f"Lesson number {n}")
    write_entry(bob, title="Bob's day")
    response = client.get(journey_url(alice))
    first = response.content.decode()
    assert [e.number for e in response.context["page"]] == list(range(25, 5, -1))
    cursor = response.context["page"].next_cursor
    assert cursor == days_ago(alice, 19).isoformat()
    assert f'rel="next" href="?before={cursor}"' in first
    # The whole page is Alice's: her cards do not repeat her name; the feed's do.
    assert 'class="card-head"' not in first
    assert 'class="card-head"' in client.get(FEED).content.decode()

    response = client.get(journey_url(alice), {"before": cursor})
    second = response.content.decode()
    assert [e.number for e in response.context["page"]] == [5, 4, 3, 2, 1]
    assert 'rel="next"' not in second
    assert "← Newest" in second
    assert "Bob&#x27;s day" not in second

    past_the_first = client.get(journey_url(alice), {"before": "2000-01-01"}).content.decode()
    assert "No older entries." in past_the_first
    assert 'href="?before=' not in past_the_first

    for malformed in ("yesterday", "2026-13-01", "<script>", "2026-01-01\x00"):
        response = client.get(journey_url(alice), {"before": malformed})
        assert response.status_code == 400
        assert "We could not understand that request" in response.content.decode()


def test_others_never_see_private_entries_on_a_journey(client, alice, bob, secret):
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        response = client.get(journey_url(alice))
        page = response.content.decode()
        assert "Backpropagation by hand" in page
        assert_no_secret(page)
        assert "#secret-topic" not in page
        assert [e.title for e in response.context["page"]] == ["Backpropagation by hand"]


def test_the_author_sees_their_private_entries_marked(client, alice, secret):
    client.force_login(alice)
    page = client.get(journey_url(alice)).content.decode()
    assert "My private doubts" in page
    assert "A private lesson." in page
    assert '<span class="badge">Private</span>' in page


def test_a_journeys_entries_follow_the_one_visibility_rule(alice, bob, moderator):
    """written_by, a journey's shortcut, picks what visible_to picks for that author."""
    write_entry(alice, day=days_ago(alice, 3), title="Public")
    write_entry(alice, day=days_ago(alice, 2), title="Private", visibility=Entry.Visibility.PRIVATE)
    hidden = write_entry(alice, day=days_ago(alice, 1), title="Hidden")
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True, reason="spam")
    write_entry(bob, title="Bob's")
    viewers = [AnonymousUser(), alice, bob, moderator]

    def compare():
        for viewer in viewers:
            rule = Entry.objects.visible_to(viewer).filter(author=alice)
            shortcut = Entry.objects.written_by(alice, viewer)
            assert sorted(shortcut.values_list("title", flat=True)) == sorted(
                rule.values_list("title", flat=True)
            ), viewer

    compare()
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    alice.refresh_from_db()
    compare()


@pytest.mark.parametrize("username", ["alice", "a.b+c-d_e", "x@y", "Zoë", "李"])
def test_entry_and_journey_addresses_are_what_the_url_patterns_make(db, username):
    person = make_user(username)
    entry = write_entry(person)
    assert person.get_absolute_url() == reverse("journal:journey", args=[username])
    assert entry.get_absolute_url() == reverse("journal:entry_detail", args=[username, entry.day])
    person.username = f"{username}2"
    person.save()
    entry.refresh_from_db()
    assert entry.get_absolute_url() == reverse(
        "journal:entry_detail", args=[f"{username}2", entry.day]
    )


@pytest.mark.parametrize("username", ["\x00", "alice\x00", "ali ce", "<alice>"])
def test_an_address_no_username_can_have_is_404(alice, username):
    entry = write_entry(alice)
    reader = Client(raise_request_exception=False)
    for signed_in in (False, True):
        if signed_in:
            reader.force_login(alice)
        for suffix in ("", "atom/", f"{entry.day.isoformat()}/", "day/1/", "follow/"):
            response = reader.get(f"/@{quote(username)}/{suffix}")
            assert response.status_code == 404, suffix
            assert "We could not find that page" in response.content.decode()


def test_unknown_and_suspended_people_have_no_journey(client, alice, moderator):
    assert client.get("/@nobody/").status_code == 404
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    assert client.get(journey_url(alice)).status_code == 404
    client.force_login(moderator)
    assert client.get(journey_url(alice)).status_code == 200


# One entry


def test_the_entry_page_shows_the_whole_entry(client, lesson):
    response = client.get(lesson.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert_card(page, lesson, excerpt=False)
    assert "<strong>chain rule</strong>" in page
    assert "<h4>Hard</h4>" in page
    assert "<em>good</em>" in page
    assert "1 h 15 min of learning" in page
    assert reverse("journal:entry_edit", kwargs={"pk": lesson.pk}) not in page


def test_the_author_gets_edit_and_delete_links(client, alice, lesson):
    client.force_login(alice)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert reverse("journal:entry_edit", kwargs={"pk": lesson.pk}) in page
    assert reverse("journal:entry_delete", kwargs={"pk": lesson.pk}) in page


def test_a_private_entry_is_404_for_everyone_but_its_author(client, alice, bob, secret):
    url = secret.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(bob)
    response = client.get(url)
    assert response.status_code == 404
    assert_no_secret(response.content.decode())
    client.force_login(alice)
    response = client.get(url)
    assert response.status_code == 200
    assert "Nobody else should read this." in response.content.decode()


def test_a_hidden_entry_is_404_for_others_and_explained_to_its_author(
    client, alice, bob, moderator, lesson
):
    services.entry_set_hidden(moderator=moderator, entry=lesson, hidden=True, reason="Off topic")
    client.force_login(bob)
    assert client.get(lesson.get_absolute_url()).status_code == 404
    client.force_login(alice)
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "A moderator hid this entry: Off topic" in page


def test_an_unknown_day_is_404(client, alice, lesson):
    yesterday = days_ago(alice, 1)
    assert client.get(reverse("journal:entry_detail", args=["alice", yesterday])).status_code == 404
    assert client.get(reverse("journal:entry_detail", args=["bob", lesson.day])).status_code == 404


@pytest.mark.parametrize(
    "day", ["2025-02-30", "2025-13-01", "0000-01-01", "2025-9-17", "17-09-2025", "20250917"]
)
def test_a_date_that_does_not_exist_or_is_spelled_otherwise_is_404(client, lesson, day):
    # The client raises a view's exception: a 500 would fail here, not pass as a 404.
    response = client.get(f"/@alice/{day}/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def test_an_entrys_address_is_its_author_and_local_day(client, lesson):
    assert lesson.get_absolute_url() == f"/@alice/{lesson.day.isoformat()}/"
    assert client.get(lesson.get_absolute_url()).context["entry"] == lesson


def test_the_old_day_n_address_redirects_permanently_to_the_entry(
    client, django_assert_num_queries, alice, lesson
):
    with django_assert_num_queries(1):
        response = client.get(day_n_url(alice, 1))
    assert response.status_code == 301
    assert response["Location"] == lesson.get_absolute_url()
    assert client.get(day_n_url(alice, 2)).status_code == 404
    assert client.post(day_n_url(alice, 1)).status_code == 405


def test_writing_an_earlier_day_keeps_every_address(client, alice, lesson):
    address = lesson.get_absolute_url()
    assert client.get(day_n_url(alice, 1))["Location"] == address
    earlier = write_entry(alice, day=days_ago(alice, 1), title="Yesterday, written today")
    lesson.refresh_from_db()
    assert (lesson.number, lesson.get_absolute_url()) == (2, address)
    page = client.get(address).content.decode()
    assert '<span class="day-number">Day 2</span>' in page
    assert lesson.title in page
    # No history of Day N is kept: an old "Day 1" link leads to the entry that is Day 1 now.
    assert client.get(day_n_url(alice, 1))["Location"] == earlier.get_absolute_url()
    assert client.get(day_n_url(alice, 2))["Location"] == address


def test_the_old_address_of_a_private_entry_redirects_its_author_only(client, alice, bob, secret):
    # The redirect names the entry's day, which the entry's own 404 keeps from others.
    assert secret.number == 1
    for reader in (None, bob):
        if reader:
            client.force_login(reader)
        assert client.get(day_n_url(alice, 1)).status_code == 404
    client.force_login(alice)
    assert client.get(day_n_url(alice, 1))["Location"] == secret.get_absolute_url()


def test_deleting_an_earlier_day_keeps_the_later_ones_addresses(client, alice, lesson):
    first = write_entry(alice, day=days_ago(alice, 2), title="First")
    lesson.refresh_from_db()
    address = lesson.get_absolute_url()
    assert client.get(day_n_url(alice, 2))["Location"] == address
    services.entry_delete(entry=first)
    lesson.refresh_from_db()
    assert (lesson.number, lesson.get_absolute_url()) == (1, address)
    assert client.get(day_n_url(alice, 1))["Location"] == address
    assert client.get(day_n_url(alice, 2)).status_code == 404


# Query counts: each page runs the same number of queries for 1 entry and for 25


_titles = itertools.count()


def add_entries(authors, per_author, topics):
    """Older entries for each author, as the import writes them, three topics each."""
    topic_rows = Topic.from_names(topics)
    with transaction.atomic():
        for author in authors:
            for n in range(per_author):
                entry = Entry.objects.create(
                    author=author, day=days_ago(author, n + 2), number=0, minutes=60 + n,
                    title=f"Entry {next(_titles)}", body=f"Body {n}", key_lesson=f"Lesson {n}",
                )  # fmt: skip
                entry.topics.set(topic_rows[n % 3 : n % 3 + 3])
            services.user_refresh_stats(user=author)
            services.topics_recount()


def count_queries(client, url):
    # The first request warms per-process caches (content types, time zone list).
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.fixture
def cards_never_kept(monkeypatch):
    """Every request renders its cards, as the first one after a write does: the most
    queries a page runs."""
    monkeypatch.setattr(cards, "CARD_SECONDS", 0)


def assert_fixed_queries(django_assert_num_queries, client, url, expected, grow):
    """The page runs ``expected`` queries with one entry, and still after ``grow()``."""
    few = count_queries(client, url)
    grow()
    many = count_queries(client, url)
    assert few == many, f"{url}: {few} queries with 1 entry, {many} with 25"
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


@pytest.fixture
def crowd(alice, bob):
    """Alice's Day 1; growing adds 24 entries by three people, with comments and cheers."""
    carol = make_user("carol", display_name="Carol")
    first = write_entry(alice, topics=["python"], key_lesson="First lesson")
    topics = ["python", "rust", "vision", "llmops", "maths", "sql"]

    def grow():
        add_entries([alice], 12, topics)
        add_entries([bob, carol], 6, topics)
        for person in (bob, carol):
            services.comment_create(author=person, entry=first, body=f"Well done, {person}!")
            services.cheer_toggle(user=person, entry=first)
        assert Entry.objects.count() == 25

    return first, grow


# Keyset pagination: no COUNT, just the page of entries, the challenges they count for and
# their cards' topics. Signed in adds the session and the person; their unread count and
# cheers come from the cache.
@pytest.mark.usefixtures("cards_never_kept")
@pytest.mark.parametrize(("signed_in", "expected"), [(False, 3), (True, 5)])
def test_the_feed_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, bob, crowd, signed_in, expected
):
    if signed_in:
        client.force_login(bob)
    _, grow = crowd
    assert_fixed_queries(django_assert_num_queries, client, FEED, expected, grow)


@pytest.mark.usefixtures("cards_never_kept")
@pytest.mark.parametrize(("signed_in", "expected"), [(False, 4), (True, 5)])
def test_home_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, bob, crowd, signed_in, expected
):
    if signed_in:
        client.force_login(bob)
    _, grow = crowd
    assert_fixed_queries(django_assert_num_queries, client, HOME, expected, grow)


# The person, the page of entries (by day, no COUNT), the challenges they count for and
# their cards' topics, the heatmap with the counted days and rest days that kept the
# streak, the hours per topic, the key lessons and the finished challenges' badges; signed
# in adds the session and the reader, whose follows come from the cache.
@pytest.mark.usefixtures("cards_never_kept")
@pytest.mark.parametrize(("signed_in", "expected"), [(False, 10), (True, 12)])
def test_a_journey_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, alice, bob, crowd, signed_in, expected
):
    if signed_in:
        client.force_login(bob)
    _, grow = crowd
    assert_fixed_queries(django_assert_num_queries, client, journey_url(alice), expected, grow)


@pytest.mark.parametrize(("signed_in", "expected"), [(False, 4), (True, 6)])
def test_an_entry_page_runs_a_fixed_number_of_queries(
    client, django_assert_num_queries, bob, crowd, signed_in, expected
):
    if signed_in:
        client.force_login(bob)
    first, grow = crowd
    url = first.get_absolute_url()
    assert_fixed_queries(django_assert_num_queries, client, url, expected, grow)
    assert Comment.objects.filter(entry=first).count() == 2


@pytest.mark.parametrize("url", [FEED, HOME])
def test_cards_from_the_cache_bring_their_topics(client, crowd, django_assert_num_queries, url):
    """A card's topics are part of its shared part: a page whose cards are all cached
    skips the topics query, and still shows them."""
    _, grow = crowd
    grow()
    with_cards_cached = count_queries(client, url)
    cache.clear()
    with django_assert_num_queries(with_cards_cached + 1):
        rendered = client.get(url).content.decode()
    with django_assert_num_queries(with_cards_cached):
        cached = client.get(url).content.decode()
    assert rendered == cached
    assert 'class="topic" href="/topics/python/">#python</a>' in cached
