"""Reading real-world-shaped Markdown: every field of every sample in tests/fixtures/import/,
and every way a file or an archive is refused."""

import datetime as dt
import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from journal.porting import limits
from journal.porting.dates import parse_date
from journal.porting.plan import read_files
from tests.conftest import make_user

FIXTURES = Path(__file__).parent / "fixtures" / "import"
PARIS = dt.timezone(dt.timedelta(hours=2))  # Europe/Paris in September and October 2025
UTC = dt.UTC


@pytest.fixture
def learner(db):
    return make_user("lena", time_zone="Europe/Paris", daily_goal_minutes=60)


def read(user, *names):
    """The plan for fixture files, named relative to the fixtures folder."""
    return read_files(
        ((name, io.BytesIO((FIXTURES / name).read_bytes())) for name in names), user=user
    )


def read_bytes(user, name, data):
    return read_files([(name, io.BytesIO(data))], user=user)


def only_draft(plan):
    (report,) = plan.files
    assert report.error == ""
    (draft,) = report.drafts
    return draft


def noon(day):
    return dt.datetime.combine(day, dt.time(12), PARIS)


def test_jekyll_post_with_everything(learner):
    draft = only_draft(read(learner, "jekyll/2025-09-17-day-1.md"))
    assert draft.day == dt.date(2025, 9, 17)
    assert draft.title == "Day 1: Setting up PyTorch"
    assert draft.minutes == 75
    # categories, then Jekyll's space-separated tags string
    assert draft.topics == ["machine-learning", "python", "pytorch", "cnn"]
    assert draft.body.startswith("Installed PyTorch and ran the [60-minute blitz](https://")
    assert "```python\nimport torch\nx = torch.rand(5, 3)\nprint(x)\n```" in draft.body
    assert "Reflection" not in draft.body
    assert draft.reflection == "Setting up took longer than learning. Next time: conda env first."
    assert draft.key_lesson == ""
    assert draft.visibility == "public"
    assert draft.created_at == dt.datetime(2025, 9, 17, 21, 30, tzinfo=PARIS)
    assert draft.updated_at == dt.datetime(2025, 9, 18, 8, 0, tzinfo=PARIS)
    assert draft.notes == []
    assert draft.source == "jekyll/2025-09-17-day-1.md"


def test_jekyll_draft_dated_by_its_file_name(learner):
    draft = only_draft(read(learner, "jekyll/2025-09-18-convolutions-finally-clicked.md"))
    assert draft.day == dt.date(2025, 9, 18)
    assert draft.title == "Convolutions finally clicked"
    assert draft.minutes == 90  # "duration: 90 min"
    assert draft.topics == ["computer-vision"]  # a one-word categories string
    assert draft.visibility == "private"
    assert draft.notes == ["It is marked as a draft, so it is imported as private."]
    # The script is still in the Markdown: Entry.save sanitises it (tested in test_import).
    assert "<script>" in draft.body
    assert draft.created_at == draft.updated_at == noon(dt.date(2025, 9, 18))


def test_jekyll_day_first_date_and_key_lesson(learner):
    draft = only_draft(read(learner, "jekyll/2025-09-19-day-3.md"))
    assert draft.day == dt.date(2025, 9, 19)
    assert draft.title == "Ownership and borrowing"
    assert draft.minutes == 90  # "1h30"
    assert draft.topics == ["Rust", "systems"]
    assert draft.key_lesson == "A borrow is a promise the compiler can check."
    assert draft.body == "Chapters 4 and 5 of the Rust book, with the exercises."
    assert draft.reflection == ""
    assert draft.visibility == "public"


def test_front_matter_date_wins_over_the_file_name(learner):
    draft = only_draft(read(learner, "jekyll/2025-09-20-reading-papers.md"))
    assert draft.day == dt.date(2025, 9, 21)  # "Sep 21, 2025"
    assert draft.minutes == 120  # "2 hours"
    assert draft.visibility == "private"  # published: false
    assert draft.body == "Three passes over the ResNet paper: skim, read, reproduce a figure."
    assert draft.reflection == "The figures tell you what the authors think matters."
    assert draft.topics == []


