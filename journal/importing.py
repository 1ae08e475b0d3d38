"""Reading the Markdown learners already keep: Jekyll and Hugo posts, plain notes, a log.md.

Reading writes nothing. ``read_files`` turns uploaded files and ZIP archives into a ``Plan``:
file by file, the entries (``Draft``) each one holds, or why it cannot be read, and the
archives' images, checked and re-encoded but not stored. ``Plan.check`` then marks the
drafts that cannot be imported (dated in the future or too long ago, too long) or whose day
is already taken, so that the learner sees everything before ``services.journal_import``
writes the plan in one transaction, inside ``images_stored``, which is when its images are
written to storage.

Dates are read as people type them, numbers day first as Europe writes them: 03-04-2025
is 3 April (the rule in full is ``parse_date``'s).

Every limit is enforced while reading, never trusting what a file or an archive says about
itself: a Markdown file is read up to ``MAX_FILE_BYTES`` and no further, an archive stops
being read once its Markdown passes ``MAX_UNPACKED_BYTES`` or ``MAX_ARCHIVE_MEMBERS``, an
image's size is read from its header before it is decoded, and the plan kept between the
preview and the import holds at most ``MAX_DRAFTS`` entries and ``MAX_PLAN_BYTES``.
"""

import datetime as dt
import io
import json
import posixpath
import re
import stat
import tomllib
import zipfile
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import frontmatter
import yaml
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from journal.markdown import MAX_ENTRY_TEXT
from journal.models import MINUTES_IN_A_DAY, Entry

MAX_FILE_BYTES = 1024 * 1024
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 2000
MARKDOWN_SUFFIXES = {".md", ".markdown"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
# The images of one import, re-encoded as uploads are, are kept until the learner confirms
# it up to this much in all, and decoded up to this many pixels in all.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 100_000_000
# The plan waits in the learner's session between the upload and the import.
MAX_DRAFTS = 1000
MAX_PLAN_BYTES = 5 * 1024 * 1024
# No learning journal kept in Markdown goes back further.
EARLIEST_DAY = dt.date(1990, 1, 1)
# ![alt](path "title") with a path relative to the Markdown file, as our export writes.
_IMAGE_LINK = re.compile(r"(!\[[^\]\n]*\]\()([^)\s]+)((?:\s+\"[^\"\n]*\")?\))")
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
# Patterns run on at most this many characters of a heading or a date, so that no line,
# however long, makes a regular expression slow.
_SHORT = 300
# When a post was last changed, as Jekyll's plugins and Hugo name it.
_UPDATED_KEYS = ("last_modified_at", "last_modified", "lastmod", "updated")
_NAME_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[-_ ]+(.*))?$")
_WEEKDAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
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


