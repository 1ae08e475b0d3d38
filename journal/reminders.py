"""When a daily reminder is due, free of the database.

A person who turned reminders on gets one on each local day whose entry is not written
yet, when the clock where they live shows the time they chose. On the day clocks go
forward, a time that does not exist that day (02:30 in Paris) comes as late as the gap
(03:30); on the day they go back, a time that happens twice comes the first time.
"""

import datetime as dt
import zoneinfo

ONE_DAY = dt.timedelta(days=1)


def next_reminder_at(
    *, after: dt.datetime, zone: zoneinfo.ZoneInfo, at: dt.time, written_through: dt.date | None
) -> dt.datetime:
    """The first moment (UTC) strictly after ``after`` when a reminder is due: ``at`` on
    the clock in ``zone``, on a local day after ``written_through`` (the last day whose
    entry is written, or None)."""
    day = after.astimezone(zone).date()
    if written_through is not None and day <= written_through:
        day = written_through + ONE_DAY
    while True:
        # fold=0: in a gap, the offset from before it, which lands after the gap; in an
        # hour that repeats, its first occurrence.
        moment = dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)
        if moment > after:
            return moment
        day += ONE_DAY


def reminder_day(moment: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.date:
    """The local day a reminder due at ``moment`` is about."""
    return moment.astimezone(zone).date()
