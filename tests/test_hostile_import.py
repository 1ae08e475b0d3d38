"""Imports built to hurt: a "billion laughs" front matter, images that claim more pixels
than they hold, dates meant to pin an entry to the top of every feed, and plans too large
to keep in a session. Each is refused with a clear reason, quickly, and leaves nothing."""

import datetime as dt
import io
import struct
import time
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import Image, ImageFile

from journal import services
from journal.markdown import MAX_ENTRY_TEXT
from journal.models import Entry
from journal.porting import limits, preview
from journal.porting.plan import read_files
from journal.views.porting import SESSION_KEY

UPLOAD = reverse("journal:import_upload")
PREVIEW = reverse("journal:import_preview")

# Small enough to expand (5 x 9**5 "lol") should the aliases be followed; the real attack
# nests a few more levels.
BILLION_LAUGHS = "\n".join(
    ["---", "title: Laughs", "date: 2025-09-17", 'a: &a ["lol","lol","lol","lol","lol"]']
    + [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]" for a, b in zip("abcde", "bcdef", strict=True)]
    + ["minutes: *f", "---", "Studied."]
)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def upload(client, name, data):
    return client.post(UPLOAD, {"files": [SimpleUploadedFile(name, data)]})


def confirm(client):
    return client.post(PREVIEW, {"token": client.session[SESSION_KEY]["token"]})


def media_files(settings):
    return sorted(p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())


