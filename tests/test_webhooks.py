"""Webhooks: the events they are sent, signed and delivered by a real worker to a real local
receiver, retries, the address rule, and the settings page, for its owner only."""

import datetime as dt
import hashlib
import hmac
import json
import socket
import time
from unittest import mock

import pytest
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal import services
from journal.models import Entry, Webhook, WebhookDelivery
from journal.services import webhooks
from tests.conftest import Answer, make_user, write_entry

# The worker commits as it goes (and closes the connection), so tests that run it run
# outside a test transaction; their writes commit too, and their events are queued then.
WORKER = pytest.mark.django_db(transaction=True)
# How old a timestamp a receiver accepts, as docs/architecture.md advises.
TOLERANCE_SECONDS = 300


@pytest.fixture
def receiver(local_server, allow_private_addresses):
    """The local server, answering 200 at /hook unless a test says otherwise."""
    local_server.answers["/hook"] = Answer(200, b"thanks")
    return local_server


def hook_for(person, receiver, **switches):
    return Webhook.objects.create(person=person, url=f"{receiver.url}/hook", **switches)


def run_worker():
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


def verified(request, secret):
    """The JSON body of ``request`` after checking it as a receiver must: the signature
    over the timestamp and the raw body, in constant time, and a recent timestamp."""
    method, path, headers, body = request
    assert (method, path) == ("POST", "/hook")
    timestamp = headers["X-Momentum-Timestamp"]
    assert abs(time.time() - int(timestamp)) <= TOLERANCE_SECONDS
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    sent = headers["X-Momentum-Signature"].removeprefix("sha256=")
    assert hmac.compare_digest(expected.hexdigest(), sent)
    assert headers["Content-Type"] == "application/json"
    payload = json.loads(body)
    assert headers["X-Momentum-Event"] == payload["event"]
    assert headers["X-Momentum-Delivery"] == str(payload["id"])
    return payload


def events(receiver, secret):
    return [verified(request, secret)["event"] for request in receiver.requests]


# Events, end to end.


@WORKER
def test_a_published_entry_reaches_the_receiver_signed(alice, receiver):
    hook = hook_for(alice, receiver)
    entry = write_entry(alice, title="Chain rule", topics=["calculus"], body="Derivatives.")
    run_worker()

    (request,) = receiver.requests
    payload = verified(request, hook.secret)
    assert payload["event"] == "entry.published"
    data = payload["data"]
    assert data["person"]["username"] == "alice"
    assert data["entry"]["title"] == "Chain rule"
    assert data["entry"]["topics"] == ["calculus"]
    assert data["entry"]["body"] == "Derivatives."
    assert data["entry"]["url"].endswith(entry.get_absolute_url())
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.last_result == "HTTP 200 OK."
    assert delivery.sent_at is not None


@WORKER
def test_a_forged_or_replayed_delivery_fails_the_receivers_check(alice, receiver):
    hook = hook_for(alice, receiver)
    write_entry(alice)
    run_worker()
    method, path, headers, body = receiver.requests[0]
    with pytest.raises(AssertionError):
        verified((method, path, headers, body.replace(b"Learning", b"Lurking")), hook.secret)
    with pytest.raises(AssertionError):
        verified((method, path, headers, body), "not-the-secret")
    an_hour_ago = {**headers, "X-Momentum-Timestamp": str(int(time.time()) - 3600)}
    an_hour_ago["X-Momentum-Signature"] = webhooks.signature(
        hook.secret, int(an_hour_ago["X-Momentum-Timestamp"]), body
    )
    with pytest.raises(AssertionError):
        verified((method, path, an_hour_ago, body), hook.secret)


@WORKER
def test_an_edit_a_comment_and_a_cheer_each_send_their_event(alice, bob, receiver):
    entry = write_entry(alice, title="Chain rule")
    hook = hook_for(alice, receiver)
    entry.title = "Chain rule, again"
    services.entry_save(entry=entry, topic_names=[])
    comment = services.comment_create(author=bob, entry=entry, body="Well *done*")
    services.cheer_toggle(user=bob, entry=entry)
    run_worker()

    payloads = sorted(
        (verified(request, hook.secret) for request in receiver.requests),
        key=lambda payload: payload["id"],
    )
    assert [payload["event"] for payload in payloads] == [
        "entry.edited",
        "comment.received",
        "cheer.received",
    ]
    edited, commented, cheered = (payload["data"] for payload in payloads)
    assert edited["entry"]["title"] == "Chain rule, again"
    assert commented["comment"]["body"] == "Well *done*"
    assert commented["comment"]["url"].endswith(f"#comment-{comment.pk}")
    assert commented["by"]["username"] == "bob"
    assert cheered["by"]["username"] == "bob"
    assert cheered["entry"]["cheer_count"] == 1


