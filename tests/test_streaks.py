"""Streak arithmetic (journal/streaks.py) and the figures journal.services keeps on the user row."""

import datetime as dt
import itertools
import zoneinfo
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import services
from journal.models import Entry, User
from journal.streaks import Stats, append_day, compute_stats, current_streak
from tests.conftest import FrozenClock, days_ago, make_user, write_entry

D = dt.date
ONE_DAY = dt.timedelta(days=1)


# compute_stats and current_streak, free of the database


def test_no_days_gives_empty_stats():
    assert compute_stats([], 60) == Stats()


def test_a_day_below_the_goal_is_an_entry_but_not_a_streak():
    stats = compute_stats([(D(2025, 3, 1), 59)], 60)
    assert stats.entry_count == 1
    assert stats.total_minutes == 59
    assert stats.longest_streak == 0
    assert stats.latest_run_length == 0
    assert stats.latest_run_end is None
    assert stats.last_entry_day == D(2025, 3, 1)


def test_reaching_the_goal_exactly_counts():
    stats = compute_stats([(D(2025, 3, 1), 60)], 60)
    assert stats.longest_streak == 1
    assert stats.latest_run_length == 1
    assert stats.latest_run_end == D(2025, 3, 1)


def test_days_in_any_order_give_the_same_figures():
    days = [(D(2025, 3, 3), 60), (D(2025, 3, 1), 90), (D(2025, 3, 2), 61)]
    assert compute_stats(days, 60) == compute_stats(sorted(days), 60)
    assert compute_stats(days, 60).longest_streak == 3


def test_a_missed_day_breaks_the_run():
    days = [(D(2025, 3, 1), 60), (D(2025, 3, 2), 60), (D(2025, 3, 4), 60)]
    stats = compute_stats(days, 60)
    assert stats.longest_streak == 2
    assert (stats.latest_run_length, stats.latest_run_end) == (1, D(2025, 3, 4))


def test_a_day_below_the_goal_breaks_the_run_but_is_still_counted_as_minutes():
    days = [(D(2025, 3, 1), 60), (D(2025, 3, 2), 10), (D(2025, 3, 3), 60)]
    stats = compute_stats(days, 60)
    assert stats.longest_streak == 1
    assert stats.total_minutes == 130
    assert stats.entry_count == 3


def test_longest_and_latest_runs_are_kept_apart():
    days = [(D(2025, 1, n), 60) for n in (1, 2, 3, 4)] + [(D(2025, 2, n), 60) for n in (1, 2)]
    stats = compute_stats(days, 60)
    assert stats.longest_streak == 4
    assert (stats.latest_run_length, stats.latest_run_end) == (2, D(2025, 2, 2))


def test_the_latest_run_ignores_a_later_day_below_the_goal():
    days = [(D(2025, 3, 1), 60), (D(2025, 3, 2), 60), (D(2025, 3, 3), 5)]
    stats = compute_stats(days, 60)
    assert (stats.latest_run_length, stats.latest_run_end) == (2, D(2025, 3, 2))
    assert stats.last_entry_day == D(2025, 3, 3)


def test_a_run_across_a_month_and_a_leap_day():
    days = [(D(2024, 2, 28), 60), (D(2024, 2, 29), 60), (D(2024, 3, 1), 60)]
    assert compute_stats(days, 60).longest_streak == 3


@given(
    days=st.lists(
        st.tuples(st.dates(D(2024, 12, 1), D(2025, 3, 31)), st.integers(1, 180)),
        unique_by=lambda pair: pair[0],
        max_size=40,
    ),
    goal=st.sampled_from([1, 30, 60, 61, 120]),
)
def test_appending_days_one_by_one_gives_what_counting_them_all_gives(days, goal):
    stats = Stats()
    for day, minutes in sorted(days):
        stats = append_day(stats, day, minutes, goal)
    assert stats == compute_stats(days, goal)


def test_appending_a_day_that_is_not_the_latest_is_refused():
    stats = compute_stats([(D(2025, 3, 2), 60)], 60)
    with pytest.raises(ValueError):
        append_day(stats, D(2025, 3, 2), 60, 60)
    with pytest.raises(ValueError):
        append_day(stats, D(2025, 3, 1), 60, 60)


@pytest.mark.parametrize(
    ("run_end", "today", "expected"),
    [
        (D(2025, 3, 10), D(2025, 3, 10), 4),  # ends today
        (D(2025, 3, 9), D(2025, 3, 10), 4),  # ends yesterday: today is not over yet
        (D(2025, 3, 8), D(2025, 3, 10), 0),  # a whole day was missed
        (None, D(2025, 3, 10), 0),
    ],
)
def test_current_streak_is_alive_until_a_whole_day_is_missed(run_end, today, expected):
    assert current_streak(4, run_end, today) == expected


