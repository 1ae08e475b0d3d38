"""Streak arithmetic, free of the database: where each rule of the challenge lives.

Everything here takes plain dates and numbers and returns plain values, so a service can
keep stored figures up to date on a write and a page can show them without reading every
entry. Every date is a local day of the participant.

A person's own figures (``compute_stats``, ``append_day``, ``current_streak``): a day
counts when its entry's minutes reach the person's daily goal, and the streak follows the
rules of a challenge below (rest days and freezes keep it without extending it), worked out
by the same ``Progress`` arithmetic: the person's streak is their streak in an open-ended
challenge whose minimum is their daily goal. The longest streak is the best run ever.

The rules of a challenge, one each:

1. Counted day (``counts``). A day counts for a challenge when that day's entry minutes
   reach the challenge's daily minimum.
2. Rest days (``RestDeclaration``, ``rest_days``, ``rest_days_over_cap``). A person declares
   rest days ahead of time (tomorrow at the earliest): one weekday every week, or a date
   range for a holiday. At most 4 rest days count in a calendar month: the month's first
   four declared days, in date order; any further declared day that month is an ordinary
   day. A rest day neither breaks nor extends a streak. A rest day with a counted entry is
   a counted day like any other: it extends the streak.
3. Freezes. Each counted day of a streak saves one day toward a freeze, and every 7
   saved days are a freeze in hand: a freeze is earned for every 7 counted days in a row
   (rest and frozen days neither add to the count nor reset it). At most 2 freezes are
   kept: while 2 are in hand, counted days save nothing more. A freeze is spent
   automatically on a single missed day, one day neither counted nor rest between two
   counted days (rest days around it do not matter); that day is frozen, and neither
   breaks nor extends the streak. Spending a freeze takes 7 saved days, and the days saved
   toward the next one stay. Two missed days in a row break the streak whatever the
   freezes. Freezes and saved days belong to the streak that earned them: when it breaks,
   they go with it.
   While the missed day is the latest before today, a freeze in hand holds it: the streak
   stays alive, the freeze is spent for good when the next day counts, and if that day is
   missed too, the streak breaks and the freeze goes with it.
4. Current and longest streak (``Progress``, ``append_counted_day``, ``compute_progress``,
   ``streak_on``). A streak's length is its number of counted days. The current streak is
   alive while every day since its last counted day is a rest day, a frozen day (or one a
   freeze holds) or today, which is not over yet; otherwise it is 0. After a dated
   challenge's last day, its streak stays as it was on that day. The longest streak is the
   best ever.
5. Each day's mark (``timeline``, what the heatmap shows): counted, rest, frozen, missed,
   not-yet (today and later days that are neither counted nor rest), before-start and
   after-end (outside a dated challenge's days).
6. Day N (``dated_day_number``, ``rolling_day_number``, ``ChallengeDay``). A dated
   challenge's Day N for a date is the number of days since its start plus one, on the
   participant's own calendar; a rolling challenge's Day 1 is the participant's first
   counted day, and its Day N counts calendar days from there, missed days included.
   "Day 12 of 100", or "Day 12" for an open-ended challenge.
7. Finishing (``finish_date``). A challenge of L days (a dated one from its start, a rolling
   one from the participant's first counted day) is finished when each of its L days is
   counted, rest or frozen, and its last day is counted or over; it was finished on its
   last day. A missed last day cannot be frozen, as no counted day follows it inside the
   challenge.
8. Milestones (``new_milestones``). 7, 30, 100 and 365 days of longest streak; 10, 100 and
   1,000 hours in total. A write announces the milestones its figures reach and the figures
   before it did not.

Stored figures follow a write without reading every entry: ``append_day`` and
``append_counted_day`` take the stored figures and the new latest day, and give what a
count from scratch gives.
"""

import datetime as dt
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, Protocol, cast

