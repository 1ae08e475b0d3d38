"""The charts of a journey: a year heatmap of learning minutes and hours per topic.

Each chart is one aggregate query over entries the caller has already narrowed with
the visibility rule (``Entry.objects.written_by(person, viewer)``), so a
private entry never adds minutes to what another person sees. The results are plain
data that templates/includes/heatmap.html and topic_hours.html draw as server-rendered
SVG and HTML: no JavaScript, and every figure is also there as text.

The heatmap also marks the days that kept the person's streak (``streak_days``): their
rest days and frozen days, as journal/streaks.py's ``timeline`` tells them. Those are part
of the streak everyone sees, so they come from every entry's counted day, not only the
shown ones; they say no more than the streak does (that a day was missed, or declared).
"""

import datetime as dt
import functools
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.safestring import mark_safe

from journal import streaks

WEEKS = 53
CELL = 11
GAP = 3
STEP = CELL + GAP
# Room for the weekday labels on the left, the month labels on top, and on the right for
# the label of a month that begins in the last week.
LEFT = 30
TOP = 18
RIGHT = 16
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_FULL_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
# The level of a day that reached the goal, and of every level above it.
GOAL_LEVEL = 3
LEVELS = [
    (0, "No learning"),
    (1, "Under half the goal"),
    (2, "Under the goal"),
    (3, "Goal reached"),
    (4, "Twice the goal"),
]


def day_in_words(day):
    """ "Tue 10 Nov 2026", as the date filter's "D j M Y" writes it in English.

    From tables: the filter looks up the language and its formats for every date, which
    cost a heatmap's 371 cells a few milliseconds, and a page of cards a tenth of theirs.
    """
    return f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"


# What a marked day's title adds, and the legend's words, by streaks.Mark.
MARK_WORDS = {
    streaks.Mark.REST: "rest day",
    streaks.Mark.FROZEN: "frozen: a freeze kept the streak",
}
# Days read before the year shown, so that freezes earned then decide its first days.
LOOKBACK = dt.timedelta(weeks=8)


@dataclass
class Cell:
    day: dt.date
    minutes: int
    level: int
    x: int
    y: int
    mark: streaks.Mark | None = None

    @property
    def reached_goal(self):
        return self.level >= GOAL_LEVEL

    @property
    def label(self):
        when = day_in_words(self.day)
        marked = f", {MARK_WORDS[self.mark]}" if self.mark else ""
        if not self.minutes:
            return f"{when}: no learning{marked}"
        minutes = f"{self.minutes} minute{'s' if self.minutes != 1 else ''}"
        return f"{when}: {minutes}{', goal reached' if self.reached_goal else ''}{marked}"

    # The centre of the cell, where the goal marker goes.
    @property
    def cx(self):
        return self.x + CELL / 2

    @property
    def cy(self):
        return self.y + CELL / 2


@dataclass
class Month:
    """One calendar month of the heatmap, for its label and the text summary table."""

    first_day: dt.date
    x: int = 0
    days_learned: int = 0
    days_reached: int = 0
    minutes: int = 0

    @property
    def hours(self):
        return round(self.minutes / 60, 1)

    @property
    def short_name(self):
        return MONTH_NAMES[self.first_day.month - 1]

    @property
    def name(self):
        return f"{MONTH_FULL_NAMES[self.first_day.month - 1]} {self.first_day.year}"


@dataclass
class StreakDays:
    """The days that kept a person's streak: each rest and frozen day of the year shown,
    and how many of them lie within the current streak of ``length`` days."""

    marks: dict = field(default_factory=dict)
    length: int = 0
    rest: int = 0
    frozen: int = 0

    @property
    def in_words(self):
        """ "Current streak: 12 days, kept by 1 rest day and 1 freeze"."""
        line = f"Current streak: {self.length} day{'s' if self.length != 1 else ''}"
        kept = [
            f"{count} {name}{'s' if count != 1 else ''}"
            for count, name in ((self.rest, "rest day"), (self.frozen, "freeze"))
            if count
        ]
        return f"{line}, kept by {' and '.join(kept)}" if kept else line