def test_hugo_yaml_post(learner):
    draft = only_draft(read(learner, "hugo/first-week-recap.md"))
    assert draft.day == dt.date(2025, 9, 22)
    assert draft.title == "First week recap"
    assert draft.minutes == 60  # the learner's goal
    assert draft.topics == ["Meta", "recap", "learning-in-public"]
    assert draft.visibility == "public"  # draft: false
    assert draft.created_at == dt.datetime(2025, 9, 22, 8, 15, tzinfo=UTC)
    assert draft.updated_at == dt.datetime(2025, 9, 23, 9, 0, tzinfo=UTC)
    # The cover image on the web is kept, at the top of the body.
    assert draft.body == (
        "![](https://example.com/images/week-1.png)\n\n"
        "Seven days in. What worked: mornings. What did not: evenings after work."
    )


def test_hugo_toml_post(learner):
    draft = only_draft(read(learner, "hugo/toml-front-matter.md"))
    assert draft.day == dt.date(2025, 9, 23)
    assert draft.title == "Goroutines and channels"
    assert draft.minutes == 45
    assert draft.topics == ["go", "concurrency"]
    assert draft.visibility == "private"
    assert draft.created_at == dt.datetime(2025, 9, 23, 7, 0, tzinfo=PARIS)
    assert draft.body == "A tour of Go, concurrency section. Wrote a worker pool."


def test_note_without_front_matter_takes_its_first_heading(learner):
    draft = only_draft(read(learner, "notes/2025-09-24.md"))
    assert draft.day == dt.date(2025, 9, 24)
    assert draft.title == "Backprop by hand"
    # The heading became the title, so it is not repeated in the body.
    assert draft.body == (
        "Derived the gradients of a two-layer network on paper, then checked them with autograd."
    )
    assert (draft.minutes, draft.topics, draft.visibility) == (60, [], "public")
    assert draft.created_at == noon(dt.date(2025, 9, 24))


def test_note_without_heading_is_named_after_its_file(learner):
    draft = only_draft(read(learner, "notes/2025-09-25-gradient-descent.md"))
    assert (draft.day, draft.title) == (dt.date(2025, 9, 25), "Gradient descent")
    assert draft.body.startswith("Plotted the loss surface")


def test_note_without_any_date_is_refused(learner):
    (report,) = read(learner, "notes/25.09.2025-notes.md").files
    assert report.drafts == []
    assert "It has no date" in report.error
    assert "2025-09-17-day-1.md" in report.error


# tests/fixtures/import/learner/why-i-am-starting.md, indented by one space as it came.
LEARNER_BODY = """I have started online courses before and stopped after a week. This time I write
every day, in public, so that stopping shows.

## The plan

- One hour a day, before work.
- One note a day, even a short one:
  - what I studied,
  - what I understood,
  - what I will try tomorrow.

The first thing I wrote was a streak counter:

```python
def streak(days):
    return len(days)
```

Tomorrow: chapter one of *Deep Learning with Python*."""


def test_indented_post_dated_by_its_last_modified_at(learner):
    draft = only_draft(read(learner, "learner/why-i-am-starting.md"))
    assert draft.day == dt.date(2025, 9, 17)  # 17-09-2025 23.23, day first
    assert draft.title == "Momentum Learning Series, Day 1: Why I am starting"
    assert draft.topics == ["Momentum_Learning", "Learning Journey"]
    # The whole body, back at the margin, its nested list and code indentation kept.
    assert draft.body == LEARNER_BODY
    assert draft.reflection == ""
    assert draft.minutes == 60
    assert draft.created_at == draft.updated_at == dt.datetime(2025, 9, 17, 23, 23, tzinfo=PARIS)
    # The cover is a path into the learner's own site, which the upload does not hold.
    assert draft.notes == [
        "It has no date, so its day is taken from its last_modified_at.",
        "Its cover image “../../assets/images/start.jpeg” is left out: only a cover with a "
        "web address (https://…) comes with an entry. Add the picture to the entry after the "
        "import.",
    ]