def test_only_the_entrys_owner_hears_and_only_of_what_they_chose(
    alice, bob, receiver, django_capture_on_commit_callbacks
):
    alices = hook_for(alice, receiver, send_entries=False, send_comments=True, send_cheers=False)
    bobs = hook_for(bob, receiver)
    entry = write_entry(alice)
    with django_capture_on_commit_callbacks(execute=True):
        write_entry(alice, day=alice.local_today() - dt.timedelta(days=1))
        services.comment_create(author=bob, entry=entry, body="Nice")
        services.cheer_toggle(user=bob, entry=entry)
        # Taking the cheer back, and a comment on one's own entry, are no news.
        services.cheer_toggle(user=bob, entry=entry)
        services.comment_create(author=alice, entry=entry, body="Thanks")
    assert list(alices.deliveries.values_list("event", flat=True)) == ["comment.received"]
    assert not bobs.deliveries.exists()


@WORKER
def test_the_owners_hook_gets_their_private_entries_marked_private(alice, receiver):
    hook = hook_for(alice, receiver)
    write_entry(alice, title="Just for me", visibility=Entry.Visibility.PRIVATE)
    run_worker()
    (request,) = receiver.requests
    entry = verified(request, hook.secret)["data"]["entry"]
    assert (entry["title"], entry["visibility"]) == ("Just for me", "private")


@WORKER
def test_a_paused_hook_is_sent_nothing_but_pings(alice, receiver):
    hook = hook_for(alice, receiver)
    write_entry(alice)
    webhooks.webhook_set_active(webhook=hook, active=False)
    write_entry(alice, day=alice.local_today() - dt.timedelta(days=1))
    webhooks.webhook_ping(webhook=hook)
    run_worker()
    assert events(receiver, hook.secret) == ["ping"]
    # The entry queued before the pause stays unsent, and says why.
    unsent = hook.deliveries.get(event="entry.published")
    assert (unsent.status, unsent.attempts) == ("failed", 0)
    assert unsent.last_result == "Not sent: the webhook was paused."


@WORKER
def test_a_comment_hidden_before_it_goes_out_is_not_sent(alice, bob, moderator, receiver):
    entry = write_entry(alice)
    hook = hook_for(alice, receiver)
    comment = services.comment_create(author=bob, entry=entry, body="Buy cheap pills")
    services.comment_set_hidden(moderator=moderator, comment=comment, hidden=True, reason="Spam")
    run_worker()
    assert receiver.requests == []
    delivery = hook.deliveries.get()
    assert delivery.status == "failed"
    assert "hidden" in delivery.last_result


def test_nothing_is_sent_for_a_write_that_rolled_back(alice, receiver):
    hook = hook_for(alice, receiver)
    # Without a commit (the test's transaction never commits), the event waits.
    write_entry(alice)
    assert not hook.deliveries.exists()
    assert not DBTaskResult.objects.exists()


# Retries.


def queued_attempts():
    return [
        (task.args_kwargs["args"], task.run_after)
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    ]


@WORKER
def test_a_5xx_answer_is_tried_again_later_then_sent(alice, receiver):
    hook = hook_for(alice, receiver)
    receiver.answers["/hook"] = Answer(503, b"down for maintenance")
    write_entry(alice)
    before = timezone.now()
    run_worker()
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.last_result == "HTTP 503 Service Unavailable. Trying again later."
    ((args, run_after),) = queued_attempts()
    assert args == [delivery.pk, 1]
    assert before + dt.timedelta(minutes=1) <= run_after <= timezone.now() + dt.timedelta(minutes=1)

    # The next attempt, once its minute has passed, finds the receiver back.
    receiver.answers["/hook"] = Answer(204)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert len(receiver.requests) == 2
    # The same delivery, the same body: a receiver can tell a retry by its id.
    first, second = (request[3] for request in receiver.requests)
    assert first == second
    assert queued_attempts() == []


