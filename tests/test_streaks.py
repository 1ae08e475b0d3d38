"""Streak arithmetic (journal/streaks.py): a person's figures, which journal.services keeps on
the user row, and each rule of a challenge (rest days, freezes, Day N, the finish, milestones)."""

import dataclasses
import datetime as dt
import itertools
import zoneinfo
from collections import Counter
from dataclasses import dataclass
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import services
from journal.models import Entry, User
from journal.streaks import (
    MAX_FREEZES,
    MAX_REST_DAYS_PER_MONTH,
    ChallengeDay,
    Mark,
    Milestone,
    Progress,
    RestCalendar,
    RestDeclaration,
    Stats,
    Streak,
    append_counted_day,
    append_day,
    compute_progress,
    compute_stats,
    counted_days,
    counts,
    current_streak,
    dated_day_number,
    finish_date,
    milestones_reached,
    new_milestones,
    rest_days,
    rest_days_over_cap,
    rolling_day_number,
    streak_on,
    timeline,
)
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
    with pytest.raises(ValueError, match="is not after the last entry day"):
        append_day(stats, D(2025, 3, 2), 60, 60)
    with pytest.raises(ValueError, match="is not after the last entry day"):
        append_day(stats, D(2025, 3, 1), 60, 60)


@pytest.mark.parametrize(
    ("run_end", "today", "expected"),
    [
        (D(2025, 3, 10), D(2025, 3, 10), 4),  # ends today
        (D(2025, 3, 9), D(2025, 3, 10), 4),  # ends yesterday: today is not over yet
        (D(2025, 3, 8), D(2025, 3, 10), 0),  # a whole day was missed, and no freeze
        (None, D(2025, 3, 10), 0),
    ],
)
def test_current_streak_is_alive_until_a_whole_day_is_missed(run_end, today, expected):
    days = [] if run_end is None else [(run_end - n * ONE_DAY, 60) for n in range(4)]
    stats = compute_stats(days, 60)
    assert current_streak(stats.latest_run_length, stats.streak_alive_until, today) == expected


def test_a_personal_streak_is_kept_by_rest_days_and_a_freeze_without_growing():
    # Seven days from Mon 3 Mar 2025 earn a freeze; Sun 9 is missed, Mon 10 declared rest.
    days = [(D(2025, 3, 3) + n * ONE_DAY, 60) for n in range(6)]
    rest = RestCalendar([RestDeclaration.holiday(D(2025, 3, 10), D(2025, 3, 10))])
    stats = compute_stats(days, 60, rest_days=rest)
    assert (stats.latest_run_length, stats.saved_days) == (6, 6)
    # Without a freeze: alive on Sun 9, the day after the run (not over yet), and dead
    # once Sun 9 is over and missed.
    assert stats.streak_alive_until == D(2025, 3, 9)
    stats = append_day(stats, D(2025, 3, 9), 60, 60, rest_days=rest)
    assert (stats.latest_run_length, stats.saved_days) == (7, 7)
    # A freeze in hand: Tue 11 may be missed and frozen; Wed 12 must count.
    assert stats.streak_alive_until == D(2025, 3, 12)
    assert current_streak(stats.latest_run_length, stats.streak_alive_until, D(2025, 3, 12)) == 7
    stats = append_day(stats, D(2025, 3, 12), 60, 60, rest_days=rest)
    assert (stats.latest_run_length, stats.longest_streak, stats.saved_days) == (8, 8, 1)


# Challenges: rest days, freezes, Day N, the finish and milestones (journal.streaks' rules)

SUNDAY = 6


def days_from(first, count):
    return [first + n * ONE_DAY for n in range(count)]


def progress_of(counted, rest=frozenset()):
    return compute_progress(counted, rest_days=rest)


# Rule 1: a counted day


@pytest.mark.parametrize(("minutes", "minimum", "expected"), [(59, 60, False), (60, 60, True)])
def test_a_day_counts_when_its_minutes_reach_the_minimum(minutes, minimum, expected):
    assert counts(minutes, minimum) is expected


def test_counted_days_keeps_the_days_that_reach_the_minimum():
    entries = [(D(2025, 3, 1), 30), (D(2025, 3, 2), 45), (D(2025, 3, 3), 90)]
    assert counted_days(entries, 45) == {D(2025, 3, 2), D(2025, 3, 3)}


# Rule 2: rest days


