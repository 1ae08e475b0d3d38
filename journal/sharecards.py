"""Share images: the 1200×630 PNG a link to an entry, a journey, a challenge or a
certificate unfolds into.

What an image shows is a ``ShareCard``, built from rows the page already holds, so the
page's Open Graph tags cost no query. Its ``digest``, a hash of exactly what it shows,
names the stored PNG (``share/<digest>.png`` in the default storage) and is part of the
image's address (journal/views/sharing.py): an image is drawn once, drawn again under a
new name when anything it shows changes, and its address can be cached for ever, as the
old one is simply no longer linked.

Only what everyone may see has an image: a public, visible entry of an active,
unsuspended person, and such a person's journey; a public challenge (visible, its creator
not suspended), and the certificate of such a person who finished one. An invite-only
challenge and its certificates have none: the image's address, in the page's tags, would
lead whoever the page is shared with to it. The tags are built from the page's
subject alone, never from its reader, so the page stays the same for every audience the
page cache keeps (journal/caching/).

Drawing uses Momentum's colours (static/css/site.css, the light theme) and the fonts in
journal/fonts/, so it needs nothing from the network or the system. Shapes are drawn at
twice the size and scaled down, as Pillow smooths the edges of text but not of shapes.
Scripts those fonts lack (Chinese, Japanese, emoji) show as boxes.
"""

import datetime as dt
import functools
import hashlib
import io
from dataclasses import dataclass, field, fields
from pathlib import Path

from django.core.files.storage import default_storage
from django.http import HttpRequest
from django.urls import reverse
from django.utils.dateformat import format as format_date
from PIL import Image, ImageDraw, ImageFont

from journal.models import Challenge, Entry, Participation, Topic, User
from journal.porting.images import store_image

WIDTH, HEIGHT = 1200, 630
# Changing how images look must change their names too, or the old ones would be served.
DESIGN = 1

# site.css, light theme.
INK = "#1d2230"
INK_SOFT = "#4a5163"
MUTED = "#5d6577"
PAPER = "#fbfaf7"
CARD = "#ffffff"
LINE = "#e6e2da"
ACCENT = "#c2461e"
ACCENT_DARK = "#a33512"
ACCENT_SOFT = "#fdebe4"
ACCENT_LINE = "#f6c7b5"
HERO_GLOW = "#ffe3d6"
TOPIC_BG = "#eef1f7"
TOPIC_INK = "#35527a"
AVATAR_LIGHT = "#f7a072"
# static/img/icon.svg
BRAND = "#e4572e"

MARGIN = 80
SCALE = 2


@dataclass(frozen=True)
class ShareCard:
    """Everything one share image shows, and the address it is served at."""

    kind: str  # "entry", "person", "challenge" or "certificate": the layout
    # The person (none for a challenge).
    name: str = ""
    handle: str = ""
    initials: str = ""
    # An entry: its Day N, hours and date, title and topics. A challenge and a certificate:
    # the challenge's title as the headline, its dates, topics.
    headline: str = ""
    details: tuple[str, ...] = ()
    title: str = ""
    topics: tuple[str, ...] = ()
    # A journey: what the person is learning, and their figures as (number, what it counts);
    # a challenge's participants, a certificate's days and hours, the same way.
    focus: str = ""
    figures: tuple[tuple[str, str], ...] = ()
    # Where the image is served (an entry's id, a username, a challenge's slug, a
    # participation's id) and the invite that opens it: not part of what it shows.
    key: str = field(default="", compare=False)
    invite: str = field(default="", compare=False)

    @property
    def digest(self) -> str:
        # Every field but the key is shown.
        shown = (DESIGN, *(getattr(self, part.name) for part in fields(self) if part.compare))
        return hashlib.sha256(repr(shown).encode()).hexdigest()[:24]

    @property
    def storage_name(self) -> str:
        return f"share/{self.digest}.png"

    @property
    def path(self) -> str:
        path = reverse(f"journal:share_{self.kind}", args=[self.key, self.digest])
        return f"{path}?invite={self.invite}" if self.invite else path

    @property
    def text(self) -> str:
        """What the image shows, in words: its alternative text."""
        person = f"{self.name} (@{self.handle})" if self.handle else ""
        parts = [person, self.headline, *self.details, self.title]
        if self.focus:
            parts.append(f"Currently learning {self.focus}")
        parts += [f"{number} {label}" for number, label in self.figures]
        if self.topics:
            parts.append(" ".join(self.topics))
        return ". ".join(part for part in parts if part)


