"""Uploads in S3-compatible object storage, for several app servers and workers: tested
against moto's S3 server started here, configured by momentum.settings.object_storage as
DJANGO_S3_BUCKET and DJANGO_S3_ENDPOINT_URL configure production."""

import io
import json
import re
import urllib.request
import uuid
import zipfile

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from journal.models import attach_topics
from journal.sharecards import entry_card
from momentum.settings import object_storage
from tests.bench.server import free_port
from tests.conftest import write_entry
from tests.test_uploads import image_bytes, upload

pytestmark = pytest.mark.django_db

PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::BUCKET/*",
        }
    ],
}


@pytest.fixture(scope="module")
def s3_endpoint():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch):
    """A fresh bucket, and the app's uploads going to it."""
    for name, value in [
        ("AWS_ACCESS_KEY_ID", "momentum-test"),
        ("AWS_SECRET_ACCESS_KEY", "momentum-test"),
        ("AWS_DEFAULT_REGION", "us-east-1"),
    ]:
        monkeypatch.setenv(name, value)
    name = f"momentum-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    # Browsers read the images straight from the bucket, which production makes public
    # for reading the same way.
    client.put_bucket_policy(Bucket=name, Policy=json.dumps(PUBLIC_READ).replace("BUCKET", name))
    settings.MEDIA_URL, storage = object_storage(name, endpoint=s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return client, name, settings.MEDIA_URL


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.headers["Content-Type"], response.read()


def test_an_upload_is_stored_in_the_bucket_and_served_from_its_address(client, alice, bucket):
    s3, name, media_url = bucket
    client.force_login(alice)
    response = upload(client, "shot.png", image_bytes("PNG"))
    assert response.status_code == 200
    address = re.fullmatch(r"!\[\]\((.+)\)", response.json()["image_code"]).group(1)
    assert address.startswith(f"{media_url}uploads/")
    key = address.removeprefix(media_url)
    assert s3.head_object(Bucket=name, Key=key)["ContentLength"] > 0
    content_type, body = fetch(address)
    assert content_type == "image/png"
    assert body.startswith(b"\x89PNG")


def test_an_entry_shows_the_image_from_the_bucket_and_the_export_takes_it(client, alice, bucket):
    _, _, media_url = bucket
    client.force_login(alice)
    code = upload(client, "shot.png", image_bytes("PNG")).json()["image_code"]
    entry = write_entry(alice, body=f"Today's diagram:\n\n{code}")
    page = client.get(entry.get_absolute_url()).content.decode()
    address = re.search(r'<img [^>]*src="([^"]+/uploads/[^"]+)"', page).group(1)
    assert address.startswith(f"{media_url}uploads/")

    export = client.post(reverse("journal:export"))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.streaming_content)))
    images = [n for n in archive.namelist() if n.endswith(".png")]
    assert len(images) == 1
    assert archive.read(images[0]) == fetch(address)[1]


def test_share_images_are_kept_in_the_bucket(client, alice, bucket):
    s3, name, _ = bucket
    entry = write_entry(alice, topics=["python"])
    attach_topics([entry])
    card = entry_card(entry)
    response = client.get(card.path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert s3.head_object(Bucket=name, Key=card.storage_name)["ContentType"] == "image/png"