@pytest.mark.parametrize(
    ("name", "front_matter", "day", "note"),
    [
        ("note.md", "lastmod: 2025-09-20T08:00:00+02:00", dt.date(2025, 9, 20), "lastmod"),
        ("note.md", "updated: 20/09/2025", dt.date(2025, 9, 20), "updated"),
        ("note.md", "date: 2025-09-18\nlast_modified_at: 20-09-2025", dt.date(2025, 9, 18), ""),
        ("2025-09-19-note.md", "last_modified_at: 20-09-2025", dt.date(2025, 9, 19), ""),
    ],
)
def test_date_then_file_name_then_last_change(learner, name, front_matter, day, note):
    data = f"---\n{front_matter}\n---\nText.".encode()
    draft = only_draft(read_bytes(learner, name, data))
    assert draft.day == day
    expected = [f"It has no date, so its day is taken from its {note}."] if note else []
    assert draft.notes == expected


def test_unreadable_last_modified_at_is_named(learner):
    data = b"---\nlast_modified_at: 09/17/2025\n---\nText."
    (report,) = read_bytes(learner, "note.md", data).files
    assert report.error == (
        "Its last_modified_at “09/17/2025” is not a date we can read; "
        "write it as 2025-09-17 (or 17-09-2025, day first)."
    )


def test_indented_front_matter_over_a_text_at_the_margin(learner):
    data = (
        b"  ---\n  date: 2025-09-17\n  tags:\n    - rust\n  ---\n"
        b"Text.\n\n    an indented code block\n"
    )
    draft = only_draft(read_bytes(learner, "note.md", data))
    assert (draft.day, draft.topics) == (dt.date(2025, 9, 17), ["rust"])
    # Only a text indented whole is moved back: here the code block stays one.
    assert draft.body == "Text.\n\n    an indented code block"


def test_indented_front_matter_never_closed(learner):
    (report,) = read_bytes(learner, "note.md", b"\n ---\n date: 2025-09-17\n Text.").files
    assert report.error == "Its front matter opens with “---” but is never closed."


def test_log_becomes_one_entry_a_day(learner):
    (report,) = read(learner, "logs/log.md").files
    assert report.error == ""
    days = report.drafts
    assert [d.source for d in days] == [f"logs/log.md › Day {n}" for n in (1, 2, 3, 4)]
    # Day 1 from start_date; the others from the dates in their headings.
    assert [d.day for d in days] == [
        dt.date(2025, 10, 1),
        dt.date(2025, 10, 3),
        dt.date(2025, 10, 4),
        dt.date(2025, 10, 6),
    ]
    assert [d.title for d in days] == ["Day 1", "Day 2", "Attention is all you need", "Tokenisers"]
    assert [d.minutes for d in days] == [60, 120, 60, 50]
    assert all(d.topics == ["ml", "100-days"] for d in days)
    assert all(d.visibility == "public" for d in days)
    assert days[0].body == "Linear regression from scratch in NumPy."
    assert days[0].notes == ["The text before “Day 1” is not imported."]
    assert days[1].body == "Logistic regression. Took a day off yesterday.\nTime: 2h"
    assert days[1].reflection == "Off days happen; the log keeps me honest."
    # A "### Day 99" inside a code block is text, not a new day.
    assert "### Day 99" in days[2].body
    assert days[3].body == "Byte-pair encoding by hand.\n**Minutes:** 50"


def test_log_without_dates_is_refused_whole(learner):
    (report,) = read(learner, "broken/log-without-dates.md").files
    assert report.drafts == []
    assert report.error == (
        "Day 1 has no date. Put one in its heading (## Day 1 — 2025-09-17) "
        "or a start_date in the front matter."
    )


def test_log_day_without_text_is_refused_alone(learner):
    plan = read_bytes(
        learner,
        "log.md",
        b"## Day 1 - 2025-10-01\nStudied.\n\n## Day 2 - 2025-10-02\n\n## Day 3 - 2025-10-03\nMore.",
    ).check(learner)
    assert [d.status for d in plan.drafts()] == ["new", "refused", "new"]
    assert plan.drafts()[1].problem == "This day has no text."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("broken/bad-yaml.md", "Its front matter cannot be read on line 5: "),
        (
            "broken/unclosed-front-matter.md",
            "Its front matter opens with “---” but is never closed.",
        ),
        ("broken/2025-09-28-empty.md", "It has no text after its front matter."),
        ("broken/2025-09-29-bad-minutes.md", "Its minutes (2000) must be between 1 and 1440."),
    ],
)
def test_broken_files_are_refused_with_the_reason(learner, name, message):
    (report,) = read(learner, name).files
    assert report.drafts == []
    assert report.error.startswith(message)


