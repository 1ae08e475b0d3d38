"""Bodies too large for the asker are refused from their Content-Length, before being read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.conftest import PASSWORD

MB = 1024 * 1024


def post_claiming(client, url, size):
    # The test client's body holds a few bytes and refuses to be read further: a request
    # whose body Django started to read would fail with an error rather than a 413.
    return client.generic(
        "POST",
        url,
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(size),
    )


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/settings/import/", "/markdown/upload/"])
def test_a_visitors_large_body_is_refused_unread(client, db, url):
    response = post_claiming(client, url, 300 * MB)
    assert response.status_code == 413
    assert "too large to send" in response.content.decode()
    assert response["Connection"] == "close"


def test_a_visitor_still_logs_in(client, alice):
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert client.get(reverse("journal:settings")).status_code == 200


def test_signed_in_people_may_send_an_import_but_not_more(client, alice, settings):
    client.force_login(alice)
    refused = post_claiming(client, "/settings/import/", settings.MOMENTUM_MAX_REQUEST_BYTES + 1)
    assert refused.status_code == 413
    assert "a few files at a time" in refused.content.decode()
    # 20 MB of files, the import's own limit, fit under it with room for the form.
    assert settings.MOMENTUM_MAX_REQUEST_BYTES > 20 * MB
    post = SimpleUploadedFile("2025-01-02-post.md", b"---\ntitle: Notes\n---\nStudied.")
    response = client.post("/settings/import/", {"files": [post]})
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:import_preview")


def test_a_visitors_limit_is_far_below_a_signed_in_persons(client, db, settings):
    small = settings.MOMENTUM_MAX_ANONYMOUS_REQUEST_BYTES
    assert post_claiming(client, "/accounts/login/", small + 1).status_code == 413
    assert small < MB