# The services keep the user row in step with the entries


def test_writing_yesterday_after_today_renumbers_in_day_order(alice):
    today = write_entry(alice, day=days_ago(alice, 0), title="Today")
    yesterday = write_entry(alice, day=days_ago(alice, 1), title="Yesterday")
    today.refresh_from_db()
    assert (yesterday.number, today.number) == (1, 2)
    alice.refresh_from_db()
    assert alice.current_streak == alice.longest_streak == 2


def test_deleting_an_entry_renumbers_and_recounts(alice):
    first = write_entry(alice, day=days_ago(alice, 1), minutes=90)
    second = write_entry(alice, day=days_ago(alice, 0), minutes=30)
    services.entry_delete(entry=first)
    second.refresh_from_db()
    alice.refresh_from_db()
    assert second.number == 1
    assert (alice.entry_count, alice.total_minutes) == (1, 30)
    assert alice.current_streak == alice.longest_streak == 0


def test_a_second_entry_for_a_day_raises_day_taken_and_changes_nothing(alice):
    write_entry(alice, minutes=60)
    with pytest.raises(services.DayTaken):
        write_entry(alice, minutes=120)
    alice.refresh_from_db()
    assert Entry.objects.filter(author=alice).count() == 1
    assert (alice.entry_count, alice.total_minutes) == (1, 60)


def test_a_new_goal_recomputes_which_days_count(alice):
    write_entry(alice, day=days_ago(alice, 1), minutes=45)
    write_entry(alice, day=days_ago(alice, 0), minutes=45)
    alice.refresh_from_db()
    assert alice.current_streak == 0
    services.user_update_goal(user=alice, daily_goal_minutes=30)
    assert (alice.current_streak, alice.longest_streak) == (2, 2)
    alice.refresh_from_db()
    assert alice.daily_goal_minutes == 30
    assert (alice.current_streak, alice.longest_streak) == (2, 2)


def test_editing_minutes_below_the_goal_ends_the_streak(alice):
    entry = write_entry(alice, minutes=60)
    entry.minutes = 20
    services.entry_save(entry=entry, topic_names=[])
    alice.refresh_from_db()
    assert (alice.current_streak, alice.longest_streak, alice.total_minutes) == (0, 0, 20)


# Property: whatever happens, the stored figures equal a count from scratch

# Instants where a local day changes in one zone or another, or where the clocks jump.
AWKWARD_INSTANTS = [
    dt.datetime(2025, 3, 29, 23, 0, tzinfo=dt.UTC),  # Paris midnight, the night of DST
    dt.datetime(2025, 3, 30, 0, 59, tzinfo=dt.UTC),  # Paris springs forward at 01:00 UTC
    dt.datetime(2025, 10, 26, 0, 30, tzinfo=dt.UTC),  # Paris falls back at 01:00 UTC
    dt.datetime(2025, 3, 9, 4, 30, tzinfo=dt.UTC),  # New York's midnight before DST
    dt.datetime(2025, 11, 2, 5, 45, tzinfo=dt.UTC),  # New York falls back at 06:00 UTC
    dt.datetime(2025, 4, 5, 14, 45, tzinfo=dt.UTC),  # Lord Howe's half-hour change
    dt.datetime(2025, 12, 31, 9, 55, tzinfo=dt.UTC),  # Kiritimati's midnight (UTC+14)
    dt.datetime(2025, 6, 30, 10, 58, tzinfo=dt.UTC),  # Pago Pago's midnight (UTC-11)
    dt.datetime(2011, 12, 29, 9, 30, tzinfo=dt.UTC),  # Apia skipped 30 December 2011
]
ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Pago_Pago",
    "Pacific/Apia",
    "Asia/Kolkata",
    "America/St_Johns",
]

operations = st.one_of(
    # Minutes pass; mostly a little, sometimes more than a day.
    st.tuples(st.just("advance"), st.integers(min_value=1, max_value=40 * 60)),
    st.tuples(st.just("write"), st.sampled_from(["today", "yesterday"]), st.integers(1, 180)),
    st.tuples(st.just("import"), st.integers(min_value=2, max_value=12), st.integers(1, 180)),
    st.tuples(st.just("edit"), st.integers(min_value=0, max_value=50), st.integers(1, 180)),
    st.tuples(st.just("delete"), st.integers(min_value=0, max_value=50)),
    st.tuples(st.just("goal"), st.sampled_from([1, 30, 59, 60, 61, 120])),
    st.tuples(st.just("zone"), st.sampled_from(ZONES)),
)