@WORKER
def test_each_retry_waits_longer_until_the_last_which_fails(alice, receiver):
    hook = hook_for(alice, receiver)
    receiver.answers["/hook"] = Answer(500)
    webhooks.webhook_ping(webhook=hook)
    waits = []
    for _ in range(6):
        before = timezone.now()
        run_worker()
        for _, run_after in queued_attempts():
            waits.append(round((run_after - before).total_seconds() / 60))
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
    assert waits == [1, 5, 15, 60, 180]
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("failed", 6)
    assert delivery.last_result == "HTTP 500 Internal Server Error. Gave up after the last attempt."
    assert len(receiver.requests) == 6


@pytest.mark.parametrize("status", [400, 401, 404, 410])
@WORKER
def test_a_4xx_answer_is_final(alice, receiver, status):
    hook = hook_for(alice, receiver)
    receiver.answers["/hook"] = Answer(status)
    webhooks.webhook_ping(webhook=hook)
    run_worker()
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert delivery.last_result.endswith("Not tried again.")
    assert queued_attempts() == []


@WORKER
def test_an_unreachable_receiver_is_tried_again(alice, allow_private_addresses):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    hook = Webhook.objects.create(person=alice, url=f"http://127.0.0.1:{port}/hook")
    webhooks.webhook_ping(webhook=hook)
    run_worker()
    delivery = hook.deliveries.get()
    assert delivery.status == "pending"
    assert delivery.last_result == "Could not connect to 127.0.0.1. Trying again later."
    assert len(queued_attempts()) == 1


@WORKER
def test_each_hook_keeps_its_latest_deliveries_only(alice, receiver):
    hook = hook_for(alice, receiver)
    for _ in range(webhooks.KEPT_DELIVERIES + 3):
        webhooks.webhook_ping(webhook=hook)
    kept = list(hook.deliveries.order_by("id").values_list("id", flat=True))
    assert len(kept) == webhooks.KEPT_DELIVERIES
    # A pruned delivery's queued task finds nothing to send.
    run_worker()
    assert len(receiver.requests) == webhooks.KEPT_DELIVERIES


# The address rule.