def test_a_weekly_rest_day_is_its_weekday_from_its_first_day_to_its_last():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 4), until=D(2025, 3, 23))
    assert rest_days([sundays], D(2025, 3, 1), D(2025, 3, 31)) == {
        D(2025, 3, 9),
        D(2025, 3, 16),
        D(2025, 3, 23),
    }


def test_a_holiday_is_every_day_of_its_range():
    holiday = RestDeclaration.holiday(D(2025, 7, 30), D(2025, 8, 2))
    assert rest_days([holiday], D(2025, 7, 1), D(2025, 8, 31)) == set(days_from(D(2025, 7, 30), 4))


def test_past_the_fourth_declared_day_of_a_month_a_day_is_an_ordinary_day():
    # March 2025 has five Sundays: the fifth is no rest day.
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 1))
    march = rest_days([sundays], D(2025, 3, 1), D(2025, 3, 31))
    assert sorted(march) == [D(2025, 3, 2), D(2025, 3, 9), D(2025, 3, 16), D(2025, 3, 23)]
    holiday = RestDeclaration.holiday(D(2025, 4, 10), D(2025, 4, 20))
    assert sorted(rest_days([holiday], D(2025, 4, 1), D(2025, 4, 30))) == days_from(
        D(2025, 4, 10), 4
    )


def test_the_cap_counts_the_whole_month_whatever_part_is_asked_for():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 1))
    assert rest_days([sundays], D(2025, 3, 24), D(2025, 4, 6)) == {D(2025, 4, 6)}


def test_overlapping_declarations_give_a_day_once():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 1))
    holiday = RestDeclaration.holiday(D(2025, 3, 1), D(2025, 3, 2))
    assert sorted(rest_days([sundays, holiday], D(2025, 3, 1), D(2025, 3, 31))) == [
        D(2025, 3, 1),
        D(2025, 3, 2),
        D(2025, 3, 9),
        D(2025, 3, 16),
    ]


@pytest.mark.parametrize(
    ("fields", "refusal"),
    [
        ({"first": D(2025, 3, 1)}, "A holiday needs a last day"),
        ({"first": D(2025, 3, 2), "last": D(2025, 3, 1)}, "cannot end"),
        ({"first": D(2025, 3, 1), "weekday": 7}, "is not a weekday"),
        ({"first": D(2025, 3, 1), "weekday": -1}, "is not a weekday"),
    ],
)
def test_a_declaration_that_makes_no_sense_is_refused(fields, refusal):
    with pytest.raises(ValueError, match=refusal):
        RestDeclaration(**fields)


def test_rest_days_are_declared_ahead_tomorrow_at_the_earliest():
    today = D(2025, 3, 10)
    assert RestDeclaration.holiday(today + ONE_DAY, today + ONE_DAY).is_ahead_of(today)
    assert not RestDeclaration.holiday(today, today + ONE_DAY).is_ahead_of(today)
    assert not RestDeclaration.weekly(SUNDAY, since=today - ONE_DAY).is_ahead_of(today)


def test_over_cap_lists_the_new_days_past_a_months_fourth():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 4, 1))
    holiday = RestDeclaration.holiday(D(2025, 4, 28), D(2025, 4, 29))
    # April's Sundays (6, 13, 20, 27) already make four.
    assert rest_days_over_cap(holiday, [sundays]) == [D(2025, 4, 28), D(2025, 4, 29)]


def test_over_cap_lists_the_declared_days_a_new_one_pushes_out():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 4, 1))
    holiday = RestDeclaration.holiday(D(2025, 4, 1), D(2025, 4, 2))
    assert rest_days_over_cap(holiday, [sundays]) == [D(2025, 4, 20), D(2025, 4, 27)]


def test_over_cap_is_empty_when_a_declaration_fits():
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 4, 1), until=D(2025, 4, 14))
    assert (
        rest_days_over_cap(RestDeclaration.holiday(D(2025, 4, 20), D(2025, 4, 21)), [sundays]) == []
    )


def test_over_cap_does_not_blame_a_new_declaration_for_days_already_left_out():
    # March 30 is already a fifth Sunday; the holiday on its own fits.
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 1))
    assert (
        rest_days_over_cap(RestDeclaration.holiday(D(2025, 3, 30), D(2025, 3, 30)), [sundays]) == []
    )


