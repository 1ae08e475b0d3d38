"""/people/: participants with their streaks and hours, sortable and paginated."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import streaks
from journal.models import User
from tests.conftest import make_user, write_entry


def with_run(username, *, length, ended_days_ago, longest=None, **fields):
    """A person whose latest run of counted days is ``length`` long."""
    person = make_user(username, time_zone="UTC", **fields)
    end = timezone.now().date() - dt.timedelta(days=ended_days_ago)
    run = streaks.Progress(run_length=length, run_end=end)
    User.objects.filter(pk=person.pk).update(
        latest_run_length=length,
        latest_run_end=end,
        streak_alive_until=streaks.alive_until(run, rest_days=frozenset()),
        longest_streak=longest or length,
    )
    return person


def usernames(client, **params):
    response = client.get(reverse("journal:people"), params)
    assert response.status_code == 200
    return [person.username for person in response.context["page"]]


def test_lists_active_participants_with_their_figures(client, alice):
    alice.learning_focus = "Computer vision, one paper a week"
    alice.save()
    write_entry(alice, minutes=90)
    make_user("gone", is_active=False)
    make_user("spammer", is_suspended=True)

    response = client.get(reverse("journal:people"))

    html = response.content.decode()
    assert usernames(client) == ["alice"]
    assert ">AM</span>" in html
    assert "Computer vision, one paper a week" in html
    assert "1.5 <small>h</small>" in html
    assert "1 <small>day</small>" in html
    assert reverse("journal:journey", args=["alice"]) in html


def test_sorted_by_current_streak_by_default(client, db):
    with_run("dead", length=40, ended_days_ago=5)
    with_run("three", length=3, ended_days_ago=0)
    with_run("ten_yesterday", length=10, ended_days_ago=1)
    make_user("newcomer")

    order = usernames(client)

    assert order[:2] == ["ten_yesterday", "three"]
    assert set(order[2:]) == {"dead", "newcomer"}
    assert usernames(client, sort="current") == order


def test_a_dead_streak_shows_zero_even_when_sorted_among_live_ones(client, db):
    # Ended three days ago in UTC: no time zone keeps this streak alive.
    with_run("lapsed", length=8, ended_days_ago=3)
    response = client.get(reverse("journal:people"))
    assert response.context["page"][0].current_streak == 0


def test_sorted_by_longest_streak(client, db):
    with_run("short", length=2, ended_days_ago=0, longest=2)
    with_run("long", length=1, ended_days_ago=9, longest=30)
    assert usernames(client, sort="longest") == ["long", "short"]


def test_sorted_by_newest(client, db):
    old = make_user("old")
    User.objects.filter(pk=old.pk).update(date_joined=timezone.now() - dt.timedelta(days=30))
    make_user("new")
    assert usernames(client, sort="newest") == ["new", "old"]


def test_unknown_sort_falls_back_to_current_streak(client, db):
    with_run("live", length=2, ended_days_ago=0)
    response = client.get(reverse("journal:people"), {"sort": "password"})
    assert response.status_code == 200
    assert response.context["sort"] == "current"


def test_sort_links_mark_the_current_sort_and_pages_keep_it(client, db):
    for number in range(30):
        make_user(f"person{number}")
    response = client.get(reverse("journal:people"), {"sort": "newest"})
    html = response.content.decode()
    assert len(response.context["page"]) == 24
    assert 'href="?sort=newest&amp;page=2"' in html
    assert 'href="?sort=longest" aria-current' not in html
    assert 'href="?sort=newest" aria-current="true"' in html


@pytest.mark.parametrize("sort", ["current", "longest", "newest"])
def test_people_runs_a_constant_number_of_queries(client, django_assert_num_queries, db, sort):
    # The count for the paginator and the page of people.
    with_run("first", length=1, ended_days_ago=0)
    with django_assert_num_queries(2):
        assert len(usernames(client, sort=sort)) == 1
    for number in range(24):
        with_run(f"person{number}", length=number, ended_days_ago=number % 4)
    with django_assert_num_queries(2):
        assert len(usernames(client, sort=sort)) == 24
