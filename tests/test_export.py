"""Export: the ZIP from /settings/ and `manage.py export_journal`, and the round trip
back through import into a fresh account."""

import datetime as dt
import io
import json
import re
import zipfile

import frontmatter
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from journal import services
from journal.models import Challenge, Comment, Entry, RestPeriod, User
from journal.porting.export import export_journal
from journal.porting.images import images_stored
from journal.porting.plan import read_files
from journal.porting.posts import split_reflection
from journal.services import rest
from tests.conftest import days_ago, make_user, write_entry

EXPORT = reverse("journal:export")


def exported(user):
    buffer = io.BytesIO()
    export_journal(user, buffer)
    return zipfile.ZipFile(buffer)


@pytest.fixture
def journal(alice, bob):
    """Alice's journal: a public entry with an image and a comment, a private one, and a
    hidden comment; Bob's private entry, which must never show up in Alice's export."""
    image = default_storage.save("uploads/2026/11/abc123.png", ContentFile(b"\x89PNG fake"))
    first = write_entry(
        alice,
        day=days_ago(alice, 1),
        title="Convolutions, finally",
        minutes=90,
        body=f"Kernels by hand.\n\n![my sketch](/media/{image})",
        key_lesson="Padding is a choice.",
        reflection="Slow, but it **stuck**.",
        topics=["computer vision", "python"],
    )
    second = write_entry(
        alice,
        day=alice.local_today(),
        title="A private day",
        minutes=30,
        body="Only for me.",
        visibility=Entry.Visibility.PRIVATE,
    )
    write_entry(bob, title="Bob's secret", body="Nobody else.", visibility="private")
    Comment.objects.create(entry=first, author=bob, body="Well done!")
    Comment.objects.create(
        entry=first, author=bob, body="Spam", moderation_state=Comment.ModerationState.HIDDEN
    )
    return first, second


