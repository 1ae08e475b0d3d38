"""Markdown posts and logs, read into entries not yet written (``Draft``).

``parse_markdown`` reads one file: a Jekyll or Hugo post, a note, or a log whose sections
start with "Day N" headings, with YAML or TOML front matter or none. ``read_markdown``
reads one file into a ``FileReport``, counting its bytes against the import's budget.
"""

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import frontmatter
import yaml
from django.utils import timezone

from journal.models import MINUTES_IN_A_DAY, Entry
from journal.porting import limits
from journal.porting.dates import WEEKDAY, find_date, parse_date

MARKDOWN_SUFFIXES = {".md", ".markdown"}
TITLE_MAX = Entry._meta.get_field("title").max_length
KEY_LESSON_MAX = Entry._meta.get_field("key_lesson").max_length

# The heading our export puts before the reflection; a learner's own "## Reflection(s)"
# heading, at any level, is read the same way. The last one wins, so that a body may
# mention reflections under a heading of its own.
REFLECTION_HEADING = "## Reflection"
_REFLECTION = re.compile(
    r"^#{1,6}[ \t]+Reflections?:?[ \t]*(?:#+[ \t]*)?$", re.IGNORECASE | re.MULTILINE
)
_DAY_HEADING = re.compile(r"^#{1,6}[ \t]+Day[ \t]+(\d{1,4})\b(.*)$", re.IGNORECASE)
_ATX_HEADING = re.compile(r"^#{1,6}[ \t]+(.*)$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
# A line that opens or closes a front matter, with the indentation before it.
_DELIMITER_LINE = re.compile(r"([ \t]*)(-{3,}|\+{3,})\s*")
# "Time: 1h30", "**Minutes:** 90" on a line of its own inside a log's day.
_MINUTES_LINE = re.compile(r"^[ \t*_-]*(?:minutes|duration|time spent|time)[*_]*[ \t]*:(.*)$", re.I)
# When a post was last changed, as Jekyll's plugins and Hugo name it.
_UPDATED_KEYS = ("last_modified_at", "last_modified", "lastmod", "updated")
_NAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[-_ ]+(.*))?$")


class Unreadable(Exception):
    """A file, or a part of one, that cannot be imported; the message says why, in plain words."""


@dataclass
class Draft:
    """One entry read from a file, not yet written."""

    source: str
    day: dt.date
    title: str
    minutes: int
    body: str
    topics: list[str] = field(default_factory=list)
    key_lesson: str = ""
    reflection: str = ""
    visibility: str = Entry.Visibility.PUBLIC
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    notes: list[str] = field(default_factory=list)
    # Set by Plan.check: why this draft will not be imported whatever the learner chooses,
    # the draft that already claims its day, and the title of the entry already on that day.
    problem: str = ""
    duplicate_of: str = ""
    existing_title: str = ""

    @property
    def status(self):
        if self.problem:
            return "refused"
        if self.duplicate_of:
            return "duplicate"
        return "conflict" if self.existing_title else "new"

    def to_dict(self):
        data = dict(vars(self))
        data["day"] = self.day.isoformat()
        for name in ("created_at", "updated_at"):
            data[name] = data[name] and data[name].isoformat()
        return data

    @classmethod
    def from_dict(cls, data):
        data = dict(data)
        data["day"] = dt.date.fromisoformat(data["day"])
        for name in ("created_at", "updated_at"):
            data[name] = data[name] and dt.datetime.fromisoformat(data[name])
        return cls(**data)


@dataclass
class FileReport:
    """What one file gave: its drafts, or the reason it was refused."""

    name: str
    drafts: list[Draft] = field(default_factory=list)
    error: str = ""
    notes: list[str] = field(default_factory=list)

    def to_dict(self):
        return {**vars(self), "drafts": [draft.to_dict() for draft in self.drafts]}

    @classmethod
    def from_dict(cls, data):
        return cls(**{**data, "drafts": [Draft.from_dict(d) for d in data["drafts"]]})


def read_capped(fileobj, limit=limits.MAX_FILE_BYTES):
    """The bytes of ``fileobj``, read no further than ``limit``; raises Unreadable when
    it holds more."""
    # One byte more than allowed tells a file at the limit from a file over it.
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(
            f"It is larger than {limits.megabytes(limit)}, the most one file may hold."
        )
    return data


def read_markdown(name, read, budget, user):
    """What the Markdown file ``name`` gives ``user``: ``read()`` returns its bytes, which
    are counted against ``budget`` (a limits.Budget, whose OverBudget goes through to the
    caller), and a file that cannot be read is reported with the reason."""
    report = FileReport(name)
    try:
        data = read()
        budget.spend(len(data))
        report.drafts = parse_markdown(name, data, user=user)
    except Unreadable as error:
        report.error = str(error)
    return report