def test_an_open_weekly_declaration_is_checked_for_a_year_unless_told():
    # The fifth Sundays from March 2025 to March 2026, a year on.
    sundays = RestDeclaration.weekly(SUNDAY, since=D(2025, 3, 1))
    assert rest_days_over_cap(sundays, []) == [
        D(2025, 3, 30),
        D(2025, 6, 29),
        D(2025, 8, 31),
        D(2025, 11, 30),
        D(2026, 3, 29),
    ]
    assert rest_days_over_cap(sundays, [], horizon=D(2025, 4, 30)) == [D(2025, 3, 30)]


# Rules 3 and 4: streaks, rest days and freezes


def test_a_rest_day_neither_breaks_nor_extends_a_streak():
    day1, rest, day3 = days_from(D(2025, 3, 1), 3)
    progress = progress_of([day1, day3], {rest})
    assert (progress.run_length, progress.run_start, progress.days_counted) == (2, day1, 2)


def test_a_rest_day_with_a_counted_entry_counts():
    days = days_from(D(2025, 3, 1), 3)
    assert progress_of(days, {days[1]}).run_length == 3


def test_a_freeze_is_earned_on_the_seventh_counted_day_and_covers_one_missed_day():
    days = days_from(D(2025, 3, 1), 9)
    assert progress_of(days[:6]).freezes == 0
    assert progress_of(days[:7]).freezes == 1
    missed = days[7]
    progress = progress_of([*days[:7], days[8]])
    assert (progress.run_length, progress.freezes, progress.run_start) == (8, 0, days[0])
    assert timeline(
        [*days[:7], days[8]],
        rest_days=set(),
        start=days[0],
        today=days[8],
        first=missed,
        last=missed,
    ) == [(missed, Mark.FROZEN)]


def test_without_a_freeze_a_missed_day_breaks_the_streak():
    days = days_from(D(2025, 3, 1), 8)
    progress = progress_of([*days[:6], days[7]])
    assert (progress.run_length, progress.longest_streak, progress.freezes) == (1, 6, 0)


def test_two_missed_days_in_a_row_break_the_streak_and_its_freezes_go_with_it():
    days = days_from(D(2025, 3, 1), 20)
    progress = progress_of([*days[:14], days[16]])
    assert (progress.run_length, progress.freezes, progress.run_start) == (1, 0, days[16])


def test_a_rest_day_declared_in_a_gap_never_costs_a_later_freeze():
    days = days_from(D(2025, 3, 1), 14)
    # Seven counted days earn a freeze; two missed days; three counted; one missed; today.
    counted = [*days[:7], *days[9:12], days[13]]
    today = days[13]
    without_rest = streak_on(progress_of(counted), today=today, rest_days=set())
    # A rest day in the two-day gap lets the freeze bridge it, so none is left for the
    # later missed day; were freezes kept through a break, the streak would be lower.
    rest = {days[7]}
    with_rest = streak_on(progress_of(counted, rest), today=today, rest_days=rest)
    assert without_rest.length == with_rest.length == 1
    assert progress_of(counted, rest).longest_streak == 10


def test_rest_days_around_a_missed_day_leave_it_a_single_missed_day():
    days = days_from(D(2025, 3, 1), 11)
    counted = [*days[:7], days[10]]
    progress = progress_of(counted, {days[7], days[9]})
    assert (progress.run_length, progress.freezes) == (8, 0)


def test_at_most_two_freezes_are_kept():
    days = days_from(D(2025, 3, 1), 28)
    assert [progress_of(days[:n]).freezes for n in (7, 14, 21, 28)] == [1, 2, 2, 2]


def test_days_saved_toward_the_next_freeze_stay_when_one_is_spent():
    days = days_from(D(2025, 3, 1), 20)
    # Ten counted days: a freeze and 3 days toward the next; the 11th is frozen.
    counted = [*days[:10], *days[11:15]]
    assert progress_of(counted[:10]).saved_days == 10
    assert progress_of(counted[:11]).saved_days == 4
    assert progress_of(counted[:13]).freezes == 0
    assert progress_of(counted).freezes == 1  # 7 saved after 14 counted days


def test_while_two_freezes_are_in_hand_counted_days_save_nothing_more():
    days = days_from(D(2025, 3, 1), 30)
    counted = [*days[:17], *days[18:25]]  # 17 counted, the 18th frozen, 7 more
    assert progress_of(counted[:17]).saved_days == 14
    assert progress_of(counted[:18]).saved_days == 8
    assert progress_of(counted[:23]).freezes == 1
    assert progress_of(counted).freezes == 2