ONE_DAY = dt.timedelta(days=1)
YEAR = dt.timedelta(days=366)
MAX_REST_DAYS_PER_MONTH = 4
DAYS_PER_FREEZE = 7
MAX_FREEZES = 2
MAX_SAVED_DAYS = DAYS_PER_FREEZE * MAX_FREEZES
STREAK_MILESTONES = (7, 30, 100, 365)
# The rules of rest days and freezes, one plain sentence each, as pages tell them.
RULES_IN_WORDS = {
    "rest": (
        "Rest days are declared ahead of time, a weekday every week or a holiday: at most "
        f"{MAX_REST_DAYS_PER_MONTH} count in a month, and each neither breaks nor extends a "
        "streak."
    ),
    "freeze": (
        f"Every {DAYS_PER_FREEZE} counted days in a row earn a freeze ({MAX_FREEZES} kept at "
        "most), used by itself on a single missed day, which then neither breaks nor extends "
        "the streak."
    ),
}
HOUR_MILESTONES = (10, 100, 1000)


def counts(minutes: int, minimum: int) -> bool:
    """Whether a day's entry of ``minutes`` counts against a daily ``minimum``."""
    return minutes >= minimum


def counted_days(entries: Iterable[tuple[dt.date, int]], minimum: int) -> frozenset[dt.date]:
    """The days of ``entries`` ((day, minutes) pairs) that count against ``minimum``."""
    return frozenset(day for day, minutes in entries if counts(minutes, minimum))


# A person's own figures


@dataclass(frozen=True)
class Stats:
    """A person's figures over all their entries, against their daily goal."""

    entry_count: int = 0
    total_minutes: int = 0
    longest_streak: int = 0
    # The most recent run of counted days: its length, its first and last day, and the days
    # it saved toward freezes (``Progress``'s run).
    latest_run_length: int = 0
    latest_run_end: dt.date | None = None
    last_entry_day: dt.date | None = None
    latest_run_start: dt.date | None = None
    saved_days: int = 0
    # The last day the latest run is alive on (``alive_until``), with the rest days known
    # when it was worked out: stored so that a page tells the current streak without them.
    streak_alive_until: dt.date | None = None

    def progress(self) -> "Progress":
        """The personal streak as ``Progress``, the arithmetic every streak shares."""
        return Progress(
            longest_streak=self.longest_streak,
            run_length=self.latest_run_length,
            run_start=self.latest_run_start,
            run_end=self.latest_run_end,
            saved_days=self.saved_days,
        )


def _stats(
    progress: "Progress",
    rest_days: Container[dt.date],
    *,
    entry_count: int,
    total_minutes: int,
    last_entry_day: dt.date | None,
) -> Stats:
    return Stats(
        entry_count=entry_count,
        total_minutes=total_minutes,
        longest_streak=progress.longest_streak,
        latest_run_length=progress.run_length,
        latest_run_end=progress.run_end,
        last_entry_day=last_entry_day,
        latest_run_start=progress.run_start,
        saved_days=progress.saved_days,
        streak_alive_until=alive_until(progress, rest_days=rest_days),
    )


def compute_stats(
    days: Iterable[tuple[dt.date, int]],
    daily_goal: int,
    *,
    rest_days: Container[dt.date] = frozenset(),
) -> Stats:
    """Figures for an author from ``days``: (day, minutes) pairs, one per day, any order;
    ``rest_days`` holds the author's rest days (a ``RestCalendar``)."""
    days = sorted(days)
    progress = compute_progress(counted_days(days, daily_goal), rest_days=rest_days)
    return _stats(
        progress,
        rest_days,
        entry_count=len(days),
        total_minutes=sum(minutes for _, minutes in days),
        last_entry_day=days[-1][0] if days else None,
    )


def append_day(
    stats: Stats,
    day: dt.date,
    minutes: int,
    daily_goal: int,
    *,
    rest_days: Container[dt.date] = frozenset(),
) -> Stats:
    """``stats`` with one more entry on ``day``, later than every day they count.

    Equal to compute_stats over all the days, without reading them: a day after the last
    can only extend the latest run or start a new one.
    """
    if stats.last_entry_day is not None and day <= stats.last_entry_day:
        raise ValueError(f"{day} is not after the last entry day, {stats.last_entry_day}")
    progress = stats.progress()
    if counts(minutes, daily_goal):
        progress = append_counted_day(progress, day, rest_days=rest_days)
    return _stats(
        progress,
        rest_days,
        entry_count=stats.entry_count + 1,
        total_minutes=stats.total_minutes + minutes,
        last_entry_day=day,
    )