@dataclass
class Plan:
    """Everything an import would do, file by file; JSON-safe through to_dict/from_dict,
    which leave out ``images``: the archives' images, re-encoded and not yet stored, by
    the storage name their drafts link to."""

    files: list[FileReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def drafts(self):
        return [draft for report in self.files for draft in report.drafts]

    def check(self, user):
        """Mark drafts that cannot be imported (see ``_problem``), drafts for a day another
        draft already claims, and drafts for a day on which ``user`` already has an entry."""
        drafts = self.drafts()
        today = user.local_today()
        now = timezone.now()
        existing = dict(
            Entry.objects.filter(author=user, day__in={d.day for d in drafts}).values_list(
                "day", "title"
            )
        )
        claimed = {}
        for draft in drafts:
            draft.duplicate_of = draft.existing_title = ""
            if draft.problem:
                continue
            if problem := _problem(draft, today, now):
                draft.problem = problem
            elif draft.day in claimed:
                draft.duplicate_of = claimed[draft.day].source
            else:
                claimed[draft.day] = draft
                draft.existing_title = existing.get(draft.day, "")
        return self

    def too_large(self):
        """Why this plan is too large to keep until the learner confirms it, or ""."""
        if len(self.drafts()) > MAX_DRAFTS:
            return (
                f"These files hold more than {MAX_DRAFTS} entries; import them in smaller batches."
            )
        if len(json.dumps(self.to_dict())) > MAX_PLAN_BYTES:
            return (
                f"Together these files hold more than {_megabytes(MAX_PLAN_BYTES)} of entries; "
                "import them in smaller batches."
            )
        return ""

    def importable(self):
        """Drafts that can be written: conflicts with existing entries included, as the
        learner may choose to replace them."""
        return [draft for draft in self.drafts() if draft.status in ("new", "conflict")]

    def count(self, status):
        return sum(draft.status == status for draft in self.drafts())

    @property
    def refused_files(self):
        return [report for report in self.files if report.error]

    def to_dict(self):
        return {"files": [report.to_dict() for report in self.files], "notes": self.notes}

    @classmethod
    def from_dict(cls, data):
        return cls(files=[FileReport.from_dict(r) for r in data["files"]], notes=data["notes"])


def _problem(draft, today, now):
    """Why ``draft`` cannot be imported whatever the learner chooses, or ""."""
    if draft.day > today:
        return "It is dated in the future; only past days can be imported."
    if draft.day < EARLIEST_DAY:
        return f"It is dated before {EARLIEST_DAY:%-d %B %Y}, too long ago to be a real day."
    # A creation time in the future would keep the entry at the top of every feed.
    if draft.created_at > now or draft.updated_at > now:
        return "Its creation or update time is in the future; only past times can be imported."
    for label, text in (("text", draft.body), ("reflection", draft.reflection)):
        if len(text) > MAX_ENTRY_TEXT:
            return (
                f"Its {label} is {len(text):,} characters long, more than the {MAX_ENTRY_TEXT:,} "
                "an entry may hold; split it into several days."
            )
    return ""


def read_files(named_files, *, user):
    """Read ``named_files``, pairs of (name, binary file object): Markdown files and ZIP
    archives of them. Returns the unchecked Plan; nothing is written.

    A plan too large to keep (``Plan.too_large``) is returned without any of its entries
    or images, the reason as its one note."""
    plan = Plan()
    budget = _Budget()
    for name, fileobj in named_files:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            _read_archive(plan, name, fileobj, budget, user)
        elif suffix in MARKDOWN_SUFFIXES:
            try:
                plan.files.append(
                    _read_markdown(name, lambda f=fileobj: _read_capped(f), budget, user)
                )
            except _OverBudget as error:
                plan.files.append(FileReport(name, error=str(error)))
        else:
            plan.files.append(
                FileReport(name, error="Only Markdown files (.md) and ZIP archives are imported.")
            )
    if reason := plan.too_large():
        return Plan(notes=[reason])
    return plan


class _OverBudget(Unreadable):
    """The import as a whole holds more text than one import may."""


class _Budget:
    """What one import may unpack in all, counted as it is read: bytes of Markdown, and
    bytes and pixels of images."""

    def __init__(self):
        self.left = MAX_UNPACKED_BYTES
        self.image_bytes = MAX_IMAGE_BYTES
        self.pixels = MAX_IMAGE_PIXELS

    def spend_on_image(self, size, pixels):
        """Count an image's bytes and pixels; False once the import has spent too many."""
        self.image_bytes -= max(size, 0)
        self.pixels -= pixels
        return self.image_bytes >= 0 and self.pixels >= 0

    def spend(self, size):
        self.left -= size
        if self.left < 0:
            raise _OverBudget(
                f"Together the files hold more than {_megabytes(MAX_UNPACKED_BYTES)} of text; "
                "import them in smaller batches."
            )


def _megabytes(size):
    return f"{size // (1024 * 1024)} MB"


def _read_capped(fileobj, limit=MAX_FILE_BYTES):
    # One byte more than allowed tells a file at the limit from a file over it.
    data = fileobj.read(limit + 1)
    if len(data) > limit:
        raise Unreadable(f"It is larger than {_megabytes(limit)}, the most one file may hold.")
    return data


def _read_markdown(name, read, budget, user):
    report = FileReport(name)
    try:
        data = read()
        budget.spend(len(data))
        report.drafts = parse_markdown(name, data, user=user)
    except _OverBudget:
        raise
    except Unreadable as error:
        report.error = str(error)
    return report


def _read_archive(plan, name, fileobj, budget, user):
    try:
        archive = zipfile.ZipFile(fileobj)
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        plan.files.append(FileReport(name, error="It is not a ZIP archive we can open."))
        return
    if len(members) > MAX_ARCHIVE_MEMBERS:
        plan.files.append(
            FileReport(name, error=f"It holds more than {MAX_ARCHIVE_MEMBERS} files.")
        )
        return
    ignored = []
    reports = []
    with archive:
        images = _read_images(archive, members, name, plan, budget)
        for member in members:
            inner = member.filename
            path = PurePosixPath(inner.replace("\\", "/"))
            if member.is_dir() or "__MACOSX" in path.parts or path.name.startswith("._"):
                continue  # folders, and the resource forks macOS adds to archives
            label = f"{name} › {inner}"
            if unsafe := _unsafe_member(member, path):
                reports.append(FileReport(label, error=unsafe))
            elif path.suffix.lower() in IMAGE_SUFFIXES:
                continue
            elif path.suffix.lower() not in MARKDOWN_SUFFIXES:
                ignored.append(inner)
            else:
                try:
                    report = _read_markdown(
                        label, lambda m=member: _read_member(archive, m), budget, user
                    )
                except _OverBudget as error:
                    # Over the budget for the whole import: none of this archive is imported.
                    plan.files.append(FileReport(name, error=str(error)))
                    return
                for draft in report.drafts:
                    draft.body = _link_images(draft.body, path.parent, images)
                    draft.reflection = _link_images(draft.reflection, path.parent, images)
                reports.append(report)
    plan.files.extend(reports)
    if ignored:
        shown = ", ".join(ignored[:5]) + (
            f" and {len(ignored) - 5} more" if len(ignored) > 5 else ""
        )
        plan.notes.append(f"{name}: only .md files are imported; ignored {shown}.")


def _read_images(archive, members, name, plan, budget):
    """Check and re-encode the archive's images as uploads are, into ``plan.images`` under
    the random names they will be stored under; returns their paths in the archive mapped
    to the URLs they will have.

    Nothing is stored here (see ``images_stored``): the learner has not accepted the import
    yet. Each image's size is read from its header and counted against the import's
    pixels before it is decoded.
    """
    # Imported here: journal.forms reads this module's limits when it loads.
    from journal.forms import ImageUploadForm

    urls, refused, left_out = {}, [], False
    for member in members:
        path = PurePosixPath(member.filename.replace("\\", "/"))
        if path.suffix.lower() not in IMAGE_SUFFIXES or member.is_dir():
            continue
        if _unsafe_member(member, path) or "__MACOSX" in path.parts:
            continue  # reported with the other files' problems
        try:
            data = _read_member(archive, member, limit=ImageUploadForm.MAX_BYTES)
        except Unreadable:
            refused.append(member.filename)
            continue
        if left_out := not budget.spend_on_image(len(data), _pixels(data)):
            break
        form = ImageUploadForm(files={"image": SimpleUploadedFile(path.name, data)})
        if not form.is_valid():
            refused.append(member.filename)
            continue
        storage_name, encoded = form.encode()
        # What is kept until the import is confirmed is the re-encoded image, which a
        # strongly compressed JPEG or WebP makes larger than it came.
        if left_out := not budget.spend_on_image(len(encoded) - len(data), 0):
            break
        plan.images[storage_name] = encoded
        urls[str(path)] = default_storage.url(storage_name)
    if left_out:
        plan.notes.append(
            f"{name}: images past {_megabytes(MAX_IMAGE_BYTES)} or "
            f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels in all were not imported."
        )
    if refused:
        plan.notes.append(
            f"{name}: these images could not be read and were left out: "
            + ", ".join(refused[:5])
            + (" and more" if len(refused) > 5 else "")
        )
    return urls


def _pixels(data):
    """The pixels an image's header claims, without decoding it; 0 when it has no header
    we can read (the form then refuses it)."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            return probe.width * probe.height
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return 0


@contextmanager
def images_stored(images, items):
    """Store the images of ``images`` (a Plan's) that ``items`` link to, for the block that
    writes ``items``: should the block fail, the images are removed again, so that an import
    that did not happen leaves nothing behind."""
    linked = "\n".join(text for item in items for text in (item.body, item.reflection))
    stored = []
    try:
        for storage_name, data in images.items():
            if default_storage.url(storage_name) in linked:
                stored.append(default_storage.save(storage_name, ContentFile(data)))
        yield
    except BaseException:
        for storage_name in stored:
            default_storage.delete(storage_name)
        raise


def _link_images(text, folder, images):
    """Point image links that name a file of the archive at where it is now stored."""

    def relink(match):
        target = posixpath.normpath(str(folder / match.group(2)))
        return (
            match.group(1) + images[target] + match.group(3) if target in images else match.group(0)
        )

    return _IMAGE_LINK.sub(relink, text) if images and text else text


def _unsafe_member(member, path):
    if stat.S_ISLNK(member.external_attr >> 16):
        return "It is a symbolic link; links are never followed out of an archive."
    if path.is_absolute() or re.match(r"^[A-Za-z]:", member.filename):
        return "Its path is absolute, which would put it outside the archive."
    if ".." in path.parts:
        return "Its path climbs out of the archive with “..”."
    if member.flag_bits & 0x1:
        return "It is encrypted."
    return ""


def _read_member(archive, member, limit=MAX_FILE_BYTES):
    if member.file_size > limit:
        raise Unreadable(
            f"It unpacks to more than {_megabytes(limit)}, the most one file may hold."
        )
    try:
        with archive.open(member) as stream:
            # The declared size is not trusted: reading stops at the limit whatever it says.
            return _read_capped(stream, limit)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as error:
        raise Unreadable(f"It is damaged or packed in a way we cannot read ({error}).") from None


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
        day, rest = _find_date(rest[:_SHORT])
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


def parse_date(text):
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


def _clock(match):
    """The time of a ``_TIME`` match, with its zone; None when it is no time of day."""
    hour, minute, second = (int(match[name] or 0) for name in ("hour", "minute", "second"))
    if half := match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half[0].lower() == "p" else 0)
    zone = match["zone"]
    try:
        if zone and zone.upper() in ("Z", "UTC", "GMT"):
            zone = dt.UTC
        elif zone:
            sign = -1 if zone[0] == "-" else 1
            digits = zone[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
            zone = dt.timezone(sign * offset)
        return dt.time(hour, minute, second, tzinfo=zone)
    except ValueError:
        return None


def _calendar_day(text):
    """The day of a date written without a time, in one of ``_DAY_FIRST_FORMATS``."""
    plain = re.sub(rf"^{_WEEKDAY},?\s+", "", text, flags=re.IGNORECASE)
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


def _find_date(text):
    """The first date in a heading's ``text``, and the text without it."""
    for match in _DATE_IN_TEXT.finditer(text):
        moment = parse_date(match.group(0))
        if moment is not None:
            day = moment.date() if isinstance(moment, dt.datetime) else moment
            return day, text[: match.start()] + text[match.end() :]
    return None, text


def _heading_title(text):
    """What is left of a day heading once its number and date are gone: the title in
    "## Day 3 — Friday, 19 September 2025 — Convolutions"."""
    edge = r"[\s—–\-:|(),.#]*"
    text = re.sub(rf"^{edge}(?:{_WEEKDAY}(?!\w))?{edge}", "", text, flags=re.IGNORECASE)
    return re.sub(rf"{edge}(?:(?<!\w){_WEEKDAY})?{edge}$", "", text, flags=re.IGNORECASE)


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