def parse_markdown(name, data, *, user):
    """The drafts in one Markdown file's ``data`` (bytes): one for a post or a note, one a
    day for a log with "Day N" headings. Raises Unreadable with the reason."""
    text = _decode(data)
    meta, content = _split_front_matter(text)
    headings = _day_headings(content)
    stem = PurePosixPath(name).stem.lower()
    if len(headings) > 1 or (headings and re.search(r"(^|[-_ ])log$", stem)):
        return _parse_log(name, meta, content, headings, user)
    return [_parse_post(name, meta, content, user)]


def _decode(data):
    if b"\x00" in data:
        raise Unreadable("It is a binary file, not Markdown text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"It is not UTF-8 text (unexpected byte at position {error.start}). "
            "Save it as UTF-8 and try again."
        ) from None


class _TOMLHandler(frontmatter.default_handlers.BaseHandler):
    """Hugo's ``+++`` front matter, read by the standard library's tomllib (the handler
    python-frontmatter ships needs the third-party ``toml`` package)."""

    FM_BOUNDARY = re.compile(r"^\+{3,}\s*$", re.MULTILINE)
    START_DELIMITER = END_DELIMITER = "+++"

    def load(self, fm):
        return tomllib.loads(fm)


class _YAMLLoader(yaml.SafeLoader):
    """YAML without aliases: front matter has no use for them, and a few hundred bytes of
    nested aliases (a "billion laughs") stand for gigabytes once anything walks them."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "it repeats a value with an alias (*name)", self.peek_event().start_mark
            )
        return super().compose_node(parent, index)


class _YAMLHandler(frontmatter.YAMLHandler):
    def load(self, fm):
        return yaml.load(fm, Loader=_YAMLLoader)


_FRONT_MATTER_HANDLERS = [_YAMLHandler(), _TOMLHandler()]


def _split_front_matter(text):
    """The front matter as a dict with lower-case keys, and the text after it."""
    text = _unindented(text).strip()
    handler = frontmatter.detect_format(text, _FRONT_MATTER_HANDLERS)
    if handler is None:
        return {}, text
    try:
        raw, content = handler.split(text)
    except ValueError:
        raise Unreadable(
            f"Its front matter opens with “{handler.START_DELIMITER}” but is never closed."
        ) from None
    try:
        meta = handler.load(raw)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" on line {where.line + 2}" if where else ""
        problem = getattr(error, "problem", None) or "it is not valid YAML"
        raise Unreadable(f"Its front matter cannot be read{line}: {problem}.") from None
    except tomllib.TOMLDecodeError as error:
        raise Unreadable(f"Its TOML front matter cannot be read: {error}.") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise Unreadable("Its front matter is not a list of “key: value” lines.")
    return {str(key).strip().lower(): value for key, value in meta.items()}, content.strip()


def _unindented(text):
    """``text`` with an indented front matter moved back to the margin, and the text after
    it too when every line of that is indented as much: a file pasted from somewhere that
    indents it whole (" ---" on its first line that is not blank)."""
    lines = text.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), 0)
    opening = _DELIMITER_LINE.fullmatch(lines[first])
    if not opening or not opening.group(1):
        return text
    indent, mark = opening.group(1), opening.group(2)[0]
    closing = next(
        (
            index
            for index in range(first + 1, len(lines))
            if (match := _DELIMITER_LINE.fullmatch(lines[index])) and match.group(2)[0] == mark
        ),
        None,
    )
    if closing is None:
        return text  # reported as a front matter that is never closed
    front = [line.removeprefix(indent) for line in lines[first : closing + 1]]
    rest = lines[closing + 1 :]
    if all(line.startswith(indent) or not line.strip() for line in rest):
        # Only then: taking the indentation from some lines would turn an indented code
        # block of a text written at the margin into a paragraph.
        rest = [line.removeprefix(indent) for line in rest]
    return "\n".join(front + rest)


def _lines_outside_code(text):
    """(index, line) for the lines of ``text`` that are not inside a fenced code block."""
    fence = None
    for index, line in enumerate(text.split("\n")):
        match = _FENCE.match(line)
        if match:
            if fence is None:
                fence = match.group(1)
            elif match.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield index, line


def _day_headings(content):
    return [
        (index, int(match.group(1)), match.group(2))
        for index, line in _lines_outside_code(content)
        if (match := _DAY_HEADING.match(line.rstrip()))
    ]


def _parse_post(name, meta, content, user):
    notes = []
    day, written_at = _post_day(name, meta, notes)
    title = _text(meta.get("title"))
    if not title:
        title, content = _first_heading(content)
    if not title:
        title = _title_from_name(name) or f"Learning on {day:%-d %B %Y}"
    body, reflection = split_reflection(content)
    image = _text(meta.get("image"))
    if image.startswith(("https://", "http://")):
        body = f"![]({image})\n\n{body}".strip()
    elif image:
        notes.append(
            f"Its cover image “{image}” is left out: only a cover with a web address "
            "(https://…) comes with an entry. Add the picture to the entry after the import."
        )
    if not body:
        raise Unreadable("It has no text after its front matter.")
    visibility = _visibility(meta, notes)
    return _draft(
        name,
        day,
        user,
        title=title,
        body=body,
        reflection=reflection,
        minutes=_minutes(meta, user),
        topics=_topics(meta),
        key_lesson=_text(meta.get("key_lesson") or meta.get("lesson")),
        visibility=visibility,
        created_at=_moment(meta.get("created")) or written_at,
        updated_at=_moment(_first(meta, *_UPDATED_KEYS)),
        notes=notes,
    )


def _parse_log(name, meta, content, headings, user):
    """One draft a day from a log whose sections start with "Day N" headings."""
    lines = content.split("\n")
    start = _moment(_first(meta, "start_date", "start", "started", "challenge_start"))
    start = start.date() if isinstance(start, dt.datetime) else start
    topics = _topics(meta)
    notes = []
    visibility = _visibility(meta, notes)
    drafts = []
    ends = [index for index, _, _ in headings[1:]] + [len(lines)]
    for (index, number, rest), end in zip(headings, ends, strict=True):
        source = f"{name} › Day {number}"
        day, rest = find_date(rest)
        if day is None and start is None:
            raise Unreadable(
                f"Day {number} has no date. Put one in its heading (## Day {number} — 2025-09-17) "
                "or a start_date in the front matter."
            )
        day = day or start + dt.timedelta(days=number - 1)
        section = "\n".join(lines[index + 1 : end]).strip()
        body, reflection = split_reflection(section)
        draft = _draft(
            source,
            day,
            user,
            title=_heading_title(rest) or f"Day {number}",
            body=body,
            reflection=reflection,
            minutes=_minutes_in(section) or _minutes(meta, user),
            topics=topics,
            visibility=visibility,
            notes=list(notes),
        )
        if not body:
            draft.problem = "This day has no text."
        drafts.append(draft)
    intro = "\n".join(lines[: headings[0][0]]).strip()
    if intro and not _ATX_HEADING.match(intro):
        drafts[0].notes.append(f"The text before “Day {headings[0][1]}” is not imported.")
    return drafts


def _draft(source, day, user, *, title, key_lesson="", created_at=None, notes=None, **fields):
    notes = notes if notes is not None else []
    if len(title) > TITLE_MAX:
        notes.append(f"The title is shortened to {TITLE_MAX} characters.")
        title = title[: TITLE_MAX - 1] + "…"
    if len(key_lesson) > KEY_LESSON_MAX:
        notes.append(f"The key lesson is shortened to {KEY_LESSON_MAX} characters.")
        key_lesson = key_lesson[: KEY_LESSON_MAX - 1] + "…"
    created_at = _aware(created_at, user) or timezone.make_aware(
        dt.datetime.combine(day, dt.time(12)), user.zone
    )
    fields["updated_at"] = _aware(fields.get("updated_at"), user) or created_at
    return Draft(
        source=source,
        day=day,
        title=title,
        key_lesson=key_lesson,
        created_at=created_at,
        notes=notes,
        **fields,
    )


def _aware(moment, user):
    if isinstance(moment, dt.datetime):
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment, user.zone)
    if isinstance(moment, dt.date):
        return timezone.make_aware(dt.datetime.combine(moment, dt.time(12)), user.zone)
    return None


def split_reflection(content):
    """(body, reflection): the reflection is what follows the last "Reflection" heading."""
    matches = list(_REFLECTION.finditer(content))
    if not matches:
        return content.strip(), ""
    last = matches[-1]
    return content[: last.start()].strip(), content[last.end() :].strip()


def _first_heading(content):
    """The first heading's text and the content without it when it opens the file, so that
    the title is not shown twice; a heading further down stays where it is."""
    lines = content.split("\n")
    for index, line in _lines_outside_code(content):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if match := _ATX_HEADING.match(line):
            title, used = match.group(1).strip().rstrip("#").strip(), 1
        elif line.strip() and re.match(r"^(=+|-+)[ \t]*$", following):
            title, used = line.strip(), 2
        else:
            continue
        opens = not "\n".join(lines[:index]).strip()
        rest = "\n".join(lines[index + used :]).strip() if opens else content
        return title, rest
    return "", content


def _title_from_name(name):
    stem = PurePosixPath(name.split(" › ")[-1]).stem
    if match := _NAME_DATE.match(stem):
        stem = match.group(2) or ""
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:]


def _post_day(name, meta, notes):
    """The post's day, and the moment it was written when the front matter says: its
    ``date``, else the date its file name starts with, else when it was last changed (a
    Jekyll ``last_modified_at``, a Hugo ``lastmod``), which ``notes`` then tells."""
    key, value = "date", meta.get("date")
    if value in (None, ""):
        if match := _NAME_DATE.match(PurePosixPath(name.split(" › ")[-1]).stem):
            value = match.group(1)
        elif key := next((key for key in _UPDATED_KEYS if meta.get(key) not in (None, "")), ""):
            value = meta[key]
            notes.append(f"It has no date, so its day is taken from its {key}.")
        else:
            raise Unreadable(
                "It has no date. Add “date: 2025-09-17” to its front matter, "
                "or start its name with the date (2025-09-17-day-1.md)."
            )
    moment = _moment(value)
    if moment is None:
        raise Unreadable(
            f"Its {key} “{value}” is not a date we can read; write it as 2025-09-17 "
            "(or 17-09-2025, day first)."
        )
    if isinstance(moment, dt.datetime):
        # The day as the learner wrote it, in the offset they wrote it in.
        return moment.date(), moment
    return moment, None


def _moment(value):
    """A date or datetime from a front matter value, or None when it is not one."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    return parse_date(str(value))


