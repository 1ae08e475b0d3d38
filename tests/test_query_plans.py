"""Every list page's main query uses an index on PostgreSQL, read from EXPLAIN.

A community from seed_scale is loaded once for the module, ANALYZE gives the planner its
statistics, and each page's query is built from the QuerySet methods its view uses.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, When
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journal import charts
from journal.models import Entry, Notification, Report, Topic, User
from journal.pagination import keyset_page

PAGE = 20

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)


@pytest.fixture(scope="module")
def community(django_db_setup, django_db_blocker):
    """The seeded rows, inside a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_scale", users=300, entries=25_000, seed=11, verbosity=0)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield
        transaction.set_rollback(True)


def plan(queryset):
    return queryset.explain()


def assert_uses_an_index(queryset):
    text = plan(queryset)
    assert "Seq Scan on journal_entry " not in text, text
    assert "Index" in text, text


def busiest(model_field, queryset):
    return queryset.annotate(n=Count(model_field)).order_by("-n").first()


def test_public_feed_newest_first(community, db):
    assert_uses_an_index(Entry.objects.public().for_cards().newest_first()[:PAGE])


def test_landing_page_latest_entries(community, db):
    assert_uses_an_index(Entry.objects.public().for_cards().newest_first()[:6])


def test_a_journeys_entries(community, db):
    person = User.objects.order_by("-entry_count").first()
    for viewer in (person, User.objects.exclude(pk=person.pk).first()):
        entries = Entry.objects.written_by(person, viewer)
        assert_uses_an_index(entries.prefetch_related("topics").order_by("-day")[:PAGE])


@pytest.mark.parametrize("lookup", ["day", "number"])
def test_one_entry_by_its_day_or_its_old_day_n(community, db, lookup):
    # The entry page goes by day (one_entry_per_author_per_day); the old Day-N address
    # redirects through entry_author_number_idx.
    entry = Entry.objects.public().select_related("author").order_by("pk")[PAGE]
    for viewer in (AnonymousUser(), entry.author):
        found = Entry.objects.visible_to(viewer, moderating=True).filter(
            author__username=entry.author.username, **{lookup: getattr(entry, lookup)}
        )
        assert_uses_an_index(found.for_cards())


def plans_of_queries(action):
    """The EXPLAIN of each query ``action`` runs, as it ran them."""
    with CaptureQueriesContext(connection) as captured:
        action()
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            cursor.execute("EXPLAIN " + query["sql"])
            yield "\n".join(row[0] for row in cursor.fetchall())


def test_a_journeys_charts_read_an_index(community, db):
    person = User.objects.order_by("-entry_count").first()
    for viewer in (person, User.objects.exclude(pk=person.pk).first()):
        shown = Entry.objects.written_by(person, viewer)
        for chart in (
            lambda shown=shown: charts.year_heatmap(shown, today=person.local_today(), goal=60),
            lambda shown=shown: charts.topic_hours(shown),
        ):
            for text in plans_of_queries(chart):
                # Which index wins depends on the data's size and its visibility map; on
                # the benchmark's million entries it is the covering one, read alone.
                assert "Seq Scan on journal_entry " not in text, text
                assert "Index" in text, text
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_indexdef('one_entry_per_author_per_day'::regclass)")
        assert "INCLUDE (minutes, visibility, moderation_state, id)" in cursor.fetchone()[0]


@pytest.mark.parametrize("popularity", ["popular", "rare"])
def test_a_topics_entries(community, db, popularity):
    topics = Topic.objects.annotate(n=Count("entries")).filter(n__gt=0)
    topic = topics.order_by("-n" if popularity == "popular" else "n").first()
    entries = Entry.objects.public().filter(topics=topic).for_cards().newest_first()
    assert_uses_an_index(entries[:PAGE])


def test_an_older_page_starts_its_scan_at_the_cursor(community, db):
    # A cursor from the middle of the feed, as anyone may send: the index scan begins
    # there, rather than at the newest entry with every newer one filtered out.
    public = Entry.objects.public()
    middle = public.order_by("created_at")[public.count() // 2]
    cursor = f"{middle.created_at.isoformat()}_{middle.pk}"
    (text,) = plans_of_queries(lambda: keyset_page(public.for_cards().newest_first(), cursor))
    assert "Index Cond: (created_at <=" in text, text


def test_people_by_current_streak(community, db):
    # The ordering of journal.views.discover.people for ?sort=current.
    alive_on = timezone.now().date() - dt.timedelta(days=1)
    people = (
        User.objects.public()
        .annotate(
            live_run=Case(
                When(streak_alive_until__gte=alive_on, then="latest_run_length"),
                default=0,
                output_field=IntegerField(),
            )
        )
        .order_by("-live_run", "-longest_streak", "-date_joined", "-id")
    )
    assert "journal_entry" not in plan(people[:24])


def test_moderation_queue_open_reports(community, db):
    reports = Report.objects.queue()
    assert_uses_an_index(reports)


def test_notifications_inbox(community, db):
    person = busiest("notifications", User.objects.all())
    inbox = (
        Notification.objects.inbox(person)
        .select_related("actor", "entry", "comment")
        .order_by("-created_at", "-pk")
    )
    assert_uses_an_index(inbox[:PAGE])
