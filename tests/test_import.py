"""Import through /settings/import/ (upload, preview, confirm) and `manage.py import_posts`:
days kept, Day N renumbered, streaks recomputed, conflicts reported, all or nothing."""

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command, execute_from_command_line
from django.test import Client
from django.urls import reverse

from journal import services
from journal.models import Comment, Entry, Topic
from journal.porting.plan import read_files
from journal.views.porting import SESSION_KEY
from tests.conftest import days_ago, make_user, write_entry
from tests.test_import_files import LEARNER_BODY

FIXTURES = Path(__file__).parent / "fixtures" / "import"
LEARNER_POST = "learner/why-i-am-starting.md"
UPLOAD = reverse("journal:import_upload")
PREVIEW = reverse("journal:import_preview")


def md(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/markdown")


def post_of(day, title, minutes=60, **extra):
    lines = [f"title: {title}", f"date: {day.isoformat()}", f"minutes: {minutes}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "---\n" + "\n".join(lines) + f"\n---\nStudied {title}.\n"


def upload(client, *files):
    return client.post(UPLOAD, {"files": list(files)})


def confirm(client, **fields):
    token = client.session[SESSION_KEY]["token"]
    return client.post(PREVIEW, {"token": token, **fields})


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_import_pages_need_a_participant(client, alice):
    for url in (UPLOAD, PREVIEW):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    alice.is_suspended = True
    alice.save()
    client.force_login(alice)
    assert client.get(UPLOAD).status_code == 403
    assert upload(client, md("2025-09-17-a.md", "Text.")).status_code == 403


def test_settings_link_to_export_and_import(signed_in):
    page = signed_in.get(reverse("journal:settings")).content.decode()
    assert f'action="{reverse("journal:export")}"' in page
    assert "Export my journal" in page
    assert f'href="{UPLOAD}"' in page


def test_upload_shows_a_preview_and_writes_nothing(signed_in, alice):
    assert signed_in.get(UPLOAD).status_code == 200
    response = upload(
        signed_in,
        md("2025-09-17-day-1.md", (FIXTURES / "jekyll/2025-09-17-day-1.md").read_text()),
        md("bad.md", (FIXTURES / "broken/bad-yaml.md").read_text()),
        md("2025-09-18-second.md", "# Second day\n\nMore."),
    )
    assert response.status_code == 302
    assert response["Location"] == PREVIEW
    assert not Entry.objects.exists()

    page = signed_in.get(PREVIEW).content.decode()
    for shown in (
        "2025-09-17-day-1.md",
        "Wed 17 Sep 2025",
        "Day 1: Setting up PyTorch",
        "75",
        "machine-learning",
        "Will be imported",
        "bad.md",
        "Its front matter cannot be read on line 5",
        "Second day",
        "<strong>2</strong> new entries",
    ):
        assert shown in page
    assert not Entry.objects.exists()


def test_confirm_imports_keeps_days_renumbers_and_recomputes_streaks(signed_in, alice):
    today = write_entry(alice, title="Today, typed")
    assert (today.number, alice.current_streak) == (1, 1)
    upload(
        signed_in,
        md("a.md", post_of(days_ago(alice, 3), "Three days ago", topics="[python, rust]")),
        md("b.md", post_of(days_ago(alice, 2), "Two days ago")),
        md("c.md", post_of(days_ago(alice, 1), "Yesterday", minutes=20)),
        md("d.md", post_of(days_ago(alice, 400), "Long ago", minutes=120)),
    )
    response = confirm(signed_in)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:journey", args=["alice"])
    assert SESSION_KEY not in signed_in.session

    entries = list(Entry.objects.filter(author=alice).order_by("day"))
    assert [(e.number, e.title) for e in entries] == [
        (1, "Long ago"),
        (2, "Three days ago"),
        (3, "Two days ago"),
        (4, "Yesterday"),
        (5, "Today, typed"),
    ]
    assert sorted(t.slug for t in entries[1].topics.all()) == ["python", "rust"]
    assert entries[1].body_html == "<p>Studied Three days ago.</p>"
    alice.refresh_from_db()
    # Yesterday's 20 minutes are under the goal of 60: the run is today alone.
    assert (alice.entry_count, alice.total_minutes) == (5, 60 + 60 + 60 + 20 + 120)
    assert (alice.current_streak, alice.longest_streak) == (1, 2)

    journey = signed_in.get(response["Location"]).content.decode()
    assert "Imported 4 entries." in journey
    assert "Three days ago" in journey


def test_imported_markdown_is_sanitised(signed_in, alice):
    name = "2025-09-18-convolutions-finally-clicked.md"
    upload(signed_in, md(name, (FIXTURES / "jekyll" / name).read_text()))
    confirm(signed_in)
    entry = Entry.objects.get(author=alice)
    assert "<script" not in entry.body_html
    assert entry.visibility == Entry.Visibility.PRIVATE
    assert entry.created_at == dt.datetime(2025, 9, 18, 10, 0, tzinfo=dt.UTC)


def test_existing_day_is_a_conflict_skipped_unless_replaced(signed_in, alice, bob):
    mine = write_entry(alice, day=days_ago(alice, 1), title="Typed yesterday")
    Comment.objects.create(entry=mine, author=bob, body="Nice")
    upload(signed_in, md("y.md", post_of(days_ago(alice, 1), "Imported yesterday", minutes=90)))
    page = signed_in.get(PREVIEW).content.decode()
    assert "You already have “Typed yesterday” on this day" in page
    assert 'name="replace"' in page

    response = confirm(signed_in)
    assert signed_in.get(response["Location"]).status_code == 200
    mine.refresh_from_db()
    assert mine.title == "Typed yesterday"

    upload(signed_in, md("y.md", post_of(days_ago(alice, 1), "Imported yesterday", minutes=90)))
    confirm(signed_in, replace="1")
    mine.refresh_from_db()
    assert (mine.title, mine.minutes, mine.number) == ("Imported yesterday", 90, 1)
    assert mine.comments.count() == 1
    assert Entry.objects.filter(author=alice).count() == 1


def test_two_files_for_one_day_are_a_conflict_not_a_crash(signed_in, alice):
    day = days_ago(alice, 5)
    upload(
        signed_in, md("first.md", post_of(day, "First")), md("second.md", post_of(day, "Second"))
    )
    page = signed_in.get(PREVIEW).content.decode()
    assert "Same day as first.md; only that one is imported." in page
    confirm(signed_in, replace="1")
    assert list(Entry.objects.filter(author=alice).values_list("title", flat=True)) == ["First"]


def test_future_day_is_refused(signed_in, alice):
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    upload(signed_in, md("t.md", post_of(tomorrow, "Tomorrow")))
    page = signed_in.get(PREVIEW).content.decode()
    assert "It is dated in the future; only past days can be imported." in page
    assert "There is nothing to import in these files." in page
    assert not Entry.objects.exists()


def test_import_is_one_transaction(signed_in, alice, monkeypatch):
    write_entry(alice, title="Already here")
    upload(
        signed_in,
        md("a.md", post_of(days_ago(alice, 3), "A", topics="[x]")),
        md("b.md", post_of(days_ago(alice, 2), "B", topics="[y]")),
    )
    calls = []
    real = Topic.from_names

    def failing(names):
        calls.append(names)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real(names)

    monkeypatch.setattr(Topic, "from_names", failing)
    with pytest.raises(RuntimeError):
        confirm(signed_in)
    assert list(Entry.objects.values_list("title", flat=True)) == ["Already here"]
    alice.refresh_from_db()
    assert alice.entry_count == 1


def test_confirm_needs_the_preview_token_and_csrf(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    page = client.get(UPLOAD).content.decode()
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    client.post(
        UPLOAD,
        {"files": [md("a.md", post_of(days_ago(alice, 2), "A"))], "csrfmiddlewaretoken": csrf},
    )
    assert client.post(PREVIEW, {"token": client.session[SESSION_KEY]["token"]}).status_code == 403
    response = client.post(PREVIEW, {"token": "stale", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert not Entry.objects.exists()
    client.post(
        PREVIEW, {"token": client.session[SESSION_KEY]["token"], "csrfmiddlewaretoken": csrf}
    )
    assert Entry.objects.filter(author=alice, title="A").exists()


def test_cancel_forgets_the_files(signed_in, alice):
    upload(signed_in, md("a.md", post_of(days_ago(alice, 2), "A")))
    response = signed_in.post(PREVIEW, {"cancel": "1"})
    assert response["Location"] == reverse("journal:settings")
    assert SESSION_KEY not in signed_in.session
    assert signed_in.get(PREVIEW)["Location"] == UPLOAD
    assert not Entry.objects.exists()


def test_a_preview_belongs_to_its_session(signed_in, alice, bob):
    upload(signed_in, md("a.md", post_of(days_ago(alice, 2), "A")))
    other = Client()
    other.force_login(bob)
    assert other.get(PREVIEW)["Location"] == UPLOAD
    assert (
        other.post(PREVIEW, {"token": signed_in.session[SESSION_KEY]["token"]}).status_code == 302
    )
    assert not Entry.objects.exists()


def test_upload_form_refuses_nothing_and_too_much(signed_in, monkeypatch):
    response = signed_in.post(UPLOAD, {})
    assert response.status_code == 400
    monkeypatch.setattr("journal.forms.MAX_UPLOAD_BYTES", 10)
    response = upload(signed_in, md("a.md", "more than ten bytes"))
    assert response.status_code == 400
    assert "together; import them in smaller batches" in response.content.decode()


def test_zip_upload(signed_in, alice):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "_posts/2025-09-19-day-3.md", (FIXTURES / "jekyll/2025-09-19-day-3.md").read_text()
        )
        archive.writestr("../escape.md", "Nope.")
        archive.writestr("cover.png", b"\x89PNG")
    upload(signed_in, SimpleUploadedFile("blog.zip", buffer.getvalue(), "application/zip"))
    page = signed_in.get(PREVIEW).content.decode()
    assert "blog.zip › _posts/2025-09-19-day-3.md" in page
    assert "Its path climbs out of the archive with “..”." in page
    assert "these images could not be read and were left out: cover.png" in page
    confirm(signed_in)
    assert list(Entry.objects.values_list("title", "day")) == [
        ("Ownership and borrowing", dt.date(2025, 9, 19))
    ]


def test_learners_undated_indented_post_comes_in(signed_in, alice):
    help_text = signed_in.get(UPLOAD).content.decode()
    assert (
        "<code>last_modified_at</code>, <code>lastmod</code> or <code>updated</code>" in help_text
    )
    assert "Numbers are read day first, as Europe writes them" in help_text
    text = (FIXTURES / LEARNER_POST).read_text()
    assert upload(signed_in, md("why-i-am-starting.md", text))["Location"] == PREVIEW
    page = signed_in.get(PREVIEW).content.decode()
    for shown in (
        "Wed 17 Sep 2025",
        "Momentum Learning Series, Day 1: Why I am starting",
        '<span class="topic">Momentum_Learning</span>',
        '<span class="topic">Learning Journey</span>',
        "Will be imported",
        "It has no date, so its day is taken from its last_modified_at.",
        "Its cover image “../../assets/images/start.jpeg” is left out",
    ):
        assert shown in page
    confirm(signed_in)
    entry = Entry.objects.get(author=alice)
    assert (entry.day, entry.title) == (
        dt.date(2025, 9, 17),
        "Momentum Learning Series, Day 1: Why I am starting",
    )
    assert sorted(entry.topics.values_list("name", flat=True)) == [
        "Learning Journey",
        "Momentum_Learning",
    ]
    assert entry.body == LEARNER_BODY
    assert "start.jpeg" not in entry.body_html
    assert "<pre><code>def streak(days):\n    return len(days)\n</code></pre>" in entry.body_html
    page = signed_in.get(reverse("journal:journey", args=["alice"])).content.decode()
    assert "Momentum Learning Series, Day 1: Why I am starting" in page


# The command


def test_import_posts_command(alice, tmp_path):
    write_entry(alice, day=dt.date(2025, 9, 19), title="Typed on the 19th")
    out, err = io.StringIO(), io.StringIO()
    # What can be imported is, and the command still fails for the file that cannot be.
    with pytest.raises(CommandError, match=r"^1 could not be imported \(see above\); the others"):
        call_command(
            "import_posts",
            str(FIXTURES / "jekyll"),
            str(FIXTURES / "logs/log.md"),
            str(FIXTURES / "broken/bad-yaml.md"),
            user="alice",
            stdout=out,
            stderr=err,
        )
    output = out.getvalue()
    assert (
        "2025-09-17-day-1.md: 2025-09-17 “Day 1: Setting up PyTorch” (75 min; machine-learning"
        in output
    )
    assert (
        "2025-09-19-day-3.md: 2025-09-19 “Ownership and borrowing” (90 min; Rust, systems) conflict: “Typed on the 19th” is already on this day"
        in output
    )
    assert (
        "log.md › Day 3: 2025-10-04 “Attention is all you need” (60 min; ml, 100-days) new"
        in output
    )
    assert "bad-yaml.md: cannot be read. Its front matter cannot be read on line 5" in output
    assert output.rstrip().endswith("Imported 7 entries, skipped 1 for days already written.")
    assert "6/6" in err.getvalue()  # tqdm's progress bar
    alice.refresh_from_db()
    assert alice.entry_count == 8
    assert Entry.objects.get(author=alice, day=dt.date(2025, 9, 19)).title == "Typed on the 19th"
    assert list(
        Entry.objects.filter(author=alice).order_by("day").values_list("number", flat=True)
    ) == list(range(1, 9))


def test_import_posts_command_replace_and_dry_run(alice):
    write_entry(alice, day=dt.date(2025, 9, 19), title="Typed on the 19th")
    out = io.StringIO()
    path = str(FIXTURES / "jekyll/2025-09-19-day-3.md")
    call_command("import_posts", path, user="alice", dry_run=True, stdout=out, stderr=io.StringIO())
    assert (
        out.getvalue()
        .rstrip()
        .endswith("Dry run: 0 new, 1 on days already written, 0 refused. Nothing was written.")
    )
    call_command("import_posts", path, user="alice", replace=True, stdout=out, stderr=io.StringIO())
    assert "Imported 0 entries, 1 of them replacing an entry." in out.getvalue()
    assert Entry.objects.get(author=alice).title == "Ownership and borrowing"


def test_import_posts_command_errors(alice, tmp_path):
    with pytest.raises(CommandError, match="nobody called “zed”"):
        call_command("import_posts", str(FIXTURES), user="zed")
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_posts", str(tmp_path / "nope.md"), user="alice")


def test_import_posts_command_takes_the_learners_post(alice):
    out = io.StringIO()
    call_command(
        "import_posts", str(FIXTURES / LEARNER_POST), user="alice", stdout=out, stderr=io.StringIO()
    )
    assert (
        "why-i-am-starting.md: 2025-09-17 “Momentum Learning Series, Day 1: Why I am starting” "
        "(60 min; Momentum_Learning, Learning Journey) new\n"
        "    note: It has no date, so its day is taken from its last_modified_at.\n"
        "    note: Its cover image “../../assets/images/start.jpeg” is left out"
    ) in out.getvalue()
    entry = Entry.objects.get(author=alice)
    assert (entry.day, entry.body) == (dt.date(2025, 9, 17), LEARNER_BODY)
    assert entry.topics.count() == 2


@pytest.fixture
def run_import_posts(monkeypatch):
    """``manage.py import_posts ARGS`` as a shell runs it, returning its exit status."""
    # run_from_argv closes every connection when it ends, the test database's too.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)

    def run(*args):
        try:
            execute_from_command_line(["manage.py", "import_posts", *args])
        except SystemExit as exit:
            return exit.code
        return 0

    return run


@pytest.mark.parametrize(
    ("paths", "dry_run", "status", "message", "imported"),
    [
        ([LEARNER_POST], False, 0, "", 1),
        ([LEARNER_POST], True, 0, "", 0),
        # Days already written and skipped are no failure.
        (["jekyll/2025-09-19-day-3.md"], False, 0, "", 0),
        (["broken/bad-yaml.md"], False, 1, "CommandError: Nothing could be imported", 0),
        (["broken/bad-yaml.md"], True, 1, "CommandError: Nothing could be imported", 0),
        (["notes/25.09.2025-notes.md"], False, 1, "CommandError: Nothing could be imported", 0),
        (
            [LEARNER_POST, "broken/bad-yaml.md"],
            False,
            1,
            "CommandError: 1 could not be imported (see above); the others were imported.",
            1,
        ),
        (
            [LEARNER_POST, "broken/bad-yaml.md"],
            True,
            1,
            "CommandError: 1 could not be imported (see above).",
            0,
        ),
        (["logs"], False, 0, "", 4),
    ],
)
def test_import_posts_exit_status(
    alice, capsys, run_import_posts, paths, dry_run, status, message, imported
):
    write_entry(alice, day=dt.date(2025, 9, 19), title="Typed on the 19th")
    args = [str(FIXTURES / path) for path in paths] + ["--user", "alice"]
    assert run_import_posts(*args, *(["--dry-run"] if dry_run else [])) == status
    err = capsys.readouterr().err
    assert message in err
    assert ("CommandError" in err) == bool(status)
    assert Entry.objects.filter(author=alice).count() == 1 + imported


def test_import_posts_fails_on_a_folder_without_posts(alice, capsys, run_import_posts, tmp_path):
    (tmp_path / "notes.txt").write_text("Not Markdown.")
    assert run_import_posts(str(tmp_path), "--user", "alice") == 1
    assert capsys.readouterr().err == (
        f"CommandError: There are no Markdown files (.md) or ZIP archives in {tmp_path}.\n"
    )


def test_import_into_another_time_zone_keeps_the_written_day(db):
    kenji = make_user("kenji", time_zone="Asia/Tokyo")
    # 23:30 in Paris on the 17th is already the 18th in Tokyo; the file's own day stands.
    data = "---\ndate: 2025-09-17 23:30:00 +0200\n---\nLate night study.\n"
    plan = read_files([("late.md", io.BytesIO(data.encode()))], user=kenji).check(kenji)
    services.journal_import(user=kenji, items=plan.importable())
    assert Entry.objects.get(author=kenji).day == dt.date(2025, 9, 17)