@dataclass(frozen=True)
class ShareTags:
    """The Open Graph and Twitter card tags of a page (templates/includes/share_tags.html)."""

    type: str
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    width: int = WIDTH
    height: int = HEIGHT


def _public_person(person: User) -> bool:
    # The row form of User.objects.public(), for a person the page has already fetched.
    return person.is_active and not person.is_suspended


def entry_card(entry: Entry) -> ShareCard | None:
    """The image of ``entry`` (whose ``topic_list`` is attached), or None when not everyone
    may see it."""
    author = entry.author
    if not (entry.is_public and _public_person(author)):
        return None
    return ShareCard(
        kind="entry",
        key=str(entry.pk),
        name=author.name,
        handle=author.username,
        initials=author.initials,
        headline=f"Day {entry.number}",
        details=(f"{entry.hours_label} of learning", entry.day_in_words),
        title=entry.title,
        topics=_topic_names(entry.topic_list),
    )


def person_card(person: User) -> ShareCard | None:
    """The image of ``person``'s journey, or None when not everyone may see it. Its figures
    are those the journey shows everyone: private minutes stay private."""
    if not _public_person(person):
        return None
    return ShareCard(
        kind="person",
        key=person.username,
        name=person.name,
        handle=person.username,
        initials=person.initials,
        focus=person.learning_focus,
        figures=(
            _figure(str(person.current_streak), "day in a row", "days in a row"),
            _figure(hours(person.public_minutes), "hour learned", "hours learned"),
            _figure(str(person.public_entry_count), "entry", "entries"),
        ),
    )


def challenge_card(challenge: Challenge, topics: list[Topic]) -> ShareCard | None:
    """The image of ``challenge`` (with its ``topics``), or None when not everyone may
    find it."""
    if not challenge.is_public:
        return None
    return ShareCard(
        kind="challenge",
        key=challenge.slug,
        headline=challenge.title,
        details=(challenge_dates(challenge), f"{challenge.daily_minimum} minutes a day"),
        topics=_topic_names(topics),
        figures=(_figure(str(challenge.participant_count), "participant", "participants"),),
    )


def certificate_card(
    participation: Participation, topics: list[Topic], public_minutes: int, invite: str = ""
) -> ShareCard | None:
    """The image of a finished ``participation``'s certificate, or None when it is not
    finished or its person is not public. Its hours are those of the public entries among
    the days that counted: private minutes stay private, as on the journey.

    The image opens to whoever may see the certificate's page, as its view checks: for an
    invite-only challenge, its members and the holders of ``invite``, which its address
    then carries.
    """
    challenge, person = participation.challenge, participation.person
    if participation.finished_on is None or not _public_person(person):
        return None
    return ShareCard(
        kind="certificate",
        invite="" if challenge.is_public else invite,
        key=str(participation.pk),
        name=person.name,
        handle=person.username,
        initials=person.initials,
        headline=challenge.title,
        details=(finished_dates(participation),),
        topics=_topic_names(topics),
        figures=(
            _figure(str(participation.days_counted), "day counted", "days counted"),
            _figure(hours(public_minutes), "hour of learning", "hours of learning"),
        ),
    )


def challenge_dates(challenge: Challenge) -> str:
    """A challenge's days in words: "1 – 30 March 2026", or how a rolling or open-ended
    one runs."""
    start, end = challenge.starts_on, challenge.ends_on
    if start is None:
        if challenge.length_days:
            return f"{challenge.length_days} days from each person's Day 1"
        return "Every day, from each person's Day 1"
    if end is None:
        return f"From {_day(start)}, open-ended"
    return _span(start, end)


def finished_dates(participation: Participation) -> str:
    """The days a finished ``participation`` covered, from its Day 1 to the last."""
    return _span(participation.first_day, participation.finished_on)


def hours(minutes: int) -> str:
    """``minutes`` as hours with at most one decimal: "1.5", "12"."""
    return f"{minutes / 60:.1f}".removesuffix(".0")


def _day(day: dt.date) -> str:
    return format_date(day, "j F Y")


def _span(first: dt.date, last: dt.date) -> str:
    if first.year != last.year:
        return f"{_day(first)} – {_day(last)}"
    if first.month != last.month:
        return f"{format_date(first, 'j F')} – {_day(last)}"
    return f"{first.day} – {_day(last)}"


def _topic_names(topics: list[Topic]) -> tuple[str, ...]:
    return tuple(f"#{topic.slug}" for topic in topics)