def streak_days(entries, *, goal, rest_days, today, length, run_start):
    """The rest and frozen days of the year up to ``today``, in one query for the counted
    days of ``entries`` (all of the person's: the streak counts them all).

    ``length`` and ``run_start`` are the person's current streak and its first day, as
    stored. The walk starts LOOKBACK before the year shown, fresh: a run that began before
    then may show a missed day of its first weeks in the year where a freeze kept it.
    """
    start = _year_start(today)
    read_from = start - LOOKBACK
    counted = entries.filter(day__gte=read_from, day__lte=today, minutes__gte=goal).values_list(
        "day", flat=True
    )
    days = streaks.timeline(
        counted, rest_days=rest_days, start=read_from, today=today, first=start, last=today
    )
    marks = {day: mark for day, mark in days if mark in MARK_WORDS}
    within = [mark for day, mark in marks.items() if length and run_start and day > run_start]
    return StreakDays(
        marks=marks,
        length=length,
        rest=within.count(streaks.Mark.REST),
        frozen=within.count(streaks.Mark.FROZEN),
    )


@dataclass
class Heatmap:
    start: dt.date
    end: dt.date
    goal: int
    minutes: dict = field(default_factory=dict)
    streak: StreakDays = field(default_factory=StreakDays)

    width = LEFT + WEEKS * STEP + RIGHT
    height = TOP + 7 * STEP
    cell_size = CELL

    @property
    def cells(self):
        """Every day from ``start`` to ``end``, with its minutes, level and place."""
        marks = self.streak.marks
        return [
            Cell(
                day,
                self.minutes.get(day, 0),
                level(self.minutes.get(day, 0), self.goal),
                x,
                y,
                marks.get(day),
            )
            for day, x, y in _year_grid(self.start, self.end).places
        ]

    @property
    def months(self):
        """The calendar months shown, each with the learning done in it."""
        months = {
            (month.first_day.year, month.first_day.month): Month(month.first_day, month.x)
            for month in _year_grid(self.start, self.end).months
        }
        for day, minutes in self.minutes.items():
            month = months[day.year, day.month]
            month.days_learned += 1
            month.minutes += minutes
            month.days_reached += streaks.counts(minutes, self.goal)
        return list(months.values())

    @property
    def labels_svg(self):
        """The month and weekday labels, the same for every heatmap of these days."""
        return _year_grid(self.start, self.end).labels_svg

    @property
    def days_learned(self):
        return len(self.minutes)

    @property
    def days_reached(self):
        return sum(streaks.counts(minutes, self.goal) for minutes in self.minutes.values())

    @property
    def total_hours(self):
        return round(sum(self.minutes.values()) / 60, 1)

    @property
    def legend(self):
        return LEVELS

    @property
    def mark_legend(self):
        """(class, words) of each mark, drawn as the cells draw it."""
        return [(mark.value, words) for mark, words in MARK_WORDS.items()]

    @property
    def cells_svg(self):
        """The day cells as SVG markup, built here: a template spends ~40 ms on 371 of them.

        The empty year is shared (see _year_grid); only the days with learning are drawn
        for this heatmap.
        """
        grid = _year_grid(self.start, self.end)
        parts = list(grid.empty_svg)
        marks = self.streak.marks
        for day in self.minutes.keys() | marks.keys():
            index = (day - self.start).days
            _, x, y = grid.places[index]
            minutes = self.minutes.get(day, 0)
            parts[index] = _cell_svg(
                Cell(day, minutes, level(minutes, self.goal), x, y, marks.get(day))
            )
        return mark_safe("".join(parts))


def mark_svg(mark, x, y):
    """The symbol of a marked day in the cell at (x, y): a pause sign for a rest day, a
    snowflake for a frozen one; shapes, so that no one needs to tell colours apart."""
    if mark == streaks.Mark.REST:
        path = f"M{x + 4} {y + 3}v5M{x + 7} {y + 3}v5"
    else:
        path = f"M{x + 5.5} {y + 2}v7M{x + 2.5} {y + 3.75}l6 3.5M{x + 8.5} {y + 3.75}l-6 3.5"
    return f'<path class="hm-mark hm-{mark}" d="{path}" aria-hidden="true"/>'


def _cell_svg(cell):
    # Every value is our own: numbers, and labels made of day and month names and numbers,
    # with nothing to escape.
    goal_marker = (
        f'<circle class="hm-goal" cx="{cell.cx}" cy="{cell.cy}" r="1.8" aria-hidden="true"/>'
        if cell.reached_goal
        else ""
    )
    if cell.mark:
        goal_marker += mark_svg(cell.mark, cell.x, cell.y)
    # No group around the pair: 371 of them were a tenth of a journey's markup, and every
    # byte of a page is copied, cached and searched for slots again on each request.
    return (
        f'<rect class="hm-cell hm-l{cell.level}" x="{cell.x}" y="{cell.y}" '
        f'width="{CELL}" height="{CELL}" rx="2"><title>{cell.label}</title></rect>{goal_marker}'
    )


