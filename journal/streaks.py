"""Streak arithmetic over an author's entries, free of the database.

A day *counts* when its entry's minutes reach the author's daily goal. The current
streak is the run of consecutive counted days ending today or yesterday: today is not
over, so not having written yet does not break a streak.
"""

import datetime as dt
from dataclasses import dataclass

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Stats:
    entry_count: int = 0
    total_minutes: int = 0
    longest_streak: int = 0
    # The most recent run of counted days: its length and its last day.
    latest_run_length: int = 0
    latest_run_end: dt.date | None = None
    last_entry_day: dt.date | None = None


def compute_stats(days, daily_goal):
    """Figures for an author from ``days``: (day, minutes) pairs, one per day, any order."""
    days = sorted(days)
    longest = run = 0
    run_end = previous_counted = None
    for day, minutes in days:
        if minutes < daily_goal:
            continue
        run = run + 1 if previous_counted == day - ONE_DAY else 1
        previous_counted = run_end = day
        longest = max(longest, run)
    return Stats(
        entry_count=len(days),
        total_minutes=sum(minutes for _, minutes in days),
        longest_streak=longest,
        latest_run_length=run,
        latest_run_end=run_end,
        last_entry_day=days[-1][0] if days else None,
    )


def append_day(stats, day, minutes, daily_goal):
    """``stats`` with one more entry on ``day``, later than every day they count.

    Equal to compute_stats over all the days, without reading them: a day after the last
    can only extend the latest run or start a new one.
    """
    if stats.last_entry_day is not None and day <= stats.last_entry_day:
        raise ValueError(f"{day} is not after the last entry day, {stats.last_entry_day}")
    run, run_end = stats.latest_run_length, stats.latest_run_end
    if minutes >= daily_goal:
        run = run + 1 if run_end == day - ONE_DAY else 1
        run_end = day
    return Stats(
        entry_count=stats.entry_count + 1,
        total_minutes=stats.total_minutes + minutes,
        longest_streak=max(stats.longest_streak, run),
        latest_run_length=run,
        latest_run_end=run_end,
        last_entry_day=day,
    )


def current_streak(latest_run_length, latest_run_end, today):
    """The latest run, if it is still alive on ``today`` (it ends today or yesterday)."""
    if latest_run_end is None or latest_run_end < today - ONE_DAY:
        return 0
    return latest_run_length