def _figure(number: str, one: str, many: str) -> tuple[str, str]:
    return number, one if number == "1" else many


def entry_tags(request: HttpRequest, entry: Entry) -> ShareTags | None:
    """The tags of ``entry``'s page, the same for every reader; None when it has no image."""
    card = entry_card(entry)
    if card is None:
        return None
    return ShareTags(
        type="article",
        title=f"Day {entry.number}: {entry.title} · {card.name}",
        description=entry.key_lesson or entry.excerpt or card.text,
        url=request.build_absolute_uri(entry.get_absolute_url()),
        image=request.build_absolute_uri(card.path),
        image_alt=card.text,
    )


def journey_tags(request: HttpRequest, person: User) -> ShareTags | None:
    """The tags of ``person``'s journey, the same for every reader; None when it has no image."""
    card = person_card(person)
    if card is None:
        return None
    streak, hours, _ = card.figures
    figures = f"{streak[0]} {streak[1]}, {hours[0]} {hours[1]} on Momentum."
    focus = f"Currently learning {person.learning_focus}. " if person.learning_focus else ""
    return ShareTags(
        type="profile",
        title=f"{card.name}'s journey",
        description=focus + figures,
        url=request.build_absolute_uri(person.get_absolute_url()),
        image=request.build_absolute_uri(card.path),
        image_alt=card.text,
    )


def challenge_tags(
    request: HttpRequest, challenge: Challenge, topics: list[Topic]
) -> ShareTags | None:
    """The tags of ``challenge``'s page, the same for every reader; None when it has no
    image (an invite-only or hidden challenge: its address must not travel)."""
    card = challenge_card(challenge, topics)
    if card is None:
        return None
    people = " ".join(card.figures[0])
    return ShareTags(
        type="website",
        title=f"{challenge.title} · a learning challenge on Momentum",
        description=f"{card.details[1].capitalize()}, {card.details[0]}. {people} so far.",
        url=request.build_absolute_uri(challenge.get_absolute_url()),
        image=request.build_absolute_uri(card.path),
        image_alt=card.text,
    )


def certificate_tags(
    request: HttpRequest, participation: Participation, card: ShareCard | None
) -> ShareTags | None:
    """The tags of a certificate's page with its ``card``, the same for every reader; None
    when it has no card, or when its challenge is not public: an invite-only certificate's
    link must not unfold into a picture that leads strangers to the challenge."""
    if card is None or not participation.challenge.is_public:
        return None
    days, hours_learned = (" ".join(figure) for figure in card.figures)
    return ShareTags(
        type="article",
        title=f"{card.name} finished {card.headline}",
        description=f"{days} and {hours_learned}, {card.details[0]}, on Momentum.",
        url=request.build_absolute_uri(participation.get_absolute_url()),
        image=request.build_absolute_uri(card.path),
        image_alt=card.text,
    )


def store(card: ShareCard) -> None:
    """Draw ``card`` and keep it under its ``storage_name``."""
    saved = store_image(card.storage_name, draw(card))
    if saved != card.storage_name:
        # Another request drew the same image meanwhile, and storage kept both.
        default_storage.delete(saved)


def draw(card: ShareCard) -> bytes:
    """``card`` as a 1200×630 PNG."""
    canvas = _Canvas()
    canvas.glow()
    _brand(canvas)
    LAYOUTS[card.kind](canvas, card)
    return canvas.png()


def _brand(canvas: "_Canvas", *, top: int = 64, size: int = 52, centred: bool = False) -> None:
    """Momentum's icon and name, at the top left or centred."""
    letters = round(size * 0.69)
    gap = round(size * 0.35)
    left = MARGIN
    if centred:
        left = round((WIDTH - size - gap - canvas.length("Momentum", letters, bold=True)) / 2)
    canvas.rounded((left, top, left + size, top + size), size / 4, BRAND)
    # The icon's rising line (static/img/icon.svg), in its 32-unit box.
    unit = size / 32
    canvas.line(
        [
            (left + x * unit, top + y * unit)
            for x, y in ((7, 22), (13, 14), (17, 19), (20, 15), (25, 22))
        ],
        CARD,
        3 * unit,
    )
    canvas.text((left + size + gap, top + size * 0.73), "Momentum", letters, INK, bold=True)