def current_streak(
    latest_run_length: int, streak_alive_until: dt.date | None, today: dt.date
) -> int:
    """The latest run, if it is still alive on ``today`` (``alive_until``)."""
    if streak_alive_until is None or today > streak_alive_until:
        return 0
    return latest_run_length


# Rest days


@dataclass(frozen=True)
class RestDeclaration:
    """Rest days a person declared: every ``weekday`` from ``first`` on (until ``last`` when
    set), or, with no weekday, every day from ``first`` to ``last`` (a holiday).

    ``weekday`` follows ``date.weekday()``: 0 is Monday, 6 is Sunday.
    """

    first: dt.date
    last: dt.date | None = None
    weekday: int | None = None

    def __post_init__(self) -> None:
        if self.weekday is None and self.last is None:
            raise ValueError("A holiday needs a last day.")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise ValueError(f"{self.weekday} is not a weekday (0 is Monday, 6 is Sunday).")
        if self.last is not None and self.last < self.first:
            raise ValueError(f"A rest period cannot end ({self.last}) before it starts.")

    @classmethod
    def weekly(
        cls, weekday: int, *, since: dt.date, until: dt.date | None = None
    ) -> "RestDeclaration":
        """Every ``weekday`` from ``since`` on, until ``until`` when given."""
        return cls(first=since, last=until, weekday=weekday)

    @classmethod
    def holiday(cls, first: dt.date, last: dt.date) -> "RestDeclaration":
        """Every day from ``first`` to ``last``, both included."""
        return cls(first=first, last=last)

    def is_ahead_of(self, today: dt.date) -> bool:
        """Whether it is declared ahead of time: it starts after ``today``."""
        return self.first > today

    def days(self, first: dt.date, last: dt.date) -> Iterator[dt.date]:
        """The declared days from ``first`` to ``last``, in date order, before the monthly cap."""
        day = max(first, self.first)
        end = last if self.last is None else min(last, self.last)
        step = ONE_DAY
        if self.weekday is not None:
            day += dt.timedelta(days=(self.weekday - day.weekday()) % 7)
            step = dt.timedelta(weeks=1)
        while day <= end:
            yield day
            day += step


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - ONE_DAY


def _declared_and_rest(
    declarations: Iterable["RestDeclaration"], first: dt.date, last: dt.date
) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The declared days from ``first`` to ``last``, and those of them that are rest days."""
    # The cap takes the first four days of each whole month, whatever part of it is asked for.
    month_start = first.replace(day=1)
    in_order = sorted(
        {day for each in declarations for day in each.days(month_start, _month_end(last))}
    )
    in_month: Counter[tuple[int, int]] = Counter()
    rest: set[dt.date] = set()
    for day in in_order:
        in_month[day.year, day.month] += 1
        if in_month[day.year, day.month] <= MAX_REST_DAYS_PER_MONTH:
            rest.add(day)
    declared = frozenset(day for day in in_order if first <= day <= last)
    return declared, frozenset(rest & declared)


def rest_days(
    declarations: Iterable[RestDeclaration], first: dt.date, last: dt.date
) -> frozenset[dt.date]:
    """The rest days from ``first`` to ``last``: declared days, at most 4 a calendar month."""
    return _declared_and_rest(list(declarations), first, last)[1]


def rest_days_over_cap(
    new: RestDeclaration,
    existing: Sequence[RestDeclaration],
    *,
    horizon: dt.date | None = None,
) -> list[dt.date]:
    """The days that would not be rest days because of the cap once ``new`` joins
    ``existing`` and were not left out before: ``new``'s own days past a month's fourth,
    and earlier declared days it pushes out. Empty when ``new`` fits.

    Only days from ``new.first`` to the end of the month of its last day can change. A
    declaration with no last day is checked until ``horizon`` (a year after it starts
    unless given).
    """
    last = _month_end(new.last or horizon or new.first + dt.timedelta(days=365))
    declared, rest = _declared_and_rest(existing, new.first, last)
    declared_with_new, rest_with_new = _declared_and_rest([*existing, new], new.first, last)
    return sorted((declared_with_new - rest_with_new) - (declared - rest))


class RestCalendar:
    """A person's rest days, for ``day in calendar``: their declarations with the monthly
    cap, worked out a month at a time as days are asked for, so no caller picks a range."""

    def __init__(self, declarations: Iterable[RestDeclaration]) -> None:
        self.declarations = tuple(declarations)
        self._months: dict[tuple[int, int], frozenset[dt.date]] = {}

    def __contains__(self, day: object) -> bool:
        if not self.declarations or not isinstance(day, dt.date):
            return False
        month = (day.year, day.month)
        if month not in self._months:
            first = day.replace(day=1)
            self._months[month] = rest_days(self.declarations, first, _month_end(first))
        return day in self._months[month]


# A participant's streak in a challenge


@dataclass(frozen=True)
class Progress:
    """A participant's stored figures in one challenge, as of their latest counted day."""

    days_counted: int = 0
    longest_streak: int = 0
    # The latest run: its counted days, its first and last counted day (the latest of all),
    # and the days it saved toward freezes, as of its end.
    run_length: int = 0
    run_start: dt.date | None = None
    run_end: dt.date | None = None
    saved_days: int = 0
    # Day 1 of a rolling challenge.
    first_counted: dt.date | None = None

    @property
    def freezes(self) -> int:
        """The freezes in hand after the latest counted day."""
        return self.saved_days // DAYS_PER_FREEZE