def png_header(width, height):
    """A PNG of a few dozen bytes whose header claims ``width`` x ``height`` pixels."""

    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def png(size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def zip_of(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def decodes(monkeypatch):
    """How many times an image's pixels were decoded."""
    calls = []
    load = ImageFile.ImageFile.load

    def counted(image):
        calls.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    return calls


# Front matter


def test_a_billion_laughs_front_matter_is_refused_before_it_expands(signed_in, alice):
    started = time.perf_counter()
    response = upload(signed_in, "2025-09-17-laughs.md", BILLION_LAUGHS.encode())
    assert time.perf_counter() - started < 2
    assert response.status_code == 302
    page = signed_in.get(PREVIEW).content.decode()
    assert "it repeats a value with an alias (*name)" in page
    assert len(str(signed_in.session[SESSION_KEY])) < 2000
    confirm(signed_in)
    assert not Entry.objects.exists()


def test_anchors_without_aliases_are_read(alice):
    text = "---\ntitle: &t Anchored\ndate: 2025-09-17\n---\nStudied.\n"
    plan = read_files([("a.md", io.BytesIO(text.encode()))], user=alice)
    assert [draft.title for draft in plan.drafts()] == ["Anchored"]


# The plan kept between the preview and the import


def test_a_plan_of_too_many_entries_is_not_kept(signed_in, alice, monkeypatch):
    monkeypatch.setattr(limits, "MAX_DRAFTS", 3)
    log = "# My log\n\n" + "".join(
        f"## Day {n} — 2025-09-{n:02d}\nStudied.\n\n" for n in range(1, 5)
    )
    upload(signed_in, "log.md", log.encode())
    assert signed_in.session[SESSION_KEY]["plan"] == {
        "files": [],
        "notes": ["These files hold more than 3 entries; import them in smaller batches."],
    }
    page = signed_in.get(PREVIEW).content.decode()
    assert "These files hold more than 3 entries" in page
    assert "There is nothing to import in these files." in page


def test_a_plan_of_too_many_bytes_is_not_kept(alice, monkeypatch):
    monkeypatch.setattr(limits, "MAX_PLAN_BYTES", 10_000)
    files = [
        (f"2025-09-{n:02d}-day.md", io.BytesIO(b"Studied. " + b"x" * 3000)) for n in range(1, 5)
    ]
    plan = read_files(files, user=alice)
    assert plan.drafts() == []
    assert plan.notes == [
        "Together these files hold more than 0 MB of entries; import them in smaller batches."
    ]


def test_an_entry_longer_than_an_entry_may_be_is_refused(alice):
    text = "---\ndate: 2025-09-17\n---\n" + "word " * (MAX_ENTRY_TEXT // 5 + 1)
    plan = read_files([("long.md", io.BytesIO(text.encode()))], user=alice)
    (draft,) = plan.check(alice).drafts()
    assert draft.status == "refused"
    assert draft.problem.startswith("Its text is 20,004 characters long, more than the 20,000")
    assert plan.importable() == []


# Dates


@pytest.mark.parametrize(
    ("front_matter", "problem"),
    [
        (
            "date: 2025-09-17\ncreated: 2099-12-31T23:59:59+00:00",
            "Its creation or update time is in the future",
        ),
        ("date: 2025-09-17\nlastmod: 2099-12-31", "Its creation or update time is in the future"),
        ("date: 2099-12-31", "It is dated in the future"),
        ("date: 1970-01-01", "It is dated before 1 January 1990, too long ago"),
    ],
)
def test_dates_outside_the_learners_life_are_refused(signed_in, alice, front_matter, problem):
    upload(signed_in, "post.md", f"---\n{front_matter}\n---\nStudied.\n".encode())
    page = signed_in.get(PREVIEW).content.decode()
    assert problem in page
    assert "There is nothing to import in these files." in page
    confirm(signed_in)
    assert not Entry.objects.exists()


def test_the_command_refuses_a_creation_time_in_the_future(alice, tmp_path):
    post = tmp_path / "2025-09-17-pinned.md"
    post.write_text("---\ncreated: 2099-12-31T23:59:59+00:00\n---\nStudied.\n")
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing could be imported"):
        call_command("import_posts", str(post), user="alice", stdout=out, stderr=io.StringIO())
    assert "refused: Its creation or update time is in the future" in out.getvalue()
    assert not Entry.objects.exists()


# Images


def test_an_upload_claiming_too_many_pixels_is_refused_before_it_is_decoded(
    signed_in, settings, decodes
):
    started = time.perf_counter()
    response = signed_in.post(
        reverse("journal:image_upload"),
        {"image": SimpleUploadedFile("huge.png", png_header(8000, 8000), "image/png")},
    )
    assert time.perf_counter() - started < 1
    assert response.status_code == 400
    assert response.json() == {"error": "That image has too many pixels."}
    assert decodes == []
    assert media_files(settings) == []


def test_a_header_past_pillows_own_limit_is_refused(signed_in, settings, decodes):
    response = signed_in.post(
        reverse("journal:image_upload"),
        {"image": SimpleUploadedFile("bomb.png", png_header(40_000, 40_000), "image/png")},
    )
    assert response.status_code == 400
    assert decodes == []


def test_an_archive_of_many_huge_images_decodes_few_and_stores_none(signed_in, settings, decodes):
    # 300 copies of an image claiming 36 megapixels: 10,800 megapixels to decode.
    files = {f"images/{n}.png": png_header(6000, 6000) for n in range(300)}
    files["2025-09-17-day.md"] = b"Studied.\n\n![x](images/0.png)\n"
    started = time.perf_counter()
    upload(signed_in, "bomb.zip", zip_of(files))
    assert time.perf_counter() - started < 5
    assert len(decodes) <= limits.MAX_IMPORT_IMAGE_PIXELS // (6000 * 6000)
    page = signed_in.get(PREVIEW).content.decode()
    assert "images past 20 MB or 100 megapixels in all were not imported" in page
    assert media_files(settings) == []


def test_images_past_the_imports_pixels_are_left_out(alice, monkeypatch):
    monkeypatch.setattr(limits, "MAX_IMPORT_IMAGE_PIXELS", 2 * 40 * 30)
    files = {f"{n}.png": png() for n in range(5)}
    files["2025-09-17-day.md"] = b"![a](0.png) ![b](1.png) ![c](2.png)\n"
    plan = read_files([("a.zip", io.BytesIO(zip_of(files)))], user=alice)
    assert len(plan.images) == 2
    assert plan.notes == ["a.zip: images past 20 MB or 0 megapixels in all were not imported."]
    assert "![c](2.png)" in plan.drafts()[0].body


def zip_with_image():
    return zip_of({"2025-09-17-day.md": b"Look:\n\n![sketch](sketch.png)\n", "sketch.png": png()})


def test_images_are_stored_only_once_the_import_is_confirmed(signed_in, alice, settings):
    upload(signed_in, "notes.zip", zip_with_image())
    assert media_files(settings) == []
    confirm(signed_in)
    (stored,) = media_files(settings)
    entry = Entry.objects.get(author=alice)
    url = settings.MEDIA_URL + str(stored.relative_to(settings.MEDIA_ROOT))
    assert f"![sketch]({url})" in entry.body
    assert Image.open(stored).size == (40, 30)


def test_a_cancelled_import_leaves_no_image(signed_in, settings):
    upload(signed_in, "notes.zip", zip_with_image())
    token = signed_in.session[SESSION_KEY]["token"]
    signed_in.post(PREVIEW, {"cancel": "1"})
    assert media_files(settings) == []
    assert preview.kept_images(token) is None


def test_a_failed_import_leaves_no_image(signed_in, settings, monkeypatch):
    upload(signed_in, "notes.zip", zip_with_image())

    def failing(**kwargs):
        assert media_files(settings) != []  # stored for the entries being written
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "journal_import", failing)
    with pytest.raises(RuntimeError):
        confirm(signed_in)
    assert media_files(settings) == []
    assert not Entry.objects.exists()


def test_a_new_upload_and_a_confirmed_import_forget_the_images_they_replace(signed_in):
    upload(signed_in, "notes.zip", zip_with_image())
    first = signed_in.session[SESSION_KEY]["token"]
    upload(signed_in, "notes.zip", zip_with_image())
    second = signed_in.session[SESSION_KEY]["token"]
    assert preview.kept_images(first) is None
    assert len(preview.kept_images(second)) == 1
    confirm(signed_in)
    assert preview.kept_images(second) is None


def test_a_preview_whose_images_expired_asks_for_the_files_again(signed_in, settings):
    upload(signed_in, "notes.zip", zip_with_image())
    preview.forget_images(signed_in.session[SESSION_KEY]["token"])
    response = confirm(signed_in)
    assert response.status_code == 302
    assert response.url == UPLOAD
    assert not Entry.objects.exists()
    assert media_files(settings) == []


def test_the_command_stores_the_images_it_imports(alice, settings, tmp_path):
    archive = tmp_path / "notes.zip"
    archive.write_bytes(zip_with_image())
    call_command(
        "import_posts", str(archive), user="alice", stdout=io.StringIO(), stderr=io.StringIO()
    )
    (stored,) = media_files(settings)
    assert str(stored.relative_to(settings.MEDIA_ROOT)) in Entry.objects.get().body
    assert Entry.objects.get().day == dt.date(2025, 9, 17)
