"""The JSON API (journal/api/): reading, writing with a token, errors, pages, ETags,
rate limits and the tokens themselves. Who may use which endpoint is in
tests/test_authorization.py; hostile input in tests/test_api_hostile.py."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from journal import services
from journal.models import AccessToken, Challenge, Cheer, Comment, Entry, Participation
from journal.services.tokens import LAST_USED_PRECISION
from tests.conftest import days_ago, make_user, write_entry
from tests.test_uploads import image_bytes

API = "/api/v1"


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def token_for(person, scope="read-write"):
    return services.token_create(person=person, name="script", scope=scope)[1]


def post_json(client, url, data, secret):
    return client.post(url, data, content_type="application/json", **bearer(secret))


@pytest.fixture
def alice_writes(alice):
    return token_for(alice)


@pytest.fixture
def alice_reads(alice):
    return token_for(alice, scope="read")


def error_of(response):
    body = response.json()["error"]
    assert set(body) == {"code", "message", "fields"}
    return body


# Reading


def test_the_feed_lists_public_entries_newest_first_and_never_private_or_hidden(
    client, alice, bob, moderator
):
    first = write_entry(alice, day=days_ago(alice, 1), title="First")
    write_entry(alice, title="Private", visibility=Entry.Visibility.PRIVATE)
    hidden = write_entry(bob, title="Hidden")
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True, reason="Spam")
    newest = write_entry(make_user("carol"), title="Newest")
    items = client.get(f"{API}/entries/").json()["items"]
    assert [item["id"] for item in items] == [newest.pk, first.pk]
    assert items[0]["author"]["username"] == "carol"
    assert items[0]["url"] == f"http://testserver{newest.get_absolute_url()}"


def test_pages_follow_the_cursor_to_the_end(client, alice):
    entries = [write_entry(alice, day=days_ago(alice, n), title=f"Day -{n}") for n in range(5)]
    seen, cursor = [], ""
    while True:
        page = client.get(f"{API}/entries/?limit=2{cursor}").json()
        seen += [item["id"] for item in page["items"]]
        if not page["next"]:
            break
        cursor = f"&before={quote(page['next'])}"
    assert seen == [entry.pk for entry in reversed(entries)]


def test_a_topic_and_a_person_have_their_entries(client, alice, bob):
    mine = write_entry(alice, topics=["python"])
    write_entry(bob, topics=["rust"])
    topic = client.get(f"{API}/topics/python/entries/").json()["items"]
    assert [item["id"] for item in topic] == [mine.pk]
    assert topic[0]["topics"] == [{"name": "python", "slug": "python"}]
    journey = client.get(f"{API}/people/alice/entries/").json()
    assert [item["id"] for item in journey["items"]] == [mine.pk]
    assert client.get(f"{API}/topics/nothing/entries/").status_code == 404


def test_a_journey_pages_by_day(client, alice):
    for n in range(3):
        write_entry(alice, day=days_ago(alice, n))
    page = client.get(f"{API}/people/alice/entries/?limit=2").json()
    assert page["next"] == days_ago(alice, 1).isoformat()
    rest = client.get(f"{API}/people/alice/entries/?before={page['next']}").json()
    assert [item["day"] for item in rest["items"]] == [days_ago(alice, 2).isoformat()]


def test_private_entries_are_their_authors_alone(client, alice, bob, alice_reads):
    private = write_entry(alice, title="Secret", visibility=Entry.Visibility.PRIVATE)
    bobs = token_for(bob, scope="read")
    assert client.get(f"{API}/entries/{private.pk}/").status_code == 404
    assert client.get(f"{API}/entries/{private.pk}/", **bearer(bobs)).status_code == 404
    own = client.get(f"{API}/entries/{private.pk}/", **bearer(alice_reads)).json()
    assert own["body"] == "Studied."
    assert own["body_html"] == "<p>Studied.</p>"
    journey = client.get(f"{API}/people/alice/entries/", **bearer(alice_reads)).json()
    assert [item["id"] for item in journey["items"]] == [private.pk]
    assert client.get(f"{API}/people/alice/entries/", **bearer(bobs)).json()["items"] == []


def test_a_profile_shows_public_figures_to_others_and_all_to_the_person(client, alice, alice_reads):
    write_entry(alice, day=days_ago(alice, 1), minutes=90)
    write_entry(alice, minutes=60, visibility=Entry.Visibility.PRIVATE)
    public = client.get(f"{API}/people/alice/").json()
    assert (public["entry_count"], public["hours"]) == (1, 1.5)
    # A private day is still a day of learning.
    assert public["current_streak"] == 2
    own = client.get(f"{API}/me/", **bearer(alice_reads)).json()
    assert (own["entry_count"], own["hours"], own["token_scope"]) == (2, 2.5, "read")


def test_a_suspended_person_is_nowhere(client, alice, moderator):
    write_entry(alice)
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    assert client.get(f"{API}/people/alice/").status_code == 404
    assert client.get(f"{API}/entries/").json()["items"] == []


def test_challenges_their_board_and_their_entries(client, alice, bob):
    challenge = services.challenge_create(
        challenge=Challenge(creator=alice, title="Rust in 30 days", length_days=30),
        topic_names=[],
    )
    services.challenge_join(person=bob, challenge=challenge)
    entry = write_entry(bob)
    listed = client.get(f"{API}/challenges/").json()["items"]
    assert listed[0]["slug"] == challenge.slug
    detail = client.get(f"{API}/challenges/{challenge.slug}/").json()
    assert (detail["participant_count"], detail["creator"]["username"]) == (2, "alice")
    board = client.get(f"{API}/challenges/{challenge.slug}/board/").json()["items"]
    assert [row["person"]["username"] for row in board] == ["bob", "alice"]
    assert board[0]["days_counted"] == 1
    entries = client.get(f"{API}/challenges/{challenge.slug}/entries/").json()["items"]
    assert [item["id"] for item in entries] == [entry.pk]
    assert client.get(f"{API}/challenges/?status=later").status_code == 400


def test_challenges_page_by_participants(client, alice, bob):
    for title in ("A", "B", "C"):
        services.challenge_create(challenge=Challenge(creator=alice, title=title), topic_names=[])
    first = client.get(f"{API}/challenges/?limit=2").json()
    rest = client.get(f"{API}/challenges/?limit=2&after={first['next']}").json()
    slugs = [row["slug"] for row in first["items"] + rest["items"]]
    assert len(slugs) == len(set(slugs)) == 4
    assert rest["next"] is None


def test_an_invite_only_challenge_needs_its_invite(client, alice, bob):
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=alice, title="Study group", visibility=Challenge.Visibility.INVITE
        ),
        topic_names=[],
    )
    url = f"{API}/challenges/{challenge.slug}/"
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?invite=wrong").status_code == 404
    assert client.get(f"{url}?invite={challenge.invite_token}").status_code == 200
    assert client.get(url, **bearer(token_for(alice, "read"))).status_code == 200
    assert [row["slug"] for row in client.get(f"{API}/challenges/").json()["items"]] == [
        "one-hour-a-day"
    ]


def test_notifications_are_the_persons_own_and_reading_them_changes_nothing(
    client, alice, bob, alice_reads
):
    entry = write_entry(alice)
    services.cheer_toggle(user=bob, entry=entry)
    items = client.get(f"{API}/me/notifications/", **bearer(alice_reads)).json()["items"]
    assert [(item["kind"], item["actor"]["username"], item["read"]) for item in items] == [
        ("cheer", "bob", False)
    ]
    assert alice.notifications.unread().count() == 1
    assert client.get(f"{API}/me/notifications/").status_code == 401


# ETags and caching


def test_reads_carry_an_etag_and_answer_304_while_unchanged(client, alice):
    entry = write_entry(alice)
    url = f"{API}/entries/{entry.pk}/"
    first = client.get(url)
    assert first["Vary"] == "Authorization"
    assert "no-cache" in first["Cache-Control"]
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    entry.title = "Changed"
    services.entry_save(entry=entry, topic_names=[])
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_an_answer_for_a_token_is_private(client, alice, alice_reads):
    assert "private" in client.get(f"{API}/me/", **bearer(alice_reads))["Cache-Control"]


# Writing


ENTRY = {"title": "Ownership", "minutes": 75, "body": "Read **the book**.", "topics": ["rust"]}


def test_todays_entry_is_written_then_changed(client, alice, alice_writes):
    created = post_json(client, f"{API}/entries/", ENTRY, alice_writes)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["day"], body["number"], body["visibility"]) == (
        alice.local_today().isoformat(),
        1,
        "public",
    )
    assert body["body_html"] == "<p>Read <strong>the book</strong>.</p>"
    assert body["topics"] == [{"name": "rust", "slug": "rust"}]
    changed = post_json(client, f"{API}/entries/", {"minutes": 90}, alice_writes)
    assert changed.status_code == 200
    entry = Entry.objects.get(author=alice)
    assert (entry.minutes, entry.title, [t.name for t in entry.topics.all()]) == (
        90,
        "Ownership",
        ["rust"],
    )
    alice.refresh_from_db()
    assert (alice.entry_count, alice.current_streak) == (1, 1)


def test_yesterdays_entry_can_still_be_written(client, alice, alice_writes):
    response = post_json(client, f"{API}/entries/", {**ENTRY, "day": "yesterday"}, alice_writes)
    assert response.status_code == 201
    assert response.json()["day"] == days_ago(alice, 1).isoformat()


def test_an_entry_is_refused_with_the_forms_own_messages(client, alice, alice_writes):
    response = post_json(
        client,
        f"{API}/entries/",
        {**ENTRY, "day": days_ago(alice, 3).isoformat(), "minutes": 0, "visibility": "friends"},
        alice_writes,
    )
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert fields["day"] == ["You can write today's entry, or yesterday's until your today ends."]
    assert fields["minutes"] == ["Ensure this value is greater than or equal to 1."]
    assert "visibility" in fields
    assert not Entry.objects.exists()


def test_a_newcomer_has_no_yesterday(client, db):
    newcomer = make_user("newcomer", date_joined=dt.datetime.now(dt.UTC))
    response = post_json(
        client, f"{API}/entries/", {**ENTRY, "day": "yesterday"}, token_for(newcomer)
    )
    assert error_of(response)["fields"]["day"][0].startswith("You joined Momentum today")


def test_a_day_written_meanwhile_is_a_conflict(client, alice, alice_writes, monkeypatch):
    def taken(**kwargs):
        raise services.DayTaken

    monkeypatch.setattr(services, "entry_save", taken)
    response = post_json(client, f"{API}/entries/", ENTRY, alice_writes)
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"


def test_an_image_is_uploaded(client, alice, alice_writes):
    response = client.post(
        f"{API}/uploads/",
        {"image": SimpleUploadedFile("x.png", image_bytes("PNG"), content_type="image/png")},
        **bearer(alice_writes),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["url"].startswith("http://testserver/media/uploads/")
    assert body["markdown"] == f"![]({body['url']})"
    refused = client.post(
        f"{API}/uploads/",
        {"image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")},
        **bearer(alice_writes),
    )
    assert refused.status_code == 422
    assert error_of(refused)["fields"]["image"]


def test_cheer_and_take_it_back(client, alice, bob):
    entry = write_entry(alice)
    bobs = token_for(bob)
    url = f"{API}/entries/{entry.pk}/cheer/"
    assert post_json(client, url, {}, bobs).json() == {"cheered": True, "count": 1}
    # Cheering twice keeps one cheer: the API says what it wants, not a toggle.
    assert post_json(client, url, {"cheered": True}, bobs).json() == {"cheered": True, "count": 1}
    assert post_json(client, url, {"cheered": False}, bobs).json() == {
        "cheered": False,
        "count": 0,
    }
    assert not Cheer.objects.exists()
    assert post_json(client, url, {}, token_for(alice)).status_code == 404


def test_comment(client, alice, bob):
    entry = write_entry(alice)
    response = post_json(
        client, f"{API}/entries/{entry.pk}/comments/", {"body": "Nice *work*"}, token_for(bob)
    )
    assert response.status_code == 201
    assert response.json()["body_html"] == "<p>Nice <em>work</em></p>"
    assert Comment.objects.get().author == bob
    empty = post_json(client, f"{API}/entries/{entry.pk}/comments/", {"body": ""}, token_for(bob))
    assert error_of(empty)["fields"] == {"body": ["This field is required."]}


def test_join_and_leave_a_challenge(client, alice, bob):
    challenge = services.challenge_create(
        challenge=Challenge(creator=alice, title="Rust"), topic_names=[]
    )
    bobs = token_for(bob)
    joined = post_json(client, f"{API}/challenges/{challenge.slug}/join/", {}, bobs)
    assert joined.json() == {"challenge": challenge.slug, "joined": True, "participant_count": 2}
    assert Participation.objects.filter(person=bob, challenge=challenge).exists()
    left = post_json(client, f"{API}/challenges/{challenge.slug}/leave/", {}, bobs)
    assert left.json()["joined"] is False
    assert not Participation.objects.filter(person=bob, challenge=challenge).exists()


def test_a_finished_challenge_takes_no_one(client, alice, bob):
    challenge = services.challenge_create(
        challenge=Challenge(creator=alice, title="Rust"), topic_names=[]
    )
    services.challenge_close(challenge=challenge, by=alice)
    response = post_json(client, f"{API}/challenges/{challenge.slug}/join/", {}, token_for(bob))
    assert response.status_code == 409


def test_writes_share_the_pages_rate_limit(client, alice, alice_writes, settings):
    settings.MOMENTUM_RATE_LIMITS = {**settings.MOMENTUM_RATE_LIMITS, "comment": (1, 600)}
    entry = write_entry(make_user("carol"))
    client.force_login(alice)
    client.post(f"/entries/{entry.pk}/comments/", {"body": "From the page"})
    response = post_json(client, f"{API}/entries/{entry.pk}/comments/", {"body": "x"}, alice_writes)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 600
    assert error_of(response)["code"] == "rate_limited"


# Tokens


def test_a_read_token_cannot_write(client, alice, alice_reads):
    response = post_json(client, f"{API}/entries/", ENTRY, alice_reads)
    assert response.status_code == 403
    assert error_of(response)["code"] == "read_only_token"
    assert not Entry.objects.exists()


@pytest.mark.parametrize(
    "header", ["Bearer mmt_wrong", "Bearer ", "Basic YTpi", "mmt_x", "Bearer " + "x" * 5000]
)
def test_a_bad_token_is_refused_not_read_as_a_visitor(client, db, header):
    response = client.get(f"{API}/entries/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error_of(response)["code"] == "unauthorized"


def test_a_revoked_token_and_a_suspended_persons_stop_working(client, alice, moderator):
    token, secret = services.token_create(person=alice, name="cli", scope="read")
    assert client.get(f"{API}/me/", **bearer(secret)).status_code == 200
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    assert client.get(f"{API}/me/", **bearer(secret)).status_code == 401
    services.user_set_suspended(moderator=moderator, user=alice, suspended=False)
    services.token_revoke(token=token)
    assert client.get(f"{API}/me/", **bearer(secret)).status_code == 401


def test_only_a_hash_is_stored_and_last_use_is_noted(client, alice):
    token, secret = services.token_create(person=alice, name="cli", scope="read")
    assert secret not in {token.digest, token.prefix}
    assert secret.startswith(token.prefix)
    client.get(f"{API}/me/", **bearer(secret))
    token.refresh_from_db()
    used = token.last_used_at
    assert used is not None
    client.get(f"{API}/me/", **bearer(secret))
    token.refresh_from_db()
    assert token.last_used_at == used  # within LAST_USED_PRECISION, not written again
    assert LAST_USED_PRECISION.total_seconds() == 60


def test_a_session_opens_nothing_in_the_api(client, alice):
    client.force_login(alice)
    assert client.get(f"{API}/me/").status_code == 401
    assert client.post(f"{API}/entries/", ENTRY, content_type="application/json").status_code == 401


@pytest.mark.parametrize("url", ["/admin/", "/moderation/", "/write/", "/settings/tokens/"])
def test_a_token_opens_no_page(client, db, url):
    staff = make_user("staff", is_staff=True, is_superuser=True)
    response = client.get(url, **bearer(token_for(staff)))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_tokens_are_made_shown_once_listed_and_revoked_in_settings(client, alice):
    client.force_login(alice)
    assert 'href="/settings/tokens/"' in client.get("/settings/").content.decode()
    made = client.post("/settings/tokens/", {"name": "editor", "scope": "read-write"})
    assert "no-store" in made["Cache-Control"]
    token = AccessToken.objects.get(person=alice)
    secret = re.search(r'value="([^"]+)" data-new-token', made.content.decode())[1]
    assert secret.startswith(token.prefix)
    assert len(secret) > 30
    listed = client.get("/settings/tokens/").content.decode()
    assert secret not in listed
    assert token.prefix in listed
    assert "Never" in listed
    revoked = client.post(f"/settings/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(f"{API}/me/", **bearer(secret)).status_code == 401


def test_a_token_form_is_checked(client, alice, bob):
    client.force_login(alice)
    response = client.post("/settings/tokens/", {"name": "", "scope": "admin"})
    assert response.status_code == 400
    assert not AccessToken.objects.exists()
    bobs, _ = services.token_create(person=bob, name="bob's", scope="read")
    assert client.post(f"/settings/tokens/{bobs.pk}/revoke/").status_code == 404
    for n in range(20):
        services.token_create(person=alice, name=f"t{n}", scope="read")
    assert (
        client.post("/settings/tokens/", {"name": "one more", "scope": "read"}).status_code == 400
    )


def test_the_docs_and_the_schema(client, db):
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in docs.content.decode()
    assert "cdn" not in docs.content.decode().lower()
    schema = client.get(f"{API}/openapi.json").json()
    assert "/api/v1/entries/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/entries/"]