@pytest.mark.parametrize(
    ("saved_days", "freezes", "days_to_next"),
    [(0, 0, 7), (6, 0, 1), (7, 1, 7), (13, 1, 1), (14, 2, None)],
)
def test_a_streak_tells_its_freezes_and_the_days_to_the_next(saved_days, freezes, days_to_next):
    streak = Streak(length=20, saved_days=saved_days)
    assert (streak.freezes, streak.days_to_next_freeze) == (freezes, days_to_next)


def test_appending_a_counted_day_that_is_not_the_latest_is_refused():
    progress = progress_of([D(2025, 3, 2)])
    for day in (D(2025, 3, 1), D(2025, 3, 2)):
        with pytest.raises(ValueError, match="is not after the last counted day"):
            append_counted_day(progress, day, rest_days=set())


def test_a_streak_is_alive_today_before_today_is_written():
    days = days_from(D(2025, 3, 1), 3)
    progress = progress_of(days[:2])
    assert streak_on(progress, today=days[2], rest_days=set()) == Streak(length=2, saved_days=2)
    assert streak_on(progress, today=days[2] + ONE_DAY, rest_days=set()) == Streak()


def test_rest_days_since_the_last_counted_day_keep_the_streak_alive():
    days = days_from(D(2025, 3, 1), 5)
    streak = streak_on(progress_of(days[:2]), today=days[4], rest_days={days[2], days[3]})
    assert streak == Streak(length=2, saved_days=2)


def test_a_freeze_holds_yesterday_until_today_decides():
    days = days_from(D(2025, 3, 1), 10)
    progress = progress_of(days[:7])
    yesterday, today = days[7], days[8]
    assert streak_on(progress, today=today, rest_days=set()) == Streak(
        length=7, saved_days=0, held_day=yesterday
    )
    # Today counts: the freeze is spent for good.
    assert streak_on(
        append_counted_day(progress, today, rest_days=set()), today=today, rest_days=set()
    ) == Streak(length=8, saved_days=1)
    # Today is missed too: the streak breaks and the freeze goes with it.
    assert streak_on(progress, today=days[9], rest_days=set()) == Streak()


def test_a_dated_challenges_streak_stays_as_it_was_on_its_last_day():
    days = days_from(D(2025, 3, 1), 7)
    progress = progress_of(days)
    later = days[-1] + 30 * ONE_DAY
    assert streak_on(progress, today=later, rest_days=set(), last_day=days[-1]) == Streak(
        length=7, saved_days=7
    )


def test_a_freeze_cannot_hold_a_missed_last_day_once_the_challenge_is_over():
    days = days_from(D(2025, 3, 1), 8)
    progress = progress_of(days[:7])
    on_last_day = streak_on(progress, today=days[7], rest_days=set(), last_day=days[7])
    assert on_last_day == Streak(length=7, saved_days=7)
    after = streak_on(progress, today=days[7] + ONE_DAY, rest_days=set(), last_day=days[7])
    assert after == Streak()


def test_no_counted_day_means_no_streak():
    assert streak_on(Progress(), today=D(2025, 3, 1), rest_days=set()) == Streak()


# Rule 5: each day's mark


def test_the_timeline_marks_every_kind_of_day():
    start = D(2025, 3, 3)
    days = days_from(start, 15)
    # Counted 3..9 (a freeze), 10 missed (frozen), 11 counted, 12 rest, 13 and 14 missed,
    # 15 counted on a rest day, 16 today not yet, then the challenge's last day.
    counted = [*days[:7], days[8], days[12]]
    rest = {days[9], days[12], days[14]}
    marks = timeline(
        counted,
        rest_days=rest,
        start=start,
        today=days[13],
        first=start - ONE_DAY,
        last=days[13] + 3 * ONE_DAY,
        last_day=days[13] + ONE_DAY,
    )
    assert [mark for _, mark in marks] == [
        Mark.BEFORE_START,
        *[Mark.COUNTED] * 7,
        Mark.FROZEN,
        Mark.COUNTED,
        Mark.REST,
        Mark.MISSED,
        Mark.MISSED,
        Mark.COUNTED,
        Mark.NOT_YET,
        Mark.REST,
        Mark.AFTER_END,
        Mark.AFTER_END,
    ]
    assert marks[0][0] == start - ONE_DAY
    assert marks[-1][0] == days[13] + 3 * ONE_DAY


