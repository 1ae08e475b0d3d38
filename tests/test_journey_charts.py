"""The journey's charts: the year heatmap, hours per topic and key lessons."""

import datetime as dt
import re

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from journal import charts, services
from journal.models import Entry, Topic
from journal.views.reading import KEY_LESSONS_SHOWN
from tests.conftest import days_ago, make_user, write_entry


@pytest.mark.parametrize(
    ("minutes", "level"),
    [(0, 0), (1, 1), (29, 1), (30, 2), (59, 2), (60, 3), (119, 3), (120, 4), (600, 4)],
)
def test_levels_follow_the_daily_goal(minutes, level):
    assert charts.level(minutes, 60) == level


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)))
def test_heatmap_covers_53_weeks_from_a_monday_to_today(today):
    heatmap = charts.year_heatmap(Entry.objects.none(), today=today, goal=60)

    assert heatmap.start.weekday() == 0
    assert heatmap.end == today
    assert len(heatmap.cells) == 52 * 7 + today.weekday() + 1
    assert [cell.day for cell in heatmap.cells] == [
        heatmap.start + dt.timedelta(days=n) for n in range(len(heatmap.cells))
    ]
    assert max(cell.x for cell in heatmap.cells) < heatmap.width
    assert max(cell.y for cell in heatmap.cells) < heatmap.height


def test_heatmap_is_one_query_with_minutes_on_the_right_days(alice, django_assert_num_queries):
    write_entry(alice, minutes=75)
    write_entry(alice, day=days_ago(alice, 3), minutes=20)
    today = alice.local_today()

    with django_assert_num_queries(1):
        heatmap = charts.year_heatmap(Entry.objects.filter(author=alice), today=today, goal=60)

    by_day = {cell.day: cell for cell in heatmap.cells}
    assert (by_day[today].minutes, by_day[today].level) == (75, 3)
    assert by_day[today].reached_goal
    assert by_day[days_ago(alice, 3)].label.endswith(": 20 minutes")
    assert not by_day[days_ago(alice, 3)].reached_goal
    assert by_day[days_ago(alice, 1)].label.endswith(": no learning")
    assert (heatmap.days_learned, heatmap.days_reached, heatmap.total_hours) == (2, 1, 1.6)


def test_cell_labels_name_the_day_in_words():
    cell = charts.Cell(day=dt.date(2026, 11, 10), minutes=75, level=3, x=0, y=0)
    assert cell.label == "Tue 10 Nov 2026: 75 minutes, goal reached"


def test_topic_hours_is_one_group_by_query(alice, django_assert_num_queries):
    write_entry(alice, minutes=90, topics=["rust", "systems"])
    write_entry(alice, day=days_ago(alice, 1), minutes=60, topics=["rust"])

    with django_assert_num_queries(1):
        rows = charts.topic_hours(Entry.objects.filter(author=alice))

    assert [(row.slug, row.hours, row.share) for row in rows] == [
        ("rust", 2.5, 100.0),
        ("systems", 1.5, 60.0),
    ]


def journey(client, username="alice", query=""):
    response = client.get(reverse("journal:journey", args=[username]) + query)
    assert response.status_code == 200
    return response.content.decode()


def test_journey_shows_the_heatmap_with_text_alternatives(client, alice):
    write_entry(alice, minutes=75, topics=["rust"])
    today = alice.local_today()

    html = journey(client)

    assert '<svg class="heatmap-svg"' in html
    label = f"{today:%a} {today.day} {today:%b %Y}: 75 minutes, goal reached"
    assert f"<title>{label}</title>" in html
    assert 'class="hm-goal"' in html
    assert "A dot marks a day that reached the goal." in html
    assert "<caption>Learning per month, last year</caption>" in html
    assert "style=" not in html