def _heading_title(text):
    """What is left of a day heading once its number and date are gone: the title in
    "## Day 3 — Friday, 19 September 2025 — Convolutions"."""
    edge = r"[\s—–\-:|(),.#]*"
    text = re.sub(rf"^{edge}(?:{WEEKDAY}(?!\w))?{edge}", "", text, flags=re.IGNORECASE)
    return re.sub(rf"{edge}(?:(?<!\w){WEEKDAY})?{edge}$", "", text, flags=re.IGNORECASE)


def _minutes_in(section):
    """Minutes from a "Time: 1h30" line of a log's day, if it has a readable one."""
    for line in section.split("\n"):
        if match := _MINUTES_LINE.match(line):
            try:
                return _parse_minutes(match.group(1).strip(" \t*_"))
            except Unreadable:
                return None
    return None


def _first(meta, *keys):
    """The value of the first of ``keys`` the front matter fills in."""
    return next((meta[key] for key in keys if meta.get(key) not in (None, "")), None)


def _text(value):
    if value is None or isinstance(value, bool | dict | list):
        return ""
    return str(value).strip()


def _topics(meta):
    """Topic names from our ``topics`` and Jekyll's and Hugo's ``categories`` and ``tags``;
    a string is a comma-separated list, or a space-separated one as Jekyll reads it."""
    names = []
    for key in ("topics", "categories", "category", "tags"):
        value = meta.get(key)
        if isinstance(value, str):
            value = value.split(",") if "," in value else value.split()
        if isinstance(value, list):
            names += [str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()]
    return list(dict.fromkeys(names))