def test_binary_file(learner):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    (report,) = read_bytes(learner, "2025-09-17-photo.md", png).files
    assert report.error == "It is a binary file, not Markdown text."


def test_file_that_is_not_utf8(learner):
    latin1 = "---\ntitle: Café\ndate: 2025-09-17\n---\nDéjà vu.\n".encode("latin-1")
    (report,) = read_bytes(learner, "cafe.md", latin1).files
    assert report.error.startswith("It is not UTF-8 text")


def test_utf8_with_a_byte_order_mark_is_fine(learner):
    data = "\ufeff---\ntitle: Café\ndate: 2025-09-17\n---\nDéjà vu.\n".encode()
    assert only_draft(read_bytes(learner, "cafe.md", data)).title == "Café"


def test_huge_file(learner):
    data = b"---\ndate: 2025-09-17\n---\n" + b"word " * (limits.MAX_FILE_BYTES // 5 + 1)
    (report,) = read_bytes(learner, "huge.md", data).files
    assert report.error == "It is larger than 1 MB, the most one file may hold."


def test_other_kinds_of_file_are_refused(learner):
    (report,) = read_bytes(learner, "notes.docx", b"PK\x03\x04").files
    assert report.error == "Only Markdown files (.md) and ZIP archives are imported."


def test_front_matter_that_is_not_a_mapping(learner):
    (report,) = read_bytes(learner, "list.md", b"---\n- a\n- b\n---\nText.").files
    assert report.error == "Its front matter is not a list of “key: value” lines."


def test_a_future_day_is_refused(learner):
    tomorrow = learner.local_today() + dt.timedelta(days=1)
    plan = read_bytes(learner, f"{tomorrow}-plans.md", b"Tomorrow I will learn.").check(learner)
    (draft,) = plan.drafts()
    assert draft.status == "refused"
    assert draft.problem == "It is dated in the future; only past days can be imported."


def test_two_files_for_one_day_conflict(learner):
    plan = read_files(
        [
            ("2025-09-17-a.md", io.BytesIO(b"First.")),
            ("b.md", io.BytesIO(b"---\ndate: 17/09/2025\n---\nSecond.")),
        ],
        user=learner,
    ).check(learner)
    first, second = plan.drafts()
    assert first.status == "new"
    assert second.status == "duplicate"
    assert second.duplicate_of == "2025-09-17-a.md"


# Archives


def zip_of(members, **options):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data, **options)
    return buffer.getvalue()


def test_archive_of_posts(learner):
    data = zip_of(
        {
            "_posts/2025-09-17-day-1.md": (FIXTURES / "jekyll/2025-09-17-day-1.md").read_bytes(),
            "_posts/2025-09-19-day-3.md": (FIXTURES / "jekyll/2025-09-19-day-3.md").read_bytes(),
            "assets/cover.png": b"\x89PNG",
            "journal.json": b"{}",
            "__MACOSX/_posts/._2025-09-17-day-1.md": b"\x00\x05\x16\x07",
        }
    )
    plan = read_bytes(learner, "blog.zip", data)
    assert [report.name for report in plan.files] == [
        "blog.zip › _posts/2025-09-17-day-1.md",
        "blog.zip › _posts/2025-09-19-day-3.md",
    ]
    assert [d.title for d in plan.drafts()] == [
        "Day 1: Setting up PyTorch",
        "Ownership and borrowing",
    ]
    assert plan.notes == [
        "blog.zip: these images could not be read and were left out: assets/cover.png",
        "blog.zip: only .md files are imported; ignored journal.json.",
    ]


def test_archive_paths_that_escape_are_refused(learner):
    data = zip_of(
        {
            "../2025-09-17-escape.md": b"Climbing out.",
            "/etc/2025-09-18-absolute.md": b"Absolute.",
            "posts/../../2025-09-19-deep.md": b"Deeper.",
            "2025-09-20-fine.md": b"Fine.",
        }
    )
    plan = read_bytes(learner, "evil.zip", data)
    errors = {report.name.split(" › ")[1]: report.error for report in plan.files}
    assert errors == {
        "../2025-09-17-escape.md": "Its path climbs out of the archive with “..”.",
        "/etc/2025-09-18-absolute.md": "Its path is absolute, which would put it outside the archive.",
        "posts/../../2025-09-19-deep.md": "Its path climbs out of the archive with “..”.",
        "2025-09-20-fine.md": "",
    }
    assert [d.title for d in plan.drafts()] == ["Fine"]