def test_the_timeline_shows_a_held_freeze_as_frozen_and_a_broken_one_as_missed():
    days = days_from(D(2025, 3, 1), 10)
    held = timeline(
        days[:7], rest_days=set(), start=days[0], today=days[8], first=days[7], last=days[8]
    )
    assert held == [(days[7], Mark.FROZEN), (days[8], Mark.NOT_YET)]
    broken = timeline(
        days[:7], rest_days=set(), start=days[0], today=days[9], first=days[7], last=days[8]
    )
    assert broken == [(days[7], Mark.MISSED), (days[8], Mark.MISSED)]


# Rule 6: Day N


def test_a_dated_challenges_day_n_counts_from_its_start():
    start = D(2025, 3, 1)
    assert dated_day_number(start, start) == 1
    assert dated_day_number(start, D(2025, 3, 12)) == 12
    assert dated_day_number(start, D(2025, 2, 28)) is None


def test_a_rolling_challenges_day_n_counts_calendar_days_from_the_first_counted_day():
    days = days_from(D(2025, 3, 1), 12)
    progress = progress_of([days[0], days[5], days[11]])
    assert rolling_day_number(progress.first_counted, days[11]) == 12
    assert rolling_day_number(progress.first_counted, days[0] - ONE_DAY) is None
    assert rolling_day_number(None, days[0]) is None


@pytest.mark.parametrize(
    ("number", "length", "text", "over"),
    [
        (12, 100, "Day 12 of 100", False),
        (100, 100, "Day 100 of 100", False),
        (101, 100, "Ended after 100 days", True),
        (12, None, "Day 12", False),
    ],
)
def test_a_challenge_day_reads_as_day_n_of_its_length(number, length, text, over):
    day = ChallengeDay(number, length)
    assert (str(day), day.is_over) == (text, over)


# Rule 7: the finish


MARCH_1 = D(2025, 3, 1)


def finish(
    counted, rest=frozenset(), *, first_day=MARCH_1, length=10, today=MARCH_1 + 31 * ONE_DAY
):
    return finish_date(
        progress_of(counted, rest), first_day=first_day, length=length, rest_days=rest, today=today
    )


def test_counting_every_day_finishes_on_the_last_day_as_soon_as_it_counts():
    days = days_from(D(2025, 3, 1), 10)
    assert finish(days, today=days[-1]) == days[-1]
    assert finish(days[:9], today=days[-1]) is None  # the last day is not over yet


def test_rest_and_frozen_days_cover_days_of_a_challenge():
    days = days_from(D(2025, 3, 1), 10)
    # The first day is rest; the ninth is frozen by the freeze the eighth earned.
    counted = [*days[1:8], days[9]]
    assert finish(counted, {days[0]}, today=days[9]) == days[9]
    assert finish(counted, today=days[9]) is None  # without the rest day, the first is missed


def test_a_rest_last_day_finishes_once_it_is_over():
    days = days_from(D(2025, 3, 1), 10)
    rest = {days[9]}
    assert finish(days[:9], rest, today=days[9]) is None
    assert finish(days[:9], rest, today=days[9] + ONE_DAY) == days[9]


def test_a_missed_day_or_a_missed_last_day_means_no_finish():
    days = days_from(D(2025, 3, 1), 10)
    assert finish(days[1:]) is None  # the first day missed
    assert finish(days[:4] + days[6:]) is None  # two days missed
    assert finish(days[:9]) is None  # the last day missed, a freeze in hand


def test_a_rolling_challenge_finishes_from_the_first_counted_day():
    days = days_from(D(2025, 3, 5), 10)
    assert finish(days, first_day=days[0], today=days[-1]) == days[-1]


# Rule 8: milestones


def figures(longest_streak=0, total_minutes=0):
    return Stats(longest_streak=longest_streak, total_minutes=total_minutes)


def test_milestones_are_the_thresholds_crossed_by_a_write():
    assert new_milestones(figures(6, 590), figures(7, 600)) == [
        Milestone("hours", 10),
        Milestone("streak", 7),
    ]
    assert new_milestones(figures(7, 600), figures(8, 660)) == []
    assert new_milestones(figures(29, 0), figures(365, 60_000)) == [
        Milestone("hours", 10),
        Milestone("hours", 100),
        Milestone("hours", 1000),
        Milestone("streak", 30),
        Milestone("streak", 100),
        Milestone("streak", 365),
    ]