def expected_figures(entries, goal, today):
    """The user's figures counted from scratch, without journal.streaks.

    ``entries`` are (day, minutes) pairs. The current streak is the most recent run of
    counted days, alive when it ends on or after yesterday; a run may end after today
    when the entry was written before a move to a zone further west.
    """
    counted = {day for day, minutes in entries if minutes >= goal}
    runs = []
    for day in counted:
        if day - ONE_DAY in counted:
            continue
        length = 1
        while day + length * ONE_DAY in counted:
            length += 1
        runs.append((day + (length - 1) * ONE_DAY, length))
    latest_end, latest_length = max(runs, default=(None, 0))
    alive = latest_end is not None and latest_end >= today - ONE_DAY
    return {
        "entry_count": len(entries),
        "total_minutes": sum(minutes for _, minutes in entries),
        "longest_streak": max((length for _, length in runs), default=0),
        "current_streak": latest_length if alive else 0,
        "last_entry_day": max((day for day, _ in entries), default=None),
    }


def local_today(user, clock):
    return clock.instant.astimezone(zoneinfo.ZoneInfo(user.time_zone)).date()


def assert_figures_match(user_pk, clock):
    user = User.objects.get(pk=user_pk)
    rows = list(Entry.objects.filter(author=user).values_list("day", "minutes", "number"))
    expected = expected_figures(
        [(day, minutes) for day, minutes, _ in rows],
        user.daily_goal_minutes,
        local_today(user, clock),
    )
    stored = {field: getattr(user, field) for field in expected}
    assert stored == expected
    by_day = [number for _, _, number in sorted(rows)]
    assert by_day == list(range(1, len(rows) + 1)), "Day N must be 1..n in day order"


def entry_for(user, day, minutes):
    return Entry(author=user, day=day, minutes=minutes, title=f"On {day}", body="Studied.")


def apply(operation, user, clock):
    """Run one operation the way the app does; returns the user as the database has it."""
    kind, *args = operation
    entries = list(Entry.objects.filter(author=user).order_by("day"))
    if kind == "advance":
        clock.instant += dt.timedelta(minutes=args[0])
    elif kind == "write":
        today = local_today(user, clock)
        assert user.writable_days() == [today, today - ONE_DAY]
        day = today if args[0] == "today" else today - ONE_DAY
        taken = any(entry.day == day for entry in entries)
        try:
            services.entry_save(entry=entry_for(user, day, args[1]), topic_names=["python"])
        except services.DayTaken:
            assert taken, "DayTaken raised for a free day"
        else:
            assert not taken, "a second entry for one day was written"
    elif kind == "import":
        # Older days come in through the import: rows inserted, then one refresh.
        day = local_today(user, clock) - args[0] * ONE_DAY
        if all(entry.day != day for entry in entries):
            with transaction.atomic():
                imported = entry_for(user, day, args[1])
                imported.number = 0
                imported.save()
                services.user_refresh_stats(user=User.objects.get(pk=user.pk))
    elif kind == "edit" and entries:
        entry = entries[args[0] % len(entries)]
        entry.minutes = args[1]
        services.entry_save(entry=entry, topic_names=[])
    elif kind == "delete" and entries:
        services.entry_delete(entry=entries[args[0] % len(entries)])
    elif kind == "goal":
        services.user_update_goal(user=user, daily_goal_minutes=args[0])
    elif kind == "zone":
        User.objects.filter(pk=user.pk).update(time_zone=args[0])
    return User.objects.get(pk=user.pk)


_usernames = itertools.count()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    start=st.sampled_from(AWKWARD_INSTANTS),
    offset=st.integers(min_value=-90, max_value=90),
    zone=st.sampled_from(ZONES),
    steps=st.lists(operations, min_size=1, max_size=25),
)
def test_stored_figures_always_equal_a_count_from_scratch(db, start, offset, zone, steps):
    clock = FrozenClock(start + dt.timedelta(minutes=offset))
    with mock.patch("django.utils.timezone.now", clock), transaction.atomic():
        # Each example starts from an empty journal and leaves nothing behind.
        user = make_user(f"learner{next(_usernames)}", time_zone=zone)
        for operation in steps:
            user = apply(operation, user, clock)
            assert_figures_match(user.pk, clock)
        transaction.set_rollback(True)