def _entry_layout(canvas: "_Canvas", card: ShareCard) -> None:
    hours, day = card.details
    right = WIDTH - MARGIN
    canvas.text((right, 102), day, 28, MUTED, anchor="rs")
    size, title_lines = _title_lines(canvas, card.title, right - MARGIN)
    leading = round(size * 1.2)
    # Day N and hours, the title and the topics, centred between the brand and the footer.
    height = 32 + 40 + size * 0.72 + leading * (len(title_lines) - 1) + (78 if card.topics else 16)
    y = 140 + (350 - height) / 2 + 32
    x = canvas.text((MARGIN, y), card.headline, 44, ACCENT_DARK, bold=True)
    canvas.text((x + 16, y), f"·  {hours}", 32, MUTED)
    y += 40 + size * 0.72
    for line in title_lines:
        canvas.text((MARGIN, y), line, size, INK, bold=True)
        y += leading
    if card.topics:
        _topics(canvas, card.topics, y - leading + 30)
    _author_footer(canvas, card)


def _topics(
    canvas: "_Canvas", topics: tuple[str, ...], top: float, *, centred: bool = False
) -> None:
    """As many of ``topics`` as fit on one line, as the site's topic chips."""
    chips: list[tuple[str, float]] = []
    end: float = MARGIN
    for topic in topics:
        width = canvas.length(topic, 28) + 32
        if end + width > WIDTH - MARGIN:
            break
        chips.append((topic, width))
        end += width + 14
    x: float = MARGIN + (WIDTH - MARGIN - end + 14) / 2 if centred else MARGIN
    for topic, width in chips:
        canvas.rounded((x, top, x + width, top + 48), 9, TOPIC_BG)
        canvas.text((x + 16, top + 34), topic, 28, TOPIC_INK)
        x += width + 14


def _author_footer(canvas: "_Canvas", card: ShareCard) -> None:
    canvas.rect((MARGIN, 506, WIDTH - MARGIN, 508), LINE)
    canvas.avatar((MARGIN, 532, MARGIN + 64, 596), card.initials, 26)
    name = canvas.wrap(card.name, 32, 560, 1, bold=True)[0]
    canvas.text((MARGIN + 84, 562), name, 32, INK, bold=True)
    canvas.text((MARGIN + 84, 594), f"@{card.handle}", 26, MUTED)
    canvas.text((WIDTH - MARGIN, 578), "One hour of learning a day", 26, MUTED, anchor="rs")


def _person_layout(canvas: "_Canvas", card: ShareCard) -> None:
    canvas.text((WIDTH - MARGIN, 102), "A learning journey", 28, MUTED, anchor="rs")
    # The person, and what they are learning, centred between the brand and the figures.
    top = 116 + (278 - (192 if card.focus else 120)) // 2
    canvas.avatar((MARGIN, top, MARGIN + 120, top + 120), card.initials, 46)
    text_x = MARGIN + 148
    name = canvas.wrap(card.name, 58, WIDTH - MARGIN - text_x, 1, bold=True)[0]
    canvas.text((text_x, top + 60), name, 58, INK, bold=True)
    canvas.text((text_x, top + 106), f"@{card.handle}", 32, MUTED)
    if card.focus:
        label = "CURRENTLY LEARNING"
        x = canvas.text((MARGIN, top + 186), label, 24, ACCENT_DARK, bold=True, spacing=2)
        focus = canvas.wrap(card.focus, 32, WIDTH - MARGIN - x - 16, 1)[0]
        canvas.text((x + 16, top + 186), focus, 32, INK_SOFT)
    width = (WIDTH - 2 * MARGIN - 2 * 24) // 3
    for index, (number, label) in enumerate(card.figures):
        left = MARGIN + index * (width + 24)
        box = (left, 394, left + width, 550)
        # The streak first, marked as on the journey (.stat-streak in site.css).
        streak = index == 0
        canvas.rounded(
            box, 18, ACCENT_SOFT if streak else CARD, outline=ACCENT_LINE if streak else LINE
        )
        canvas.text((left + 28, 484), number, 64, ACCENT_DARK if streak else INK, bold=True)
        canvas.text((left + 28, 524), label, 28, MUTED)