def _open_days(
    after: dt.date, before: dt.date, rest_days: Container[dt.date], limit: int = 2
) -> list[dt.date]:
    """Up to ``limit`` days strictly between ``after`` and ``before`` that are not rest days."""
    found: list[dt.date] = []
    day = after + ONE_DAY
    while day < before and len(found) < limit:
        if day not in rest_days:
            found.append(day)
        day += ONE_DAY
    return found


def _add_counted_day(
    progress: "Progress", day: dt.date, rest_days: Container[dt.date]
) -> tuple["Progress", dt.date | None]:
    """``progress`` after one more counted ``day``, and the day a freeze was spent on, if any."""
    continues, frozen = False, None
    if progress.run_end is not None:
        if day <= progress.run_end:
            raise ValueError(f"{day} is not after the last counted day, {progress.run_end}")
        missed = _open_days(progress.run_end, day, rest_days)
        continues = not missed or (len(missed) == 1 and progress.freezes > 0)
        frozen = missed[0] if missed and continues else None
    # Saved days, rather than a freeze at every 7th counted day, and nothing carried over
    # from a broken streak: so a rest day declared in a gap never lowers a streak. With
    # either, a rest day that lets a freeze bridge an earlier gap could leave no freeze for
    # a later one.
    if continues:
        run_length, run_start = progress.run_length + 1, progress.run_start
        saved = progress.saved_days - (DAYS_PER_FREEZE if frozen else 0)
    else:
        run_length, run_start, saved = 1, day, 0
    progress = Progress(
        days_counted=progress.days_counted + 1,
        longest_streak=max(progress.longest_streak, run_length),
        run_length=run_length,
        run_start=run_start,
        run_end=day,
        saved_days=min(MAX_SAVED_DAYS, saved + 1),
        first_counted=progress.first_counted or day,
    )
    return progress, frozen


def append_counted_day(
    progress: Progress, day: dt.date, *, rest_days: Container[dt.date]
) -> Progress:
    """``progress`` with one more counted ``day``, later than every day it counts.

    Equal to compute_progress over all the counted days, without reading them.
    ``rest_days`` must hold the rest days between ``progress.run_end`` and ``day``.
    """
    return _add_counted_day(progress, day, rest_days)[0]


def _walk(
    counted: Iterable[dt.date], rest_days: Container[dt.date]
) -> tuple["Progress", list[dt.date]]:
    progress, frozen_days = Progress(), list[dt.date]()
    for day in sorted(set(counted)):
        progress, frozen = _add_counted_day(progress, day, rest_days)
        if frozen:
            frozen_days.append(frozen)
    return progress, frozen_days