def test_archive_symlinks_are_refused(learner):
    link = zipfile.ZipInfo("2025-09-17-link.md")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    (report,) = read_bytes(learner, "links.zip", buffer.getvalue()).files
    assert report.error == "It is a symbolic link; links are never followed out of an archive."


def test_encrypted_members_are_refused(learner):
    data = bytearray(zip_of({"2025-09-17-secret.md": b"Scrambled."}))
    # zipfile cannot encrypt; set the "encrypted" flag in both headers by hand.
    struct.pack_into("<H", data, 6, 0x1)
    struct.pack_into("<H", data, data.index(b"PK\x01\x02") + 8, 0x1)
    (report,) = read_bytes(learner, "locked.zip", bytes(data)).files
    assert report.error == "It is encrypted."


def test_zip_bomb_member_declaring_a_huge_size(learner):
    data = zip_of({"2025-09-17-bomb.md": b"0" * (limits.MAX_FILE_BYTES * 3)})
    assert len(data) < 10_000
    (report,) = read_bytes(learner, "bomb.zip", data).files
    assert report.error == "It unpacks to more than 1 MB, the most one file may hold."


def test_zip_bomb_member_lying_about_its_size(learner):
    content = b"0" * (limits.MAX_FILE_BYTES * 3)
    data = bytearray(zip_of({"2025-09-17-liar.md": content}))
    # Claim 100 bytes in both the local header and the central directory.
    struct.pack_into("<I", data, 22, 100)
    struct.pack_into("<I", data, data.index(b"PK\x01\x02") + 24, 100)
    (report,) = read_bytes(learner, "liar.zip", bytes(data)).files
    assert report.drafts == []
    assert report.error.startswith("It is damaged or packed in a way we cannot read")


def test_zip_bomb_of_many_members_unpacking_past_the_total(learner):
    members = {
        f"2025-01-{n:02d}-day.md": b"Studied. " + b"0" * (limits.MAX_FILE_BYTES - 100)
        for n in range(1, 25)
    }
    data = zip_of(members)
    assert len(data) < 200_000
    (report,) = read_bytes(learner, "many.zip", data).files
    assert report.name == "many.zip"
    assert report.error.startswith("Together the files hold more than 20 MB of text")


def test_archive_with_too_many_members(learner):
    data = zip_of({f"{n}.txt": b"" for n in range(limits.MAX_ARCHIVE_MEMBERS + 1)})
    (report,) = read_bytes(learner, "crowd.zip", data).files
    assert report.error == f"It holds more than {limits.MAX_ARCHIVE_MEMBERS} files."