def _challenge_layout(canvas: "_Canvas", card: ShareCard) -> None:
    dates, minimum = card.details
    right = WIDTH - MARGIN
    canvas.text((right, 102), "A learning challenge", 28, MUTED, anchor="rs")
    size, title_lines = _title_lines(canvas, card.headline, right - MARGIN)
    leading = round(size * 1.2)
    # The title, the dates and the topics, centred between the brand and the footer.
    height = size * 0.72 + leading * (len(title_lines) - 1) + (132 if card.topics else 62)
    y = 140 + (366 - height) / 2 + size * 0.72
    for line in title_lines:
        canvas.text((MARGIN, y), line, size, INK, bold=True)
        y += leading
    canvas.text((MARGIN, y - leading + 54), dates, 32, INK_SOFT)
    if card.topics:
        _topics(canvas, card.topics, y - leading + 84)
    canvas.rect((MARGIN, 506, right, 508), LINE)
    number, label = card.figures[0]
    x = canvas.text((MARGIN, 578), number, 44, ACCENT_DARK, bold=True)
    x = canvas.text((x + 14, 578), label, 30, INK_SOFT)
    canvas.text((x + 14, 578), f"·  {minimum}", 30, MUTED)
    canvas.text((right, 578), "Join on Momentum", 26, MUTED, anchor="rs")


def _certificate_layout(canvas: "_Canvas", card: ShareCard) -> None:
    """Centred as a certificate is, inside a frame: the person, the challenge, its figures."""
    canvas.rounded((28, 28, WIDTH - 28, HEIGHT - 28), 22, CARD, outline=ACCENT_LINE)
    canvas.rounded((40, 40, WIDTH - 40, HEIGHT - 40), 16, CARD, outline=LINE)
    middle = WIDTH / 2
    label = "CERTIFICATE OF COMPLETION"
    width = canvas.length(label, 24, bold=True, spacing=3)
    canvas.text((middle - width / 2, 96), label, 24, ACCENT_DARK, bold=True, spacing=3)
    name = canvas.wrap(card.name, 58, WIDTH - 2 * MARGIN - 160, 1, bold=True)[0]
    left = round(middle - (canvas.length(name, 58, bold=True) + 90) / 2)
    canvas.avatar((left, 122, left + 70, 192), card.initials, 27)
    canvas.text((left + 90, 177), name, 58, INK, bold=True)
    canvas.text((middle, 226), f"@{card.handle} finished", 28, MUTED, anchor="ms")
    size, title_lines = _title_lines(
        canvas, card.headline, WIDTH - 2 * MARGIN - 40, sizes=((54, 1), (44, 2))
    )
    y = 226 + size * 1.05
    for line in title_lines:
        canvas.text((middle, y), line, size, ACCENT_DARK, bold=True, anchor="ms")
        y += round(size * 1.15)
    canvas.text((middle, y - round(size * 1.15) + 42), card.details[0], 28, INK_SOFT, anchor="ms")
    # The figures side by side, a rule between them.
    top = 428 if card.topics else 448
    canvas.rect((middle - 1, top - 42, middle + 1, top + 34), LINE)
    for (number, what), centre in zip(card.figures, (middle - 180, middle + 180), strict=True):
        canvas.text((centre, top), number, 52, ACCENT_DARK, bold=True, anchor="ms")
        canvas.text((centre, top + 32), what, 26, MUTED, anchor="ms")
    if card.topics:
        _topics(canvas, card.topics, 482, centred=True)
    _brand(canvas, top=546 if card.topics else 526, size=34, centred=True)


def _title_lines(
    canvas: "_Canvas",
    title: str,
    width: float,
    *,
    sizes: tuple[tuple[int, int], ...] = ((66, 2), (54, 3)),
) -> tuple[int, list[str]]:
    """``title`` at the first of ``sizes`` (letter size, most lines) it fits in, else cut
    to the last: its size and lines."""
    for size, most in sizes[:-1]:
        lines = canvas.wrap(title, size, width, most + 1, bold=True)
        if len(lines) <= most:
            return size, lines
    size, most = sizes[-1]
    return size, canvas.wrap(title, size, width, most, bold=True)


LAYOUTS = {
    "entry": _entry_layout,
    "person": _person_layout,
    "challenge": _challenge_layout,
    "certificate": _certificate_layout,
}


# By weight: bold or not. Pillow's own font lacks even "é"; DejaVu has Latin, Greek and
# Cyrillic (journal/fonts/LICENSE).
FONTS = {
    weight: Path(__file__).parent / "fonts" / name
    for weight, name in ((False, "DejaVuSansCondensed.ttf"), (True, "DejaVuSansCondensed-Bold.ttf"))
}


@functools.lru_cache(maxsize=32)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[bold], size * SCALE)