PUBLIC_ANSWER = [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", 443))]


def add(client, url, **switches):
    data = {"url": url, **dict.fromkeys(switches or ["send_entries"], "on")}
    return client.post(reverse("journal:webhooks"), data)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
    ],
)
def test_private_and_loopback_addresses_are_refused_in_production(client, alice, url):
    client.force_login(alice)
    response = add(client, url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Momentum cannot send there" in page
    assert "private or reserved address" in page
    assert not Webhook.objects.exists()


@pytest.mark.parametrize(
    "url", ["ftp://example.com/hook", "not an address", "https://" + "a" * 600]
)
def test_what_is_not_a_web_address_is_refused(client, alice, url):
    client.force_login(alice)
    assert add(client, url).status_code == 400
    assert not Webhook.objects.exists()


def test_a_public_address_is_added_with_a_new_secret(client, alice, bob):
    client.force_login(alice)
    with mock.patch("journal.safefetch.socket.getaddrinfo", return_value=PUBLIC_ANSWER):
        response = add(client, "https://hooks.example.com/momentum", send_cheers=1)
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert (hook.person, hook.url) == (alice, "https://hooks.example.com/momentum")
    assert (hook.send_entries, hook.send_comments, hook.send_cheers) == (False, False, True)
    assert len(hook.secret) == 64
    other = Webhook.objects.create(person=bob, url="https://hooks.example.com/momentum")
    assert other.secret != hook.secret


@WORKER
def test_the_worker_checks_the_address_again_at_each_delivery(alice, local_server):
    # Saved while private addresses were allowed (development), sent in production.
    hook = Webhook.objects.create(person=alice, url=f"{local_server.url}/hook")
    webhooks.webhook_ping(webhook=hook)
    run_worker()
    assert local_server.requests == []
    delivery = hook.deliveries.get()
    assert delivery.status == "pending"
    assert "127.0.0.1 is a private or reserved address" in delivery.last_result


# The settings page.


@WORKER
def test_the_page_shows_each_hook_its_secret_and_latest_deliveries(client, alice, receiver):
    hook = hook_for(alice, receiver, send_comments=False)
    receiver.answers["/hook"] = Answer(404)
    webhooks.webhook_ping(webhook=hook)
    run_worker()
    client.force_login(alice)
    page = client.get(reverse("journal:webhooks")).content.decode()
    assert hook.url in page
    assert hook.secret in page
    assert "entries you publish or edit, cheers on your entries." in page
    assert "HTTP 404 Not Found. Not tried again." in page
    assert "Failed" in page
    assert reverse("journal:webhooks") in client.get(reverse("journal:settings")).content.decode()


def test_adding_needs_something_to_send_and_a_new_address(client, alice, receiver):
    client.force_login(alice)
    response = client.post(reverse("journal:webhooks"), {"url": f"{receiver.url}/hook"})
    assert response.status_code == 400
    assert "Choose at least one thing to send." in response.content.decode()
    assert add(client, f"{receiver.url}/hook").status_code == 302
    response = add(client, f"{receiver.url}/hook")
    assert response.status_code == 400
    assert "You have a webhook to that address already." in response.content.decode()
    assert Webhook.objects.count() == 1


def test_a_person_has_at_most_a_few_hooks(client, alice, receiver):
    client.force_login(alice)
    for n in range(webhooks.MAX_WEBHOOKS):
        assert add(client, f"{receiver.url}/hook/{n}").status_code == 302
    response = add(client, f"{receiver.url}/hook/one-more")
    assert response.status_code == 400
    assert "the most there can be" in response.content.decode()
    assert Webhook.objects.count() == webhooks.MAX_WEBHOOKS


def test_ping_pause_resume_and_delete_from_the_page(client, alice, receiver):
    hook = hook_for(alice, receiver)
    client.force_login(alice)
    response = client.post(reverse("journal:webhook_ping", args=[hook.pk]))
    assert response["Location"] == f"{reverse('journal:webhooks')}#webhook-{hook.pk}"
    assert hook.deliveries.get().event == "ping"

    client.post(reverse("journal:webhook_active", args=[hook.pk]))
    hook.refresh_from_db()
    assert not hook.active
    assert "Paused" in client.get(reverse("journal:webhooks")).content.decode()
    client.post(reverse("journal:webhook_active", args=[hook.pk]), {"active": "on"})
    hook.refresh_from_db()
    assert hook.active

    response = client.post(reverse("journal:webhook_delete", args=[hook.pk]))
    assert response.status_code == 302
    assert not Webhook.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_someone_elses_hook_cannot_be_seen_pinged_paused_or_deleted(client, alice, bob, receiver):
    hook = hook_for(alice, receiver)
    client.force_login(bob)
    page = client.get(reverse("journal:webhooks")).content.decode()
    assert hook.url not in page
    assert hook.secret not in page
    for name in ("journal:webhook_ping", "journal:webhook_active", "journal:webhook_delete"):
        assert client.post(reverse(name, args=[hook.pk])).status_code == 404
    hook.refresh_from_db()
    assert hook.active
    assert not hook.deliveries.exists()


def test_adding_and_pinging_are_rate_limited(client, alice, receiver, settings):
    settings.MOMENTUM_RATE_LIMITS = {**settings.MOMENTUM_RATE_LIMITS, "webhook": (2, 3600)}
    hook = hook_for(alice, receiver)
    client.force_login(alice)
    ping = reverse("journal:webhook_ping", args=[hook.pk])
    assert client.post(ping).status_code == 302
    assert client.post(ping).status_code == 302
    assert client.post(ping).status_code == 429
    assert add(client, f"{receiver.url}/other").status_code == 429
    assert hook.deliveries.count() == 2


def test_deleting_the_account_deletes_its_hooks(alice, receiver):
    hook_for(alice, receiver)
    services.user_delete(user=alice)
    assert not Webhook.objects.exists()


def test_staff_see_deliveries_in_the_admin_but_never_a_secret(client, alice, receiver):
    hook = hook_for(alice, receiver)
    webhooks.webhook_ping(webhook=hook)
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    for page in (
        reverse("admin:journal_webhook_change", args=[hook.pk]),
        reverse("admin:journal_webhook_changelist"),
        reverse("admin:journal_webhookdelivery_changelist"),
    ):
        response = client.get(page)
        assert response.status_code == 200
        assert hook.secret not in response.content.decode()
