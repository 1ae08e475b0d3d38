"""Hostile input to the API: huge bodies, wrong types, unicode, malformed JSON, bad
cursors and ids. Every answer is a refusal in the API's error body, never a 500, and
nothing is written; what people wrote comes back sanitised (tests/hostile_inputs.py)."""

import re

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import services
from journal.models import Entry
from tests.conftest import write_entry
from tests.hostile_inputs import PAYLOADS

API = "/api/v1"


@pytest.fixture
def secret(alice):
    return services.token_create(person=alice, name="h", scope="read-write")[1]


def post(client, url, body, secret, content_type="application/json"):
    return client.post(url, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {secret}")


def assert_refused(response, status):
    assert response.status_code == status, response.content[:300]
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "body",
    [
        "{",
        "[]",
        "null",
        '"text"',
        "12",
        '{"title": {"nested": true}}',
        '{"minutes": "sixty"}',
        '{"minutes": 1e999}',
        '{"minutes": 99999999999999999999999}',
        '{"day": "2025-02-30"}',
        '{"day": "someday"}',
        '{"topics": "not a list"}',
        '{"topics": [1, 2]}',
        '{"visibility": "\\u0000"}',
        '{"title": "\\ud800"}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_malformed_entries_are_refused(client, alice, secret, body):
    response = post(client, f"{API}/entries/", body, secret)
    assert response.status_code in (400, 422), response.content[:300]
    assert set(response.json()["error"]) == {"code", "message", "fields"}
    assert not Entry.objects.exists()


def test_texts_longer_than_an_entry_holds_are_refused(client, alice, secret):
    body = {"title": "x" * 5000, "minutes": 60, "body": "é" * 20_001}
    response = post(client, f"{API}/entries/", body, secret)
    assert_refused(response, 422)
    assert set(response.json()["error"]["fields"]) >= {"title", "body"}


def test_a_huge_body_is_refused_unread(client, alice, secret):
    huge = '{"body": "' + "x" * (300 * 1024) + '"}'
    assert_refused(post(client, f"{API}/entries/", huge, secret), 413)
    # Without a token the middleware refuses it first, in the API's words too.
    assert_refused(client.post(f"{API}/entries/", huge, content_type="application/json"), 413)


def test_a_body_sent_to_a_read_is_refused(client, alice, secret):
    response = client.generic("GET", f"{API}/me/", "x" * 100, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert_refused(response, 413)


@pytest.mark.parametrize(
    "query",
    [
        "before=nonsense",
        "before=2025-01-01T00:00:00_1",
        "before=0001-01-01T00:00:00%2B01:00_1",
        "before=%00",
        "limit=0",
        "limit=100000",
        "limit=abc",
        "topic=%00",
        "topic=../../etc",
    ],
)
def test_bad_queries_of_the_feed_are_refused(client, db, query):
    response = client.get(f"{API}/entries/?{query}")
    assert response.status_code in (400, 404, 422), response.content[:300]
    assert set(response.json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/entries/99999999999999999999999/",
        f"{API}/entries/-1/",
        f"{API}/people/%00/",
        f"{API}/people/alice/entries/?before=yesterday",
        f"{API}/topics/%E2%80%AE/entries/",
        f"{API}/challenges/%00/",
        f"{API}/challenges/one-hour-a-day/board/?after=1.x",
        f"{API}/challenges/?after=99999999999.1",
    ],
)
def test_bad_addresses_are_refused(client, alice, url):
    response = client.get(url)
    assert 400 <= response.status_code < 500, (url, response.status_code)
    assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_unicode_is_kept_and_hostile_markdown_comes_back_sanitised(client, alice, secret):
    text = "Ünïcödé 学习 🚀 " + "\n\n".join(payload.text for payload in PAYLOADS)
    response = post(
        client,
        f"{API}/entries/",
        {"title": "学习 🚀", "minutes": 60, "body": text[:20_000], "topics": ["日本語"]},
        secret,
    )
    assert response.status_code == 201, response.content[:300]
    written = response.json()
    assert written["title"] == "学习 🚀"
    html = written["body_html"].lower()
    assert "<script" not in html
    assert 'href="javascript' not in html
    # Handlers only as escaped text, never on a tag.
    assert not re.search(r"<[^>]*\son\w+\s*=", html)


def test_hostile_comments_and_uploads_are_refused_cleanly(client, alice, bob, secret):
    entry = write_entry(bob)
    assert_refused(post(client, f"{API}/entries/{entry.pk}/comments/", "{}", secret), 422)
    assert_refused(
        post(client, f"{API}/entries/{entry.pk}/comments/", {"body": "x" * 100_000}, secret),
        422,
    )
    assert_refused(post(client, f"{API}/entries/{entry.pk}/cheer/", '{"cheered": []}', secret), 422)
    assert_refused(
        post(client, f"{API}/challenges/one-hour-a-day/join/", {"on_board": "maybe"}, secret), 422
    )
    assert_refused(post(client, f"{API}/uploads/", "{}", secret), 422)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=200),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
ENTRY_FIELDS = ["day", "title", "minutes", "body", "key_lesson", "reflection", "visibility"]


class Rollback(Exception):
    pass


@pytest.mark.parametrize(
    "url", [f"{API}/entries/", f"{API}/challenges/one-hour-a-day/join/", f"{API}/uploads/"]
)
def test_random_json_never_breaks_the_api(client, alice, secret, url):
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        body=st.dictionaries(st.sampled_from([*ENTRY_FIELDS, "topics", "on_board"]), json_values)
    )
    def post_random(body):
        try:
            with transaction.atomic():
                response = post(client, url, body, secret)
                assert response.status_code < 500, (body, response.status_code)
                raise Rollback
        except Rollback:
            pass

    post_random()