def test_a_milestone_reads_as_days_of_streak_or_hours():
    assert [str(Milestone("streak", 30)), str(Milestone("hours", 1000))] == [
        "30-day streak",
        "1,000 hours",
    ]


# Properties, checked against a day-by-day walk written apart from journal.streaks


@dataclass(frozen=True)
class History:
    start: dt.date
    counted: frozenset
    rest: frozenset
    today: dt.date
    last_day: dt.date | None

    @property
    def counted_in_challenge(self):
        return {
            day
            for day in self.counted
            if day >= self.start and (self.last_day is None or day <= self.last_day)
        }

    def progress(self, rest=None):
        return progress_of(self.counted_in_challenge, self.rest if rest is None else rest)

    def streak(self, rest=None):
        rest = self.rest if rest is None else rest
        return streak_on(
            self.progress(rest), today=self.today, rest_days=rest, last_day=self.last_day
        )


@st.composite
def histories(draw, dated=None):
    """Runs of counted days, each followed by a short gap of missed, rest or counted rest
    days, from a start; today is near their end."""
    start = draw(st.dates(D(2024, 1, 1), D(2026, 12, 31)))
    gap = st.lists(st.sampled_from(["missed", "rest", "counted rest"]), max_size=3)
    counted, rest, day = set(), set(), start
    for run, kinds in draw(st.lists(st.tuples(st.integers(0, 15), gap), max_size=8)):
        for kind in ["counted"] * run + kinds:
            if kind.startswith("counted"):
                counted.add(day)
            if kind.endswith("rest"):
                rest.add(day)
            day += ONE_DAY
    # Today is the last day of the runs or a little after; rest may be declared beyond.
    today = day + draw(st.integers(-1, 3)) * ONE_DAY
    rest |= draw(st.sets(st.dates(today, today + 4 * ONE_DAY), max_size=2))
    if dated is None:
        dated = draw(st.booleans())
    last_day = start + draw(st.integers(0, (day - start).days + 3)) * ONE_DAY if dated else None
    return History(start, frozenset(counted), frozenset(rest), today, last_day)


def reference(history):
    """Each day's mark (start to the challenge's end, or today), the figures at the last
    counted day and the streak, walking the days one by one as the module's docstring says."""
    start, rest, today, last_day = history.start, history.rest, history.today, history.last_day
    counted = history.counted_in_challenge
    end = last_day if last_day is not None else max([today, *counted])

    def previous_counts(day):
        day -= ONE_DAY
        while day >= start and day in rest and day not in counted:
            day -= ONE_DAY
        return day in counted

    def next_counts_or_may(day):
        day += ONE_DAY
        while True:
            if last_day is not None and day > last_day:
                return today <= last_day
            if day in counted:
                return True
            if day not in rest:
                return day >= today
            day += ONE_DAY

    marks, figures = {}, Progress()
    # Days saved toward freezes: 7 make one, 14 at most.
    run = run_start = saved = 0
    day = start
    while day <= end:
        if day in counted:
            run, run_start = run + 1, run_start if run else day
            saved = min(14, saved + 1)
            figures = Progress(
                days_counted=figures.days_counted + 1,
                longest_streak=max(figures.longest_streak, run),
                run_length=run,
                run_start=run_start,
                run_end=day,
                saved_days=saved,
                first_counted=figures.first_counted or day,
            )
            marks[day] = Mark.COUNTED
        elif day in rest:
            marks[day] = Mark.REST
        elif day >= today:
            marks[day] = Mark.NOT_YET
        elif saved >= 7 and previous_counts(day) and next_counts_or_may(day):
            marks[day] = Mark.FROZEN
            saved -= 7
        else:
            marks[day] = Mark.MISSED
            run = saved = 0
        day += ONE_DAY
    length = streak_from_marks(marks)
    held = [d for d, mark in marks.items() if mark is Mark.FROZEN and d > (figures.run_end or d)]
    streak = Streak(length, saved, held[0] if held else None) if length else Streak()
    return marks, figures, streak


