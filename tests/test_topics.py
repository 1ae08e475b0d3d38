"""Topics: a topic's page, the feed filtered by topic, and the topic index."""

import datetime as dt
from unittest import mock
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Entry, Topic
from journal.porting.posts import Draft
from journal.views import discover
from tests.conftest import days_ago, make_user, write_entry


def entries_about(author, count, topics, **fields):
    """``count`` public entries on consecutive past days, each about ``topics``."""
    topics = Topic.from_names(topics)
    today = author.local_today()
    for offset in range(count):
        entry = Entry.objects.create(
            author=author,
            day=today - dt.timedelta(days=offset),
            number=count - offset,
            minutes=60,
            title=f"Entry {offset}",
            body="Studied.",
            **fields,
        )
        entry.topics.set(topics)
    services.user_refresh_stats(user=author)
    services.topics_recount()


def test_topic_page_lists_only_public_entries_of_the_topic_newest_first(client, alice, bob):
    write_entry(alice, day=days_ago(alice, 1), title="Older vision", topics=["Computer Vision"])
    write_entry(alice, title="Newer vision", topics=["computer-vision"])
    write_entry(bob, title="Private vision", topics=["computer-vision"], visibility="private")
    hidden = write_entry(
        bob, day=days_ago(bob, 1), title="Hidden vision", topics=["computer-vision"]
    )
    Entry.objects.filter(pk=hidden.pk).update(moderation_state="hidden")
    write_entry(bob, day=days_ago(bob, 2), title="Rust only", topics=["rust"])

    response = client.get(reverse("journal:topic", args=["computer-vision"]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Newer vision" in html
    assert "Older vision" in html
    assert html.index("Newer vision") < html.index("Older vision")
    for absent in ("Private vision", "Hidden vision", "Rust only"):
        assert absent not in html


def test_topic_page_leaves_out_suspended_authors(client, alice, bob):
    write_entry(bob, title="Spam about rust", topics=["rust"])
    bob.is_suspended = True
    bob.save()
    assert "Spam about rust" not in client.get("/topics/rust/").content.decode()


def test_unknown_topic_is_not_found(client, db):
    assert client.get("/topics/nothing-here/").status_code == 404
    assert client.get("/feed/?topic=nothing-here").status_code == 404


def test_topic_chips_on_cards_link_to_the_topic_page(client, alice):
    write_entry(alice, topics=["LLMOps"])
    html = client.get(reverse("journal:feed")).content.decode()
    assert f'href="{reverse("journal:topic", args=["llmops"])}"' in html


def test_feed_filters_by_topic(client, alice, bob):
    write_entry(alice, title="About rust", topics=["rust"])
    write_entry(bob, title="About python", topics=["python"])

    html = client.get("/feed/?topic=rust").content.decode()

    assert "About rust" in html
    assert "About python" not in html
    assert "#rust" in html


def test_pages_of_a_filtered_feed_keep_the_topic(client, alice):
    entries_about(alice, 25, ["rust"])
    response = client.get("/feed/?topic=rust")
    older = urlencode({"before": response.context["page"].next_cursor})
    assert f'href="?topic=rust&amp;{older}"' in response.content.decode()


def test_topic_index_shows_this_weeks_most_active_topics_with_counts(client, alice, bob):
    write_entry(alice, topics=["rust", "python"])
    write_entry(bob, topics=["rust"])
    write_entry(alice, day=days_ago(alice, 30), title="A month ago", topics=["statistics"])
    write_entry(bob, day=days_ago(bob, 1), topics=["secret-topic"], visibility="private")

    response = client.get(reverse("journal:topics"))

    active = list(response.context["active"])
    assert [(topic.slug, topic.week_count) for topic in active] == [("rust", 2), ("python", 1)]
    everything = {topic.slug: topic.public_entry_count for topic in response.context["page"]}
    assert everything == {"python": 1, "rust": 2, "statistics": 1}
    html = response.content.decode()
    assert "2 entries since" in html
    assert "secret-topic" not in html


def test_topic_page_runs_a_constant_number_of_queries(client, django_assert_num_queries, db):
    # The topic, the page of entries, the challenges they count for, the topics of the cards
    # it renders. The feed of the topic shows the same cards, which the topic page left in
    # the cache with their topics.
    one, many = make_user("one"), make_user("many")
    entries_about(one, 1, ["solo", "rust"])
    entries_about(many, 25, ["crowd", "rust", "python"])
    for slug in ("solo", "crowd"):
        with django_assert_num_queries(4):
            assert client.get(reverse("journal:topic", args=[slug])).status_code == 200
        with django_assert_num_queries(3):
            assert client.get(f"/feed/?topic={slug}").status_code == 200


def test_topic_index_runs_a_constant_number_of_queries(client, django_assert_num_queries, db):
    # This week's active topics, then how many topics are in use and a page of them.
    entries_about(make_user("one"), 1, ["solo"])
    with django_assert_num_queries(3):
        assert client.get(reverse("journal:topics")).status_code == 200
    entries_about(make_user("many"), 25, [f"topic {number}" for number in range(25)])
    with django_assert_num_queries(3):
        response = client.get(reverse("journal:topics"))
    assert len(response.context["page"]) == 26


@pytest.mark.parametrize("name", ["journal:topics", "journal:people", "journal:search"])
def test_navigation_links_to_topics_people_and_search(client, db, name):
    html = client.get(reverse("journal:home")).content.decode()
    assert reverse(name) in html


def counted_as_stored():
    """Each topic's stored count of public entries, beside the count the visibility rule gives."""
    truth = dict(
        Entry.topics.through.objects.filter(entry__in=Entry.objects.public())
        .order_by()
        .values_list("topic__slug")
        .annotate(count=Count("entry_id"))
    )
    stored = {
        slug: count
        for slug, count in Topic.objects.values_list("slug", "public_entry_count")
        if count or slug in truth
    }
    return stored, truth


def test_stored_topic_counts_follow_every_write_that_changes_what_is_public(alice, bob, moderator):
    rust = write_entry(alice, topics=["rust", "python"])
    write_entry(alice, day=days_ago(alice, 1), topics=["rust"], visibility="private")
    hidden = write_entry(bob, topics=["rust", "go"])
    write_entry(bob, day=days_ago(bob, 1), topics=["python"])
    steps = [
        lambda: services.entry_save(entry=rust, topic_names=["rust", "sql"]),
        lambda: (
            setattr(rust, "visibility", "private")
            or services.entry_save(entry=rust, topic_names=["rust"])
        ),
        lambda: (
            setattr(rust, "visibility", "public")
            or services.entry_save(entry=rust, topic_names=["rust", "python"])
        ),
        lambda: services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True),
        lambda: services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True),
        lambda: services.user_set_suspended(moderator=moderator, user=bob, suspended=True),
        lambda: services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=False),
        lambda: services.user_set_suspended(moderator=moderator, user=bob, suspended=False),
        lambda: services.entry_delete(entry=rust),
        lambda: services.user_delete(user=bob),
    ]
    for step in steps:
        step()
        stored, truth = counted_as_stored()
        assert stored == truth