class _Canvas:
    """A 1200×630 picture drawn at SCALE times the size, in 1200×630 coordinates."""

    def __init__(self) -> None:
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), PAPER)
        self.draw = ImageDraw.Draw(self.image)

    def length(self, text: str, size: int, *, bold: bool = False, spacing: int = 0) -> float:
        wide = _font(size, bold).getlength(text) + spacing * SCALE * len(text)
        return wide / SCALE

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: int,
        fill: str,
        *,
        bold: bool = False,
        anchor: str = "ls",
        spacing: int = 0,
    ) -> float:
        """Draw ``text`` at ``xy``, by default the left end of its baseline; returns where
        text drawn from there ends on the right."""
        x, y = xy
        if spacing:
            for letter in text:
                x = self.text((x, y), letter, size, fill, bold=bold) + spacing
            return x - spacing
        self.draw.text(
            (x * SCALE, y * SCALE),
            text,
            font=_font(size, bold),
            fill=fill,
            anchor=anchor,
        )
        return x + self.length(text, size, bold=bold)

    def wrap(
        self, text: str, size: int, width: float, lines: int, *, bold: bool = False
    ) -> list[str]:
        """``text`` in at most ``lines`` lines no wider than ``width``, the last ending in
        "…" when the rest does not fit; a word wider than a line is cut."""

        def fits(words: str) -> bool:
            return self.length(words, size, bold=bold) <= width

        result: list[str] = []
        current = ""
        for word in " ".join(text.split()).split(" "):
            joined = f"{current} {word}" if current else word
            if fits(joined):
                current = joined
                continue
            if current:
                result.append(current)
            current = word
            while not fits(current):
                cut = next(n for n in range(len(current), 0, -1) if fits(current[:n]) or n == 1)
                result.append(current[:cut])
                current = current[cut:]
            if len(result) >= lines:
                break
        result.append(current)
        if len(result) > lines:
            last = result[lines - 1]
            while last and not fits(last + "…"):
                last = last[:-1]
            result = [*result[: lines - 1], last.rstrip() + "…"]
        return result

    def rect(self, box: tuple[float, float, float, float], fill: str) -> None:
        self.draw.rectangle(self._scaled(box), fill=fill)

    def rounded(
        self,
        box: tuple[float, float, float, float],
        radius: float,
        fill: str,
        *,
        outline: str | None = None,
    ) -> None:
        self.draw.rounded_rectangle(
            self._scaled(box), radius=radius * SCALE, fill=fill, outline=outline, width=2 * SCALE
        )

    def line(self, points: list[tuple[float, float]], fill: str, width: float) -> None:
        scaled = [(x * SCALE, y * SCALE) for x, y in points]
        self.draw.line(scaled, fill=fill, width=round(width * SCALE), joint="curve")
        radius = width * SCALE / 2
        for x, y in (scaled[0], scaled[-1]):
            self.draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)

    def avatar(self, box: tuple[int, int, int, int], initials: str, size: int) -> None:
        """A person's initials on the site's avatar gradient (.avatar in site.css)."""
        left, top, right, _ = self._scaled(box)
        diameter = right - left
        # Light at the top left to the accent at the bottom right, as the CSS's 135deg.
        # Turned within its square, whose corners the disc leaves out.
        shade = Image.linear_gradient("L").rotate(45).resize((diameter, diameter))
        disc = Image.composite(
            Image.new("RGB", shade.size, ACCENT), Image.new("RGB", shade.size, AVATAR_LIGHT), shade
        )
        mask = Image.new("L", shade.size, 0)
        ImageDraw.Draw(mask).ellipse((0, 0, diameter - 1, diameter - 1), fill=255)
        self.image.paste(disc, (left, top), mask)
        centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        self.text(centre, initials, size, CARD, bold=True, anchor="mm")

    def glow(self) -> None:
        """The warm light at the top right of the landing page (.hero in site.css)."""
        radius = 520 * SCALE
        fade = Image.radial_gradient("L").resize((2 * radius, 2 * radius))
        # The gradient reaches 181 at the middle of each side, 255 only in the corners.
        strength = fade.point(lambda distance: max(0, 255 - distance * 255 // 181))
        light = Image.new("RGB", strength.size, HERO_GLOW)
        self.image.paste(light, (1020 * SCALE - radius, 63 * SCALE - radius), strength)

    @staticmethod
    def _scaled(box: tuple[float, float, float, float]) -> tuple[int, int, int, int]:
        left, top, right, bottom = (round(value * SCALE) for value in box)
        return left, top, right, bottom

    def png(self) -> bytes:
        out = io.BytesIO()
        self.image.reduce(SCALE).save(out, "PNG")
        return out.getvalue()