def streak_from_marks(marks):
    """The current streak read off the marks: counted days back from the latest, through
    rest, frozen and not-yet days, to the first missed day."""
    length = 0
    for day in sorted(marks, reverse=True):
        if marks[day] in (Mark.MISSED, Mark.BEFORE_START):
            break
        length += marks[day] is Mark.COUNTED
    return length


def marks_of(history, first, last):
    return dict(
        timeline(
            history.counted,
            rest_days=history.rest,
            start=history.start,
            today=history.today,
            first=first,
            last=last,
            last_day=history.last_day,
        )
    )


@given(histories(dated=False), st.integers(0, 12))
def test_the_personal_streak_is_an_open_ended_challenges_streak_on_any_day(history, later):
    # An entry short of the goal the day before counts for nothing.
    minutes = dict.fromkeys(history.counted, 60) | {history.start - ONE_DAY: 59}
    stats = compute_stats(minutes.items(), 60, rest_days=history.rest)
    assert stats.progress() == dataclasses.replace(
        history.progress(), days_counted=0, first_counted=None
    )
    today = history.today + later * ONE_DAY
    streak = streak_on(stats.progress(), today=today, rest_days=history.rest)
    stored = current_streak(stats.latest_run_length, stats.streak_alive_until, today)
    assert stored == streak.length
    if not later:
        assert stored == reference(history)[2].length


@given(histories(dated=False))
def test_appending_days_with_rest_days_gives_what_counting_them_all_gives(history):
    days = sorted((dict.fromkeys(history.counted, 60) | {history.start - ONE_DAY: 59}).items())
    stats = Stats()
    for day, minutes in days:
        stats = append_day(stats, day, minutes, 60, rest_days=history.rest)
    assert stats == compute_stats(days, 60, rest_days=history.rest)


@given(histories())
def test_figures_marks_and_streak_follow_the_rules_day_by_day(history):
    marks, figures, streak = reference(history)
    assert history.progress() == figures
    assert history.streak() == streak
    first, last = history.start - 2 * ONE_DAY, max([*marks, history.today]) + 2 * ONE_DAY
    timeline_marks = marks_of(history, first, last)
    assert {day: timeline_marks[day] for day in marks} == marks
    assert all(timeline_marks[day] is Mark.BEFORE_START for day in (first, first + ONE_DAY))


@given(histories())
def test_the_streak_read_off_the_timeline_is_the_current_streak(history):
    end = history.last_day or history.today
    marks = marks_of(history, history.start - ONE_DAY, end)
    assert streak_from_marks(marks) == history.streak().length


@given(histories())
def test_freezes_in_hand_are_never_more_than_two(history):
    progress = Progress()
    for day in sorted(history.counted_in_challenge):
        progress = append_counted_day(progress, day, rest_days=history.rest)
        assert 0 <= progress.freezes <= MAX_FREEZES
    assert 0 <= history.streak().freezes <= MAX_FREEZES


@given(history=histories(), data=st.data())
def test_declaring_one_more_rest_day_never_lowers_a_streak(history, data):
    # A rest day matters most on a missed day: it may bridge a gap and spend a freeze.
    missed = [
        day for day, mark in reference(history)[0].items() if mark in (Mark.MISSED, Mark.FROZEN)
    ]
    anywhere = st.dates(history.start, history.today + 3 * ONE_DAY)
    extra = data.draw(st.sampled_from(missed) | anywhere if missed else anywhere)
    more_rest = history.rest | {extra}
    assert history.streak(more_rest).length >= history.streak().length
    assert history.progress(more_rest).longest_streak >= history.progress().longest_streak


@given(histories())
def test_appending_counted_days_one_by_one_gives_the_count_from_scratch(history):
    # Each write is given only the rest days between the last counted day and its own.
    progress = Progress()
    for day in sorted(history.counted_in_challenge):
        between = {
            d for d in history.rest if progress.run_end is None or progress.run_end < d < day
        }
        progress = append_counted_day(progress, day, rest_days=between)
    assert progress == history.progress() == reference(history)[1]


@given(history=histories(), data=st.data())
def test_day_n_moves_one_a_day_from_day_one(history, data):
    day = data.draw(st.dates(history.start - 5 * ONE_DAY, history.today + 5 * ONE_DAY))
    number = dated_day_number(history.start, day)
    assert (number is None) == (day < history.start)
    if number is not None:
        assert dated_day_number(history.start, day + ONE_DAY) == number + 1
        assert history.start + (number - 1) * ONE_DAY == day
    progress = history.progress()
    assert rolling_day_number(progress.first_counted, day) == (
        dated_day_number(progress.first_counted, day) if progress.first_counted else None
    )
    if progress.run_end is not None:
        # Day N of the latest counted day is at least the number of days counted.
        assert rolling_day_number(progress.first_counted, progress.run_end) >= (
            progress.days_counted
        )