def test_private_minutes_count_only_for_their_author(client, alice, bob):
    write_entry(alice, minutes=77, topics=["secret-project"], visibility="private",
                key_lesson="Private lesson")  # fmt: skip
    write_entry(alice, day=days_ago(alice, 1), minutes=61, topics=["rust"])

    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        html = journey(client)
        assert ": 77 minutes" not in html
        assert "secret-project" not in html
        assert "Private lesson" not in html
        assert ": 61 minutes" in html

    client.force_login(alice)
    html = journey(client)
    assert ": 77 minutes" in html
    assert "#secret-project" in html
    assert "Private lesson" in html


def test_journey_shows_hours_per_topic_as_text(client, alice):
    write_entry(alice, minutes=90, topics=["rust"])
    html = journey(client)
    assert '<a class="bar-label" href="/topics/rust/">#rust</a>' in html
    assert '<span class="bar-value">1.5 h</span>' in html


def test_journey_lists_key_lessons_most_recent_first_with_links(client, alice):
    write_entry(alice, day=days_ago(alice, 2), key_lesson="First lesson")
    write_entry(alice, day=days_ago(alice, 1), key_lesson="")
    latest = write_entry(alice, key_lesson="Latest lesson")

    html = journey(client)
    section = html[html.index('id="lessons-heading"') :]

    assert section.index("Latest lesson") < section.index("First lesson")
    assert reverse("journal:entry_detail", args=["alice", latest.day]) in section
    assert "Day 3" in section


def test_journey_runs_a_constant_number_of_queries(client, django_assert_num_queries, db):
    # The person, the page of entries (no COUNT: pages go by day), their topics, the
    # heatmap with the counted days and rest days that kept the streak, the hours per topic,
    # the key lessons and the finished challenges' badges.
    expected = 10
    one = make_user("one")
    write_entry(one, topics=["rust"], key_lesson="One lesson")
    with django_assert_num_queries(expected):
        journey(client, "one")

    many = make_user("many")
    topics = Topic.from_names([f"topic {n}" for n in range(25)])
    today = many.local_today()
    for offset in range(25):
        entry = Entry.objects.create(
            author=many,
            day=today - dt.timedelta(days=offset * 9),
            number=25 - offset,
            minutes=30 + offset,
            title=f"Entry {offset}",
            body="Studied.",
            key_lesson=f"Lesson {offset}",
        )
        entry.topics.set(topics[offset:] + topics[:3])
    services.user_refresh_stats(user=many)
    with django_assert_num_queries(expected):
        journey(client, "many")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)))
def test_days_in_words_are_what_the_date_filter_writes(day):
    assert charts.day_in_words(day) == date_filter(day, "D j M Y")


def lessons_shown(client, username, query=""):
    html = journey(client, username, query)
    section = html[html.index('id="lessons-heading"') :]
    return re.findall(r'<span class="lesson-day">Day (\d+)</span> ([^<]*)</a>', section)


# The latest lessons whatever page is shown and wherever they fall, in one query.
@pytest.mark.parametrize(
    ("with_lesson", "query"),
    [
        (lambda n: True, ""),
        (lambda n: n <= 5, ""),
        (lambda n: n % 3 == 0, ""),
        (lambda n: True, "?before=older"),
    ],
)
def test_key_lessons_are_the_latest_whichever_page_holds_them(
    client, django_assert_num_queries, alice, with_lesson, query
):
    today = alice.local_today()
    for n in range(1, 31):
        Entry.objects.create(
            author=alice, day=today - dt.timedelta(days=30 - n), number=n, minutes=60,
            title=f"Entry {n}", body="Studied.", key_lesson=f"Lesson {n}" if with_lesson(n) else "",
        )  # fmt: skip
    latest = [(str(n), f"Lesson {n}") for n in range(30, 0, -1) if with_lesson(n)][
        :KEY_LESSONS_SHOWN
    ]
    query = query.replace("older", (today - dt.timedelta(days=3)).isoformat())
    # The journey's queries, as in test_journey_runs_a_constant_number_of_queries.
    with django_assert_num_queries(10):
        assert lessons_shown(client, "alice", query) == latest
