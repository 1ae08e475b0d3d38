"""Dates as people type them in front matter and headings, read day first as Europe writes
them: 03-04-2025 is 3 April (the rule in full is ``parse_date``'s)."""

import datetime as dt
import re

# Patterns run on at most this many characters of a heading or a date, so that no line,
# however long, makes a regular expression slow.
_SHORT = 300
WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_MONTH = r"[A-Za-z]{3,9}\.?"
# Dates as people type them, found inside a heading such as "## Day 3 — 19 Sept 2025".
_DATE_IN_TEXT = re.compile(
    rf"\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?"
    rf"|\d{{4}}/\d{{1,2}}/\d{{1,2}}"
    rf"|\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{4}}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+{_MONTH},?[ \t]+\d{{4}}"
    rf"|{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}}"
)
_DAY_FIRST_FORMATS = [
    "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%d",
    "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y",
]  # fmt: skip
# A time after a date (see parse_date), with what separates them: "17-09-2025 23.23",
# "17 September 2025, at 11.23 pm", "17/09/2025 23:23:05 +0200".
_TIME = re.compile(
    r",?\s+(?:at\s+)?(?P<hour>\d{1,2})(?:[:.h](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?)?"
    r"\s*(?P<half>[ap]\.?m\.?)?\s*(?P<zone>Z|UTC|GMT|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def parse_date(text: str) -> dt.date | dt.datetime | None:
    """A date or datetime from the forms people type: ISO dates and datetimes,
    ``2025-09-17 10:00:00 +0200``, dates written with numbers (17/09/2025, 17.09.2025,
    17-09-2025, 2025/09/17) or a month's name (17 September 2025, Sep 17, 2025), each
    followed or not by a time. None when ``text`` is none of these.

    Numbers are read day first, as Europe writes them, unless the first is a year:
    03-04-2025 is 3 April 2025, and so is 2025/04/03; 09/17/2025 is no date at all, rather
    than a day that depends on the line it is on. A time is read as 23:23, 23:23:05, 23.23,
    23h23 or 11.23 pm, with or without a zone (+02:00, +0200, Z, UTC) after it; a date with
    a time is a datetime, aware only when the text gives its zone."""
    text = text.strip()
    if len(text) > _SHORT:
        return None
    # Before ISO: Python reads "2025-09-17 23.23" as 23 hours and a fraction.
    if (match := _TIME.search(text)) and (match["minute"] or match["half"]):
        moment, day = _clock(match), _calendar_day(text[: match.start()])
        return dt.datetime.combine(day, moment) if day and moment else None
    iso = re.sub(r"\s+(Z|UTC|[+-]\d{2}:?\d{2})$", r"\1", text).replace("UTC", "Z")
    try:
        return dt.date.fromisoformat(iso) if len(iso) == 10 else dt.datetime.fromisoformat(iso)
    except ValueError:
        return _calendar_day(text)


def _clock(match: re.Match[str]) -> dt.time | None:
    """The time of a ``_TIME`` match, with its zone; None when it is no time of day."""
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    if half := match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half[0].lower() == "p" else 0)
    written = match["zone"]
    zone: dt.tzinfo | None = None
    try:
        if written and written.upper() in ("Z", "UTC", "GMT"):
            zone = dt.UTC
        elif written:
            sign = -1 if written[0] == "-" else 1
            digits = written[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            zone = dt.timezone(sign * offset)
        return dt.time(hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _calendar_day(text: str) -> dt.date | None:
    """The day of a date written without a time, in one of ``_DAY_FIRST_FORMATS``."""
    plain = re.sub(rf"^{WEEKDAY},?\s+", "", text, flags=re.IGNORECASE)
    plain = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", plain)
    plain = re.sub(r"\bsept\b", "Sep", plain, flags=re.IGNORECASE)
    if re.search(r"[A-Za-z]", plain):
        # Beside a month name, commas and dots only separate ("Nov. 25, 2026"); in
        # 25.11.2026 the dots are the date's own.
        plain = " ".join(plain.replace(",", " ").replace(".", " ").split())
    for pattern in _DAY_FIRST_FORMATS:
        try:
            return dt.datetime.strptime(plain, pattern).date()
        except ValueError:
            continue
    return None


def find_date(text: str) -> tuple[dt.date | None, str]:
    """The first date in the first few hundred characters of a heading's ``text``, and
    those characters without it."""
    text = text[:_SHORT]
    for match in _DATE_IN_TEXT.finditer(text):
        moment = parse_date(match.group(0))
        if moment is not None:
            day = moment.date() if isinstance(moment, dt.datetime) else moment
            return day, text[: match.start()] + text[match.end() :]
    return None, text