def test_an_import_moves_the_stored_topic_counts(alice):
    write_entry(alice, topics=["rust"])
    draft = Draft(
        source="old.md",
        day=days_ago(alice, 40),
        title="Old notes",
        minutes=60,
        body="Studied.",
        topics=["rust", "history"],
    )
    services.journal_import(user=alice, items=[draft])
    stored, truth = counted_as_stored()
    assert stored == truth == {"rust": 2, "history": 1}


@pytest.mark.parametrize(
    "url", ["/topics/secret-topic/", "/topics/secret-topic/atom/", "/feed/?topic=secret-topic"]
)
def test_a_topic_of_private_entries_only_is_not_found(client, alice, url):
    write_entry(alice, topics=["secret-topic"], visibility="private")
    assert client.get(url).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 404


def test_the_topic_index_reads_stored_counts_and_only_this_weeks_entries(client, db):
    # Counting every topic's public entries on each rendering took minutes at a million
    # entries: the topics in use come from their stored counts, without reading entries,
    # and only the active topics are counted, from this week's entries alone.
    entries_about(make_user("many"), 30, [f"topic {number}" for number in range(40)])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("journal:topics")).status_code == 200
    reading_entries = [query["sql"] for query in queries if "journal_entry" in query["sql"]]
    assert len(queries) == 3
    assert len(reading_entries) == 1
    week_start = (timezone.now().date() - dt.timedelta(days=6)).isoformat()
    assert '"day" >=' in reading_entries[0]
    assert week_start in reading_entries[0]


def test_the_topic_index_pages_through_topics_in_use(client, db):
    entries_about(make_user("many"), 1, [f"topic {number:03}" for number in range(5)])
    with mock.patch.object(discover, "TOPICS_PAGE_SIZE", 2):
        first = client.get(reverse("journal:topics"))
        third = client.get(reverse("journal:topics") + "?page=3")
    assert [topic.slug for topic in first.context["page"]] == ["topic-000", "topic-001"]
    assert [topic.slug for topic in third.context["page"]] == ["topic-004"]
    assert "Page 1 of 3" in first.content.decode()
    assert "Next →" in first.content.decode()


def test_every_page_of_topics_has_one_address(client, db):
    # Any value of ?page= showed a page, so a visitor sending new ones missed the page
    # cache every time: the others now lead to the page they show.
    entries_about(make_user("many"), 1, [f"topic {number:03}" for number in range(5)])
    with mock.patch.object(discover, "TOPICS_PAGE_SIZE", 2):
        for asked, address in [
            ("02", "/topics/?page=2"),
            ("999", "/topics/?page=3"),
            ("x", "/topics/"),
            ("1", "/topics/"),
        ]:
            response = client.get("/topics/", {"page": asked})
            assert (response.status_code, response["Location"]) == (302, address)
        assert client.get("/topics/?page=2").status_code == 200