def compute_progress(counted: Iterable[dt.date], *, rest_days: Container[dt.date]) -> Progress:
    """A participant's figures from scratch: ``counted`` are the days that count for the
    challenge (within its days), ``rest_days`` the rest days from the first of them on."""
    return _walk(counted, rest_days)[0]


@dataclass(frozen=True)
class Streak:
    """A participant's streak on a given day."""

    length: int = 0
    # Days saved toward freezes, a held freeze taken off.
    saved_days: int = 0
    # The latest missed day, while a freeze in hand holds it until the next day counts.
    held_day: dt.date | None = None

    @property
    def freezes(self) -> int:
        """The freezes in hand."""
        return self.saved_days // DAYS_PER_FREEZE

    @property
    def days_to_next_freeze(self) -> int | None:
        """The counted days still needed for one more freeze (None with 2 in hand)."""
        if self.freezes == MAX_FREEZES:
            return None
        return DAYS_PER_FREEZE - self.saved_days % DAYS_PER_FREEZE


def streak_on(
    progress: Progress,
    *,
    today: dt.date,
    rest_days: Container[dt.date],
    last_day: dt.date | None = None,
) -> Streak:
    """The current streak and the freezes in hand on ``today``.

    ``last_day`` is a dated challenge's last day (none for an open-ended one): after it,
    nothing can follow. ``rest_days`` must hold the rest days between
    ``progress.run_end`` and ``today``.
    """
    if progress.run_end is None:
        return Streak()
    over = today if last_day is None else min(today, last_day + ONE_DAY)
    missed = _open_days(progress.run_end, over, rest_days)
    if not missed:
        return Streak(length=progress.run_length, saved_days=progress.saved_days)
    still_running = last_day is None or today <= last_day
    if len(missed) == 1 and progress.freezes and still_running:
        saved = progress.saved_days - DAYS_PER_FREEZE
        return Streak(length=progress.run_length, saved_days=saved, held_day=missed[0])
    return Streak()


def alive_until(progress: Progress, *, rest_days: Container[dt.date]) -> dt.date | None:
    """The last day on which an open-ended streak_on still gives ``progress``'s run (None
    with no run): the first day after its end that is not a rest day, or with a freeze in
    hand the second, which the freeze holds the first one until.

    Stored with the figures, it tells the current streak on any day without the rest days;
    a new rest declaration works it out again.
    """
    if progress.run_end is None:
        return None
    # Under the cap, at most 8 rest days follow one another (a month's last four and the
    # next one's first four), so the search stops within days; the bound is for any set.
    ahead = _open_days(progress.run_end, progress.run_end + YEAR, rest_days, limit=MAX_FREEZES)
    return ahead[min(progress.freezes, len(ahead) - 1)] if ahead else progress.run_end + YEAR


class Mark(StrEnum):
    """What a day is in a participant's challenge (the heatmap's marks)."""

    COUNTED = "counted"
    REST = "rest"
    FROZEN = "frozen"
    MISSED = "missed"
    NOT_YET = "not-yet"
    BEFORE_START = "before-start"
    AFTER_END = "after-end"


def timeline(
    counted: Iterable[dt.date],
    *,
    rest_days: Container[dt.date],
    start: dt.date,
    today: dt.date,
    first: dt.date,
    last: dt.date,
    last_day: dt.date | None = None,
) -> list[tuple[dt.date, Mark]]:
    """Each day from ``first`` to ``last`` with its mark.

    ``start`` is the participation's first day (a dated challenge's start, or a rolling
    one's first counted day) and ``last_day`` a dated challenge's last day. ``counted``
    must hold every counted day from ``start`` on, and ``rest_days`` the rest days from
    ``start`` to ``last``: freezes earned before ``first`` decide what happens in it.
    """
    counted = {day for day in counted if start <= day and (last_day is None or day <= last_day)}
    progress, frozen_days = _walk(counted, rest_days)
    held = streak_on(progress, today=today, rest_days=rest_days, last_day=last_day).held_day
    frozen = {*frozen_days, held} if held else set(frozen_days)

    def mark(day: dt.date) -> Mark:
        if day < start:
            return Mark.BEFORE_START
        if last_day is not None and day > last_day:
            return Mark.AFTER_END
        if day in counted:
            return Mark.COUNTED
        if day in rest_days:
            return Mark.REST
        if day >= today:
            return Mark.NOT_YET
        return Mark.FROZEN if day in frozen else Mark.MISSED

    days = (first + n * ONE_DAY for n in range((last - first).days + 1))
    return [(day, mark(day)) for day in days]