@given(histories(dated=True))
def test_finished_exactly_when_every_day_is_counted_rest_or_frozen(history):
    length = (history.last_day - history.start).days + 1
    marks = reference(history)[0]
    covered = all(mark in (Mark.COUNTED, Mark.REST, Mark.FROZEN) for mark in marks.values())
    last_done = marks[history.last_day] is Mark.COUNTED or history.today > history.last_day
    expected = history.last_day if covered and last_done else None
    assert (
        finish_date(
            history.progress(),
            first_day=history.start,
            length=length,
            rest_days=history.rest,
            today=history.today,
        )
        == expected
    )


@given(
    writes=st.lists(st.tuples(st.integers(1, 3), st.integers(0, 600)), min_size=1, max_size=120),
    goal=st.sampled_from([30, 60]),
)
def test_a_milestone_is_announced_once_across_writes(writes, goal):
    stats, announced, day = Stats(), [], D(2025, 1, 1)
    for step, minutes in writes:
        day += step * ONE_DAY
        after = append_day(stats, day, minutes, goal)
        announced += new_milestones(stats, after)
        stats = after
    assert len(announced) == len(set(announced))
    assert set(announced) == milestones_reached(stats)


YEAR = (D(2025, 1, 1), D(2026, 12, 31))


@st.composite
def declarations(draw, since=YEAR[0]):
    """A weekly rest (until a day, or not) or a holiday of up to three weeks, from ``since``."""
    first = draw(st.dates(since, since + 365 * ONE_DAY))
    if draw(st.booleans()):
        until = draw(st.none() | st.integers(0, 200))
        return RestDeclaration.weekly(
            draw(st.integers(0, 6)),
            since=first,
            until=None if until is None else first + until * ONE_DAY,
        )
    return RestDeclaration.holiday(first, first + draw(st.integers(0, 20)) * ONE_DAY)


rest_plans = st.lists(declarations(), max_size=4)


@given(rest_plans)
def test_rest_days_are_declared_days_at_most_four_a_month_the_earliest_first(plan):
    rest = rest_days(plan, *YEAR)
    declared = sorted({day for declaration in plan for day in declaration.days(*YEAR)})
    in_month = Counter((day.year, day.month) for day in rest)
    assert max(in_month.values(), default=0) <= MAX_REST_DAYS_PER_MONTH
    for day in declared:
        earlier = [d for d in declared if d < day and (d.year, d.month) == (day.year, day.month)]
        assert (day in rest) == (len(earlier) < MAX_REST_DAYS_PER_MONTH)
    assert rest <= set(declared)


@given(plan=rest_plans, first=st.dates(*YEAR), days=st.integers(0, 90))
def test_rest_days_of_a_period_are_those_of_a_longer_one_within_it(plan, first, days):
    last = first + days * ONE_DAY
    longer = rest_days(plan, first - 100 * ONE_DAY, last + 100 * ONE_DAY)
    assert rest_days(plan, first, last) == {day for day in longer if first <= day <= last}


@given(plan=rest_plans, today=st.dates(D(2025, 1, 1), D(2025, 12, 31)), data=st.data())
def test_a_declaration_made_ahead_never_changes_a_day_that_has_begun(plan, today, data):
    new = data.draw(declarations(since=today + ONE_DAY))
    assert new.is_ahead_of(today)
    past = (YEAR[0], today)
    assert rest_days([*plan, new], *past) == rest_days(plan, *past)


@given(plan=rest_plans, new=declarations())
def test_over_cap_lists_the_days_a_declaration_leaves_out_or_pushes_out(plan, new):
    last = new.last or new.first + dt.timedelta(days=365)
    last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - ONE_DAY  # month's end
    before = rest_days(plan, new.first, last)
    after = rest_days([*plan, new], new.first, last)
    left_out_already = {day for each in plan for day in each.days(new.first, last)} - before
    pushed_out = before - after
    left_out = set(new.days(new.first, last)) - after - left_out_already
    assert rest_days_over_cap(new, plan) == sorted(pushed_out | left_out)


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