def test_export_needs_a_signed_in_post(client, alice):
    response = client.post(EXPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    client.force_login(alice)
    assert client.get(EXPORT).status_code == 405


def test_export_downloads_my_whole_journal(client, alice, journal):
    first, second = journal
    client.force_login(alice)
    response = client.post(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = alice.local_today()
    assert response["Content-Disposition"] == (
        f'attachment; filename="momentum-alice-{today:%Y-%m-%d}.zip"'
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    first_name = f"{first.day:%Y-%m-%d}-convolutions-finally.md"
    second_name = f"{second.day:%Y-%m-%d}-a-private-day.md"
    assert sorted(archive.namelist()) == sorted(
        [first_name, second_name, "images/2026/11/abc123.png", "journal.json"]
    )
    assert archive.read("images/2026/11/abc123.png") == b"\x89PNG fake"

    post = frontmatter.loads(archive.read(first_name).decode())
    assert post.metadata["title"] == "Convolutions, finally"
    assert post.metadata["date"] == first.day
    assert post.metadata["day"] == 1
    assert post.metadata["minutes"] == 90
    assert post.metadata["topics"] == ["computer vision", "python"]
    assert post.metadata["key_lesson"] == "Padding is a choice."
    assert post.metadata["visibility"] == "public"
    assert post.metadata["created"] == first.created_at
    assert post.metadata["last_modified"] == first.updated_at
    # The image link points at the copy beside the file.
    assert post.content == (
        "Kernels by hand.\n\n![my sketch](images/2026/11/abc123.png)\n\n"
        "## Reflection\n\nSlow, but it **stuck**."
    )
    private = frontmatter.loads(archive.read(second_name).decode())
    assert (private.metadata["visibility"], private.metadata["day"]) == ("private", 2)

    data = json.loads(archive.read("journal.json"))
    assert data["format"] == "momentum-journal"
    assert data["profile"]["username"] == "alice"
    assert data["profile"]["display_name"] == "Alice Martin"
    assert data["profile"]["daily_goal_minutes"] == 60
    assert [e["title"] for e in data["entries"]] == ["Convolutions, finally", "A private day"]
    assert data["entries"][0]["body"] == first.body  # as stored, original link included
    assert data["entries"][0]["file"] == first_name
    assert data["entries"][0]["comments"] == [
        {
            "author": "bob",
            "body": "Well done!",
            "created_at": data["entries"][0]["comments"][0]["created_at"],
        }
    ]
    assert data["topics"] == ["computer vision", "python"]
    assert data["images"] == {
        "images/2026/11/abc123.png": f"/media/{first.body.split('/media/')[1][:-1]}"
    }
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode(errors="ignore")
    assert "Bob's secret" not in everything
    assert "Spam" not in everything
    assert "bob@example.com" not in everything


def test_a_missing_image_keeps_its_link(alice):
    write_entry(alice, body="![gone](/media/uploads/2026/11/missing.png)")
    archive = exported(alice)
    assert not [n for n in archive.namelist() if n.startswith("images/")]
    (name,) = [n for n in archive.namelist() if n.endswith(".md")]
    assert "/media/uploads/2026/11/missing.png" in archive.read(name).decode()


def test_export_command(alice, journal, tmp_path):
    output = tmp_path / "alice.zip"
    out = io.StringIO()
    call_command("export_journal", "alice", str(output), stdout=out)
    assert out.getvalue() == f"Exported 2 entries of alice to {output}.\n"
    assert len(zipfile.ZipFile(output).namelist()) == 4


def test_export_command_for_nobody(db, tmp_path):
    with pytest.raises(CommandError, match="nobody called “zed”"):
        call_command("export_journal", "zed", str(tmp_path / "x.zip"))


# The round trip, over generated journals.

# Stripped text, as forms store it. A reflection holds no "Reflection" heading line of its
# own, since the importer splits at the last one.
_characters = st.characters(
    codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u2028\u2029"
)
_line = st.text(_characters, min_size=1, max_size=40).map(str.strip).filter(bool)
_text = st.lists(_line, min_size=1, max_size=5).map("\n\n".join)
_journal = st.lists(
    st.fixed_dictionaries(
        {
            "days_ago": st.integers(min_value=0, max_value=800),
            "title": _line,
            "minutes": st.integers(min_value=1, max_value=1440),
            "topics": st.lists(
                st.sampled_from(["python", "rust", "computer vision", "llmops"]), unique=True
            ),
            "body": _text,
            "key_lesson": st.one_of(st.just(""), _line),
            "reflection": st.one_of(
                st.just(""), _text.filter(lambda t: split_reflection(t) == (t, ""))
            ),
            "visibility": st.sampled_from(Entry.Visibility.values),
        }
    ),
    min_size=1,
    max_size=6,
    unique_by=lambda entry: entry["days_ago"],
)


def _entries(user):
    return [
        (
            e.day,
            e.number,
            e.title,
            e.minutes,
            sorted(t.slug for t in e.topics.all()),
            e.body,
            e.key_lesson,
            e.reflection,
            e.visibility,
            e.created_at,
        )
        for e in Entry.objects.filter(author=user).order_by("day").prefetch_related("topics")
    ]


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(journal=_journal)
def test_export_then_import_gives_the_same_journal(journal):
    User.objects.all().delete()
    source = make_user("source", time_zone="Asia/Tokyo", daily_goal_minutes=45)
    for spec in journal:
        write_entry(source, day=days_ago(source, spec.pop("days_ago")), **spec)
    buffer = io.BytesIO()
    export_journal(source, buffer)

    fresh = make_user("fresh", time_zone="Asia/Tokyo", daily_goal_minutes=45)
    plan = read_files([("journal.zip", buffer)], user=fresh).check(fresh)
    assert [report.error for report in plan.files] == [""] * len(journal)
    result = services.journal_import(user=fresh, items=plan.importable())
    assert len(result.created) == len(journal)

    assert _entries(fresh) == _entries(source)
    fresh.refresh_from_db()
    source.refresh_from_db()
    assert fresh.stored_stats() == source.stored_stats()


def test_images_come_back_in_a_round_trip(alice, settings):
    png = io.BytesIO()
    Image.new("RGB", (20, 10), "teal").save(png, format="PNG")
    stored = default_storage.save("uploads/2026/11/sketch.png", ContentFile(png.getvalue()))
    write_entry(alice, title="With a sketch", body=f'Look:\n\n![sketch](/media/{stored} "mine")')
    archive = io.BytesIO()
    export_journal(alice, archive)
    archive.seek(0)

    newcomer = make_user("newcomer")
    plan = read_files([("journal.zip", archive)], user=newcomer).check(newcomer)
    with images_stored(plan.images, plan.importable()):
        services.journal_import(user=newcomer, items=plan.importable())

    entry = Entry.objects.get(author=newcomer)
    link = re.search(r"!\[sketch\]\((\S+) \"mine\"\)", entry.body).group(1)
    assert link.startswith(settings.MEDIA_URL + "uploads/")
    assert link != f"/media/{stored}"
    copy = Image.open(settings.MEDIA_ROOT / link.removeprefix(settings.MEDIA_URL))
    assert (copy.format, copy.size) == ("PNG", (20, 10))
    assert f'src="{link}"' in entry.body_html


def test_a_broken_image_in_an_archive_is_left_out_with_a_note(alice):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("2025-09-17-day.md", "# Day\n\n![x](images/fake.png)\n")
        bundle.writestr("images/fake.png", b"<svg onload=alert(1)>")
    archive.seek(0)
    plan = read_files([("notes.zip", archive)], user=alice)
    assert any("images/fake.png" in note for note in plan.notes)
    assert "![x](images/fake.png)" in plan.drafts()[0].body


def test_the_export_carries_rest_days_and_challenges(alice, bob):
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    rest.rest_period_declare(person=alice, first_day=tomorrow, last_day=tomorrow, weekday=None)
    rest.rest_period_declare(
        person=alice, first_day=tomorrow, last_day=None, weekday=RestPeriod.Weekday.SUNDAY
    )
    group = services.challenge_create(
        challenge=Challenge(
            creator=bob,
            title="Study group",
            starts_on=bob.local_today(),
            visibility=Challenge.Visibility.INVITE,
        ),
        topic_names=[],
    )
    services.challenge_join(person=alice, challenge=group)
    write_entry(alice, minutes=75)
    archive = io.BytesIO()
    export_journal(alice, archive)
    data = json.loads(zipfile.ZipFile(archive).read("journal.json"))
    assert data["rest_days"] == [
        {"weekday": None, "first_day": tomorrow.isoformat(), "last_day": tomorrow.isoformat()},
        {"weekday": "Sunday", "first_day": tomorrow.isoformat(), "last_day": None},
    ]
    assert [(c["title"], c["address"], c["days_counted"]) for c in data["challenges"]] == [
        ("One hour a day", "/challenges/one-hour-a-day/", 1),
        ("Study group", group.get_absolute_url(), 1),
    ]