# Day N and the finish


def dated_day_number(start: dt.date, day: dt.date) -> int | None:
    """A dated challenge's Day N for the participant's local ``day`` (None before its start)."""
    return (day - start).days + 1 if day >= start else None


def rolling_day_number(first_counted: dt.date | None, day: dt.date) -> int | None:
    """A rolling challenge's Day N for ``day``, counted from the participant's first
    counted day (None before it, or while there is none)."""
    return None if first_counted is None else dated_day_number(first_counted, day)


@dataclass(frozen=True)
class ChallengeDay:
    """Day ``number`` of a challenge of ``length`` days (None: open-ended)."""

    number: int
    length: int | None = None

    @property
    def is_over(self) -> bool:
        """Whether the challenge's days are all behind."""
        return self.length is not None and self.number > self.length

    def __str__(self) -> str:
        if self.length is None:
            return f"Day {self.number}"
        if self.is_over:
            return f"Ended after {self.length} days"
        return f"Day {self.number} of {self.length}"


def finish_date(
    progress: Progress,
    *,
    first_day: dt.date,
    length: int,
    rest_days: Container[dt.date],
    today: dt.date,
) -> dt.date | None:
    """The day a challenge of ``length`` days from ``first_day`` was finished, or None.

    ``first_day`` is a dated challenge's start or a rolling one's first counted day;
    ``progress`` counts the days within the challenge, and ``rest_days`` must hold the
    rest days of the challenge's days.
    """
    last = first_day + (length - 1) * ONE_DAY
    if progress.first_counted is None:
        covered = not _open_days(first_day - ONE_DAY, last + ONE_DAY, rest_days, limit=1)
        return last if covered and last < today else None
    # A first counted day means a last one: run_end is a date here.
    run_end = cast(dt.date, progress.run_end)
    covered = (
        progress.run_start == progress.first_counted  # never broken since the first
        and not _open_days(first_day - ONE_DAY, progress.first_counted, rest_days, limit=1)
        and not _open_days(run_end, last + ONE_DAY, rest_days, limit=1)
    )
    return last if covered and (progress.run_end == last or last < today) else None


# Milestones


class MilestoneFigures(Protocol):
    """Figures milestones are reached with: ``Stats`` has them."""

    @property
    def longest_streak(self) -> int: ...

    @property
    def total_minutes(self) -> int: ...


@dataclass(frozen=True, order=True)
class Milestone:
    """``value`` days of streak (``kind`` "streak") or hours of learning ("hours")."""

    kind: Literal["streak", "hours"]
    value: int

    def __str__(self) -> str:
        if self.kind == "streak":
            return f"{self.value}-day streak"
        return f"{self.value:,} hours"

    @property
    def in_words(self) -> str:
        """As a sentence says it: "a 7-day streak", "100 hours of learning"."""
        return f"a {self}" if self.kind == "streak" else f"{self} of learning"


def milestones_reached(figures: MilestoneFigures) -> frozenset[Milestone]:
    """Every milestone ``figures`` have reached."""
    return frozenset(
        [Milestone("streak", days) for days in STREAK_MILESTONES if figures.longest_streak >= days]
        + [
            Milestone("hours", hours)
            for hours in HOUR_MILESTONES
            if figures.total_minutes >= hours * 60
        ]
    )


def new_milestones(before: MilestoneFigures, after: MilestoneFigures) -> list[Milestone]:
    """The milestones a write reached: ``after`` reaches them and ``before`` did not.

    Adding days never lowers the longest streak nor the total, so across writes each
    milestone comes once. A deletion can lower them; reaching them again announces them
    again unless ``before`` carries the best figures ever stored.
    """
    return sorted(milestones_reached(after) - milestones_reached(before))