def _visibility(meta, notes):
    if str(meta.get("visibility", "")).lower() in Entry.Visibility.values:
        return str(meta["visibility"]).lower()
    if meta.get("draft") is True or meta.get("published") is False or meta.get("private") is True:
        notes.append("It is marked as a draft, so it is imported as private.")
        return Entry.Visibility.PRIVATE
    return Entry.Visibility.PUBLIC


def _minutes(meta, user):
    value = _first(meta, "minutes", "duration", "time_spent")
    if value is None:
        return user.daily_goal_minutes
    return _parse_minutes(value)


def _parse_minutes(value):
    """Minutes from 90, "90 min", "1.5 h", "1h30", "1 h 30 min", "1:30" or "PT1H30M"."""
    # YAML reads "yes" and "no" as booleans, which are no duration.
    text = "" if isinstance(value, bool) else str(value).strip().lower().replace(",", ".")
    clock = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    spelled = re.fullmatch(
        r"(?:pt)?(?:(\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?\s*)?"
        r"(?:(\d+(?:\.\d+)?)\s*(?:m|mins?|minutes?)?)?",
        text,
    )
    if clock:
        minutes = int(clock.group(1)) * 60 + int(clock.group(2))
    elif text and spelled:
        minutes = round(float(spelled.group(1) or 0) * 60 + float(spelled.group(2) or 0))
    else:
        raise Unreadable(
            f"Its minutes “{value}” are not a duration we can read, such as 90 or 1h30."
        )
    if not 1 <= minutes <= MINUTES_IN_A_DAY:
        raise Unreadable(f"Its minutes ({minutes}) must be between 1 and {MINUTES_IN_A_DAY}.")
    return minutes
