"""Image uploads from the editor: /markdown/upload/ and serving the stored file back."""

import io
import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

UPLOAD = reverse("journal:image_upload")
STORED = re.compile(r"^!\[\]\(/media/(uploads/\d{4}/\d{2}/[A-Za-z0-9_-]{22}\.(png|jpg|webp))\)$")


def image_bytes(image_format, size=(40, 30), mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size, (200, 30, 30)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(client, name, content, content_type="image/png"):
    return client.post(
        UPLOAD, {"image": SimpleUploadedFile(name, content, content_type=content_type)}
    )


def stored_path(response):
    match = STORED.match(response.json()["image_code"])
    assert match, response.json()
    return match.group(1), match.group(2)


@pytest.fixture
def signed_in(client, alice):
    client.force_login(alice)
    return client


def test_uploading_needs_a_signed_in_person(client, db, settings):
    response = upload(client, "x.png", image_bytes("PNG"))
    # In words the editor shows beside its image button, not the log-in page.
    assert response.status_code == 403
    assert response.json()["error"].startswith("You are signed out")
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_uploading_needs_a_post(signed_in):
    assert signed_in.get(UPLOAD).status_code == 405


@pytest.mark.parametrize(
    ("image_format", "name", "extension"),
    [("PNG", "shot.png", "png"), ("JPEG", "photo.jpeg", "jpg"), ("WEBP", "pic.webp", "webp")],
)
def test_png_jpeg_and_webp_are_stored_under_a_random_name(
    signed_in, settings, image_format, name, extension
):
    response = upload(signed_in, name, image_bytes(image_format))
    assert response.status_code == 200
    path, stored_extension = stored_path(response)
    assert stored_extension == extension
    assert name.split(".")[0] not in path
    with Image.open(settings.MEDIA_ROOT / path) as stored:
        assert stored.format == image_format
        assert stored.size == (40, 30)


def test_two_uploads_of_one_file_get_two_names(signed_in):
    first, _ = stored_path(upload(signed_in, "a.png", image_bytes("PNG")))
    second, _ = stored_path(upload(signed_in, "a.png", image_bytes("PNG")))
    assert first != second


@pytest.mark.parametrize(
    ("image_format", "disguise", "extension"),
    [("PNG", "x.jpg", "png"), ("JPEG", "x.png", "jpg"), ("WEBP", "x.gif", "webp")],
)
def test_the_extension_follows_the_detected_format_not_the_name(
    signed_in, image_format, disguise, extension
):
    response = upload(signed_in, disguise, image_bytes(image_format), content_type="image/jpeg")
    assert response.status_code == 200
    assert stored_path(response)[1] == extension


def test_a_palette_png_with_transparency_is_accepted(signed_in):
    response = upload(signed_in, "icon.png", image_bytes("PNG", mode="RGBA"))
    assert response.status_code == 200


def _truncated(data):
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("anim.gif", image_bytes("GIF"), "Only PNG, JPEG and WebP images can be uploaded."),
        ("pic.bmp", image_bytes("BMP"), "Only PNG, JPEG and WebP images can be uploaded."),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
            "That file is not an image we can read.",
        ),
        ("notes.png", b"just some text, honest\n" * 20, "That file is not an image we can read."),
        (
            "html.png",
            b"<html><script>alert(1)</script></html>",
            "That file is not an image we can read.",
        ),
        ("half.png", _truncated(image_bytes("PNG", (200, 200))), "not an image we can read"),
        ("half.jpg", _truncated(image_bytes("JPEG", (200, 200))), "not an image we can read"),
        ("half.webp", _truncated(image_bytes("WEBP", (200, 200))), "not an image we can read"),
        ("empty.png", b"", "The submitted file is empty."),
    ],
)
def test_other_files_are_refused_with_a_clear_error(signed_in, settings, name, content, message):
    response = upload(signed_in, name, content)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert message in response.json()["error"]
    assert "image_code" not in response.json()
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_a_request_without_a_file_is_refused(signed_in):
    response = signed_in.post(UPLOAD, {})
    assert response.status_code == 400
    assert response.json()["error"] == "This field is required."


def test_more_than_five_megabytes_is_refused(signed_in, settings):
    # Noise does not compress, so this is a real PNG of about 6 MB.
    noise = Image.frombytes("RGB", (1450, 1450), os.urandom(1450 * 1450 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG", compress_level=0)
    assert buffer.tell() > 5 * 1024 * 1024
    response = upload(signed_in, "big.png", buffer.getvalue())
    assert response.status_code == 400
    assert response.json()["error"] == "Images can be 5 MB at most."
    assert not (settings.MEDIA_ROOT / "uploads").exists()


def test_a_suspended_person_cannot_upload(client, alice, settings):
    alice.is_suspended = True
    alice.save()
    client.force_login(alice)
    response = upload(client, "x.png", image_bytes("PNG"))
    assert response.status_code == 403
    assert response.json()["error"] == "Your account is suspended, so you cannot post."
    assert not (settings.MEDIA_ROOT / "uploads").exists()


@pytest.mark.parametrize(
    ("image_format", "content_type"),
    [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")],
)
def test_the_stored_image_is_served_with_its_content_type(
    signed_in, client, image_format, content_type
):
    path, _ = stored_path(upload(signed_in, "x.img", image_bytes(image_format)))
    signed_in.logout()
    response = client.get(f"/media/{path}")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as served:
        assert served.format == image_format


def test_only_uploaded_images_are_served_from_media(client, db, settings):
    (settings.MEDIA_ROOT / "uploads").mkdir(parents=True)
    (settings.MEDIA_ROOT / "uploads" / "page.html").write_text("<script>alert(1)</script>")
    (settings.MEDIA_ROOT / "secret.png").write_bytes(image_bytes("PNG"))
    assert client.get("/media/uploads/page.html").status_code == 404
    assert client.get("/media/secret.png").status_code == 404


def test_a_phone_cameras_mpo_jpeg_is_stored_as_a_jpeg(client, alice, settings):
    frames = [Image.new("RGB", (40, 30), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="MPO", save_all=True, append_images=frames[1:])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    client.force_login(alice)
    response = client.post(
        reverse("journal:image_upload"),
        {"image": SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), "image/jpeg")},
    )
    assert response.status_code == 200
    stored = response.json()["image_code"]
    assert stored.endswith(".jpg)")
    path = settings.MEDIA_ROOT / stored[stored.index("uploads/") : -1]
    assert Image.open(path).format == "JPEG"
