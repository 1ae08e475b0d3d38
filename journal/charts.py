"""The charts of a journey: a year heatmap of learning minutes and hours per topic.

Each chart is one aggregate query over entries the caller has already narrowed with
the visibility rule (``Entry.objects.visible_to(viewer).filter(author=person)``), so a
private entry never adds minutes to what another person sees. The results are plain
data that templates/includes/heatmap.html and topic_hours.html draw as server-rendered
SVG and HTML: no JavaScript, and every figure is also there as text.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils.safestring import mark_safe

WEEKS = 53
CELL = 11
GAP = 3
STEP = CELL + GAP
# Room for the weekday labels on the left and the month labels on top.
LEFT = 30
TOP = 18
WEEKDAY_LABELS = {0: "Mon", 2: "Wed", 4: "Fri"}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTH_FULL_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
LEVELS = [
    (0, "No learning"),
    (1, "Under half the goal"),
    (2, "Under the goal"),
    (3, "Goal reached"),
    (4, "Twice the goal"),
]


@dataclass
class Cell:
    day: dt.date
    minutes: int
    level: int
    x: int
    y: int

    @property
    def reached_goal(self):
        return self.level >= 3

    @property
    def label(self):
        # From tables rather than strftime or the date filter, which cost a heatmap's 371
        # cells and 13 months a few milliseconds.
        day = self.day
        when = f"{DAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]} {day.year}"
        if not self.minutes:
            return f"{when}: no learning"
        minutes = f"{self.minutes} minute{'s' if self.minutes != 1 else ''}"
        return f"{when}: {minutes}{', goal reached' if self.reached_goal else ''}"

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
class Heatmap:
    start: dt.date
    end: dt.date
    goal: int
    cells: list = field(default_factory=list)
    months: list = field(default_factory=list)

    width = LEFT + WEEKS * STEP
    height = TOP + 7 * STEP
    cell_size = CELL

    @property
    def weekday_labels(self):
        return [(name, TOP + row * STEP + CELL - 1) for row, name in WEEKDAY_LABELS.items()]

    @property
    def labelled_months(self):
        """Months whose label fits: the first partial month is skipped when too narrow."""
        shown, last_x = [], -STEP * 3
        for month in self.months:
            if month.x - last_x >= STEP * 3:
                shown.append(month)
                last_x = month.x
        return shown

    @property
    def days_learned(self):
        return sum(month.days_learned for month in self.months)

    @property
    def days_reached(self):
        return sum(month.days_reached for month in self.months)

    @property
    def total_hours(self):
        return round(sum(month.minutes for month in self.months) / 60, 1)

    @property
    def legend(self):
        return LEVELS

    @property
    def cells_svg(self):
        """The day cells as SVG markup, built here: a template spends ~40 ms on 371 of them.

        Every value is our own: numbers, and labels made of day and month names and numbers,
        with nothing to escape.
        """
        return mark_safe(
            "".join(
                f'<g class="hm-day"><rect class="hm-cell hm-l{cell.level}" x="{cell.x}" '
                f'y="{cell.y}" width="{CELL}" height="{CELL}" rx="2">'
                f"<title>{cell.label}</title></rect>"
                + (
                    f'<circle class="hm-goal" cx="{cell.cx}" cy="{cell.cy}" r="1.8" '
                    'aria-hidden="true"/>'
                    if cell.reached_goal
                    else ""
                )
                + "</g>"
                for cell in self.cells
            )
        )


def level(minutes, goal):
    """0 for no learning, 1-2 below the daily goal, 3 when reached, 4 at twice the goal."""
    if minutes <= 0:
        return 0
    if minutes < goal:
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


def year_heatmap(entries, *, today, goal):
    """The last 53 weeks up to ``today`` (the author's local today), Monday to Sunday.

    ``entries`` must already respect the visibility rule for the viewer; ``goal`` is
    the author's daily goal in minutes, which sets the colour levels.
    """
    start = today - dt.timedelta(days=today.weekday(), weeks=WEEKS - 1)
    minutes = minutes_by_day(entries, start, today)
    heatmap = Heatmap(start=start, end=today, goal=goal)
    months = {}
    for offset in range((today - start).days + 1):
        day = start + dt.timedelta(days=offset)
        week, weekday = divmod(offset, 7)
        cell = Cell(
            day=day,
            minutes=minutes.get(day, 0),
            level=level(minutes.get(day, 0), goal),
            x=LEFT + week * STEP,
            y=TOP + weekday * STEP,
        )
        heatmap.cells.append(cell)
        key = (day.year, day.month)
        if key not in months:
            # A month's label sits above the first week column that contains its 1st day
            # (or, for the first partial month, above the first column).
            months[key] = Month(first_day=day, x=cell.x)
        month = months[key]
        if cell.minutes:
            month.days_learned += 1
            month.minutes += cell.minutes
            month.days_reached += cell.reached_goal
    heatmap.months = list(months.values())
    return heatmap


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