def test_not_a_zip_at_all(learner):
    (report,) = read_bytes(learner, "posts.zip", b"just text").files
    assert report.error == "It is not a ZIP archive we can open."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25", dt.date(2026, 11, 25)),
        ("2026-11-25T08:30:00", dt.datetime(2026, 11, 25, 8, 30)),
        ("2026-11-25T08:30:00Z", dt.datetime(2026, 11, 25, 8, 30, tzinfo=UTC)),
        ("2026-11-25 08:30:00 +0200", dt.datetime(2026, 11, 25, 8, 30, tzinfo=PARIS)),
        ("2026-11-25 08:30:00 +02:00", dt.datetime(2026, 11, 25, 8, 30, tzinfo=PARIS)),
        ("25/11/2026", dt.date(2026, 11, 25)),
        ("25.11.2026", dt.date(2026, 11, 25)),
        ("25-11-2026", dt.date(2026, 11, 25)),
        ("2026/11/25", dt.date(2026, 11, 25)),
        ("25 November 2026", dt.date(2026, 11, 25)),
        ("25th Nov 2026", dt.date(2026, 11, 25)),
        ("Nov 25, 2026", dt.date(2026, 11, 25)),
        ("November 25, 2026", dt.date(2026, 11, 25)),
        ("Wednesday, 25 November 2026", dt.date(2026, 11, 25)),
        ("25 Sept 2026", dt.date(2026, 9, 25)),
        # Numbers are read day first unless the first is a year: one rule, whatever the line.
        ("17-09-2025", dt.date(2025, 9, 17)),
        ("17/09/2025", dt.date(2025, 9, 17)),
        ("03-04-2025", dt.date(2025, 4, 3)),
        ("03/04/2025", dt.date(2025, 4, 3)),
        ("2025/04/03", dt.date(2025, 4, 3)),
        ("2025.04.03", dt.date(2025, 4, 3)),
        ("09/17/2025", None),
        # A time after the date, as people write it.
        ("25/11/2026 21:30", dt.datetime(2026, 11, 25, 21, 30)),
        ("17-09-2025 23:23", dt.datetime(2025, 9, 17, 23, 23)),
        ("17-09-2025 23:23:05", dt.datetime(2025, 9, 17, 23, 23, 5)),
        ("17-09-2025 23:23 +0200", dt.datetime(2025, 9, 17, 23, 23, tzinfo=PARIS)),
        ("17-09-2025 23:23:05 +02:00", dt.datetime(2025, 9, 17, 23, 23, 5, tzinfo=PARIS)),
        ("17-09-2025 23:23 UTC", dt.datetime(2025, 9, 17, 23, 23, tzinfo=UTC)),
        ("17-09-2025 23:23Z", dt.datetime(2025, 9, 17, 23, 23, tzinfo=UTC)),
        ("17-09-2025 23.23", dt.datetime(2025, 9, 17, 23, 23)),
        ("17/09/2025 23h23", dt.datetime(2025, 9, 17, 23, 23)),
        ("17.09.2025 11.23 pm", dt.datetime(2025, 9, 17, 23, 23)),
        ("17 September 2025, at 11.23 PM", dt.datetime(2025, 9, 17, 23, 23)),
        ("Sep 17, 2025 9 p.m.", dt.datetime(2025, 9, 17, 21, 0)),
        ("17-09-2025 12.05 am", dt.datetime(2025, 9, 17, 0, 5)),
        ("2025-09-17 23.23", dt.datetime(2025, 9, 17, 23, 23)),
        ("2025-09-17 23h23 +0200", dt.datetime(2025, 9, 17, 23, 23, tzinfo=PARIS)),
        # A time that is no time makes the whole date unreadable, not a day without it.
        ("17-09-2025 25.00", None),
        ("17-09-2025 13 pm", None),
        ("17-09-2025 23:23 +2500", None),
        ("tomorrow", None),
        ("31/02/2026", None),
        ("2026-11-25" + " " * 1000, dt.date(2026, 11, 25)),
        ("1" * 1000, None),
    ],
)
def test_dates_as_people_type_them(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("value", "minutes"),
    [(90, 90), ("90", 90), ("90 min", 90), ("45 minutes", 45), ("1.5 h", 90), ("1h30", 90),
     ("1 h 30 min", 90), ("2 hours", 120), ("1:15", 75), ("PT1H30M", 90), (75.0, 75)],
)  # fmt: skip
def test_minutes_as_people_write_them(learner, value, minutes):
    data = f"---\ndate: 2025-09-17\nminutes: {value!r}\n---\nText.".encode()
    assert only_draft(read_bytes(learner, "m.md", data)).minutes == minutes


@pytest.mark.parametrize("value", ["a while", "0", "25h", True])
def test_minutes_that_make_no_sense(learner, value):
    data = f"---\ndate: 2025-09-17\nminutes: {str(value).lower()}\n---\nText.".encode()
    (report,) = read_bytes(learner, "m.md", data).files
    assert "minutes" in report.error


def test_long_lines_do_not_make_parsing_slow(learner):
    line = "## Day 1 " + " " * 200_000 + "x\n## Reflection" + " " * 200_000 + "x\n"
    data = ("---\nstart_date: 2025-09-17\n---\n" + line + "## Day 2\nMore.").encode()
    plan = read_bytes(learner, "log.md", data)
    assert [d.day for d in plan.drafts()] == [dt.date(2025, 9, 17), dt.date(2025, 9, 18)]