@dataclass(frozen=True)
class YearGrid:
    places: list
    months: list
    empty_svg: list
    labels_svg: str


@functools.lru_cache(maxsize=16)
def _year_grid(start, end):
    """The days from ``start`` to ``end`` with their places, the months they fall in and
    each day drawn with no learning.

    Everyone whose local today is ``end`` has the same grid, and most of its days are
    empty, so a heatmap draws only the days with learning: building 371 cells for every
    journey was a fifth of rendering one.
    """
    places, months = [], []
    for offset in range((end - start).days + 1):
        day = start + dt.timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        places.append((day, LEFT + week * STEP, TOP + weekday * STEP))
        # A month's label sits above the first week column that contains its 1st day (or,
        # for the first partial month, above the first column).
        if not months or day.day == 1:
            months.append(Month(first_day=day, x=places[-1][1]))
    empty_svg = [_cell_svg(Cell(day, 0, 0, x, y)) for day, x, y in places]
    return YearGrid(
        places=places, months=months, empty_svg=empty_svg, labels_svg=_labels_svg(months)
    )


def _labels_svg(months):
    """Month names above their first week, where they fit (the first partial month is
    skipped when too narrow), and every other weekday's name on the left."""
    labels, last_x = [], -STEP * 3
    for month in months:
        if month.x - last_x >= STEP * 3:
            labels.append(f'<text x="{month.x}" y="11">{month.short_name}</text>')
            last_x = month.x
    for row, name in WEEKDAY_LABELS.items():
        labels.append(f'<text x="0" y="{TOP + row * STEP + CELL - 1}">{name}</text>')
    return mark_safe("".join(labels))


def level(minutes, goal):
    """0 for no learning, 1-2 below the daily goal, 3 when reached, 4 at twice the goal."""
    if minutes <= 0:
        return 0
    if not streaks.counts(minutes, goal):
        return 1 if minutes * 2 < goal else 2
    return 4 if minutes >= 2 * goal else 3


def minutes_by_day(entries, start, end):
    """{day: minutes} between ``start`` and ``end`` inclusive, in one GROUP BY query."""
    rows = (
        entries.filter(day__gte=start, day__lte=end)
        .order_by()
        .values("day")
        .annotate(total=Sum("minutes"))
        .values_list("day", "total")
    )
    return dict(rows)


def _year_start(today):
    return today - dt.timedelta(days=today.weekday(), weeks=WEEKS - 1)


def year_heatmap(entries, *, today, goal, streak=None):
    """The last 53 weeks up to ``today`` (the author's local today), Monday to Sunday.

    ``entries`` must already respect the visibility rule for the viewer; ``goal`` is
    the author's daily goal in minutes, which sets the colour levels; ``streak`` the
    days that kept their streak (``streak_days``).
    """
    start = _year_start(today)
    learned = {day: spent for day, spent in minutes_by_day(entries, start, today).items() if spent}
    return Heatmap(
        start=start, end=today, goal=goal, minutes=learned, streak=streak or StreakDays()
    )


@dataclass
class TopicHours:
    name: str
    slug: str
    minutes: int
    share: float

    @property
    def hours(self):
        return round(self.minutes / 60, 1)


def topic_hours(entries, limit=8):
    """Hours per topic over ``entries``, most first, in one GROUP BY query.

    ``share`` is each topic's length relative to the largest (0-100), for the bars.
    """
    # Joined from the entries rather than filtered by IN (entries): PostgreSQL then reads
    # each entry once instead of looking it up again for every topic link.
    rows = list(
        entries.filter(topics__isnull=False)
        .values("topics__name", "topics__slug")
        .annotate(total=Sum("minutes"))
        .order_by("-total", "topics__name")[:limit]
    )
    most = rows[0]["total"] if rows else 1
    return [
        TopicHours(
            name=row["topics__name"],
            slug=row["topics__slug"],
            minutes=row["total"],
            share=round(100 * row["total"] / most, 1),
        )
        for row in rows
    ]
