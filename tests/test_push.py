"""Browser push: turning it on and off for a device, what is refused, sending through
pywebpush (mocked at its boundary), removing a device that is gone, retries, reminders by
push, notifications as push messages; and the installable app's worker, manifest and
offline page."""

import base64
import datetime as dt
import json
import os

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.contrib.staticfiles import finders
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from py_vapid import b64urlencode
from pywebpush import WebPushException

from journal import push
from journal.models import Delivery, Notification, PushSubscription
from journal.services import push as push_services
from journal.services import reminders, social
from journal.tasks import RETRY_DELAYS, send_push
from tests.conftest import days_ago, queries_for, write_entry

ENDPOINT = "https://push.example.net/send/abc123"
SUBSCRIBE = "journal:push_subscribe"
UNSUBSCRIBE = "journal:push_unsubscribe"
CHROME_LINUX = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)


def browser_keys():
    """A browser's keys as PushSubscription.toJSON() gives them: a P-256 public key and a
    16-byte auth secret, base64url without padding."""
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": b64urlencode(point), "auth": b64urlencode(os.urandom(16))}


def subscription(endpoint=ENDPOINT, **keys):
    return {"endpoint": endpoint, "expirationTime": None, "keys": {**browser_keys(), **keys}}


@pytest.fixture
def push_keys(settings):
    """A VAPID key pair for the site, as `manage.py vapid_keys` makes them."""
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = push.new_vapid_keys()
    settings.VAPID_SUBJECT = "mailto:team@example.com"
    return settings


@pytest.fixture
def sent(monkeypatch):
    """What was handed to pywebpush.webpush, in order; nothing leaves the test."""
    calls = []

    def webpush(**kwargs):
        calls.append(kwargs)

    monkeypatch.setattr(push, "webpush", webpush)
    return calls


def post_json(client, name, body, **headers):
    return client.post(
        reverse(name),
        body if isinstance(body, str | bytes) else json.dumps(body),
        content_type="application/json",
        **headers,
    )


def run_queued():
    """Run every queued push task as the worker would, oldest first."""
    for task in DBTaskResult.objects.filter(task_path="journal.tasks.send_push").order_by(
        "enqueued_at"
    ):
        send_push.call(*task.args_kwargs["args"])


@pytest.fixture
def alice_device(alice, push_keys):
    return push_services.push_subscribe(
        person=alice, endpoint=ENDPOINT, device="Chrome on Linux", **browser_keys()
    )


# Turning push on and off.


def test_a_browser_subscribes_and_is_listed_in_settings(client, alice, push_keys):
    client.force_login(alice)
    response = post_json(client, SUBSCRIBE, subscription(), HTTP_USER_AGENT=CHROME_LINUX)
    assert response.status_code == 201
    assert response.json() == {"device": "Chrome on Linux"}
    device = PushSubscription.objects.get()
    assert (device.person, device.endpoint, device.device) == (alice, ENDPOINT, "Chrome on Linux")
    page = client.get(reverse("journal:settings")).text
    assert "Chrome on Linux" in page
    assert reverse("journal:push_device_remove", args=[device.pk]) in page


def test_subscribing_again_updates_the_keys_and_a_shared_browser_changes_hands(
    client, alice, bob, push_keys
):
    client.force_login(alice)
    post_json(client, SUBSCRIBE, subscription())
    client.force_login(bob)
    renewed = subscription()
    assert post_json(client, SUBSCRIBE, renewed).status_code == 201
    device = PushSubscription.objects.get()
    assert device.person == bob
    assert device.p256dh == renewed["keys"]["p256dh"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        json.dumps({"endpoint": ENDPOINT}),
        json.dumps({"endpoint": ENDPOINT, "keys": "nope"}),
        json.dumps(subscription(endpoint="http://push.example.net/plain")),
        json.dumps(subscription(endpoint="javascript:alert(1)")),
        json.dumps(subscription(endpoint="https://push.example.net/" + "a" * 600)),
        json.dumps(subscription(p256dh="short")),
        json.dumps(subscription(auth="!!!!")),
        json.dumps(subscription(auth=b64urlencode(os.urandom(17)))),
        json.dumps(subscription(p256dh=12345)),
        json.dumps({**subscription(), "padding": "x" * 5000}),
        b"\xff\xfe\x00",
    ],
)
def test_anything_but_a_browser_subscription_is_refused_with_a_message(
    client, alice, push_keys, body
):
    client.force_login(alice)
    response = post_json(client, SUBSCRIBE, body)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_person_has_push_on_ten_devices_at_most(client, alice, push_keys):
    client.force_login(alice)
    for n in range(push_services.MAX_DEVICES):
        assert post_json(client, SUBSCRIBE, subscription(f"{ENDPOINT}/{n}")).status_code == 201
    response = post_json(client, SUBSCRIBE, subscription(f"{ENDPOINT}/more"))
    assert response.status_code == 400
    assert "remove one first" in response.json()["error"]
    # A device already on may still renew its keys.
    assert post_json(client, SUBSCRIBE, subscription(f"{ENDPOINT}/0")).status_code == 201
    assert PushSubscription.objects.count() == push_services.MAX_DEVICES


def test_subscribing_needs_a_login_and_a_csrf_token(client, alice, push_keys):
    response = post_json(client, SUBSCRIBE, subscription())
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert post_json(browser, SUBSCRIBE, subscription()).status_code == 403
    assert not PushSubscription.objects.exists()


def test_the_settings_page_lists_any_number_of_devices_in_one_query(
    client, alice, push_keys, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("journal:settings")
    push_services.push_subscribe(
        person=alice, endpoint=ENDPOINT, device="Chrome on Linux", **browser_keys()
    )
    with_one = queries_for(client, url)
    for n in range(4):
        push_services.push_subscribe(
            person=alice, endpoint=f"{ENDPOINT}/{n}", device="Firefox on Android", **browser_keys()
        )
    with django_assert_num_queries(with_one):
        assert client.get(url).text.count('class="push-device-name">Firefox') == 4


def test_without_keys_push_is_not_offered(client, alice, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    client.force_login(alice)
    page = client.get(reverse("journal:settings")).text
    assert "Browser push is not offered on this Momentum" in page
    assert 'name="remind_by_push"' not in page
    assert "data-push" not in page
    assert post_json(client, SUBSCRIBE, subscription()).status_code == 400
    assert not PushSubscription.objects.exists()


def test_with_keys_the_settings_offer_push_and_say_it_needs_javascript(client, alice, push_keys):
    client.force_login(alice)
    page = client.get(reverse("journal:settings")).text
    assert 'name="remind_by_push"' in page
    assert f'data-vapid-key="{push_keys.VAPID_PUBLIC_KEY}"' in page
    assert "Turning push on needs JavaScript" in page
    assert "None yet." in page


def test_a_browser_unsubscribes_its_own_device_only(client, alice, bob, alice_device):
    client.force_login(bob)
    response = post_json(client, UNSUBSCRIBE, {"endpoint": ENDPOINT})
    assert response.json() == {"removed": False}
    assert PushSubscription.objects.exists()
    client.force_login(alice)
    assert post_json(client, UNSUBSCRIBE, {"endpoint": ENDPOINT}).json() == {"removed": True}
    assert not PushSubscription.objects.exists()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=200),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
bodies = st.one_of(
    st.binary(max_size=300),
    json_values.map(json.dumps),
    st.fixed_dictionaries({"endpoint": json_values | st.just(ENDPOINT), "keys": json_values}).map(
        json.dumps
    ),
)


@pytest.mark.parametrize("name", [SUBSCRIBE, UNSUBSCRIBE])
def test_random_bodies_are_refused_with_a_message_never_a_server_error(
    client, alice, push_keys, name
):
    client.force_login(alice)

    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(body=bodies)
    def post(body):
        response = post_json(client, name, body)
        assert response.status_code in (200, 400), response.status_code
        assert "error" in response.json() or response.json() == {"removed": False}

    post()
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("body", ["", "{}", '{"endpoint": 5}', json.dumps({"endpoint": "x" * 600})])
def test_a_bad_unsubscribe_is_refused(client, alice, alice_device, body):
    client.force_login(alice)
    assert post_json(client, UNSUBSCRIBE, body).status_code == 400
    assert PushSubscription.objects.exists()


def test_a_device_is_removed_from_settings_by_its_owner_only(client, alice, bob, alice_device):
    url = reverse("journal:push_device_remove", args=[alice_device.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 404
    assert PushSubscription.objects.exists()
    client.force_login(alice)
    response = client.post(url, follow=True)
    assert "Push is off for that device." in response.text
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("agent", "name"),
    [
        (CHROME_LINUX, "Chrome on Linux"),
        (
            "Mozilla/5.0 (Android 15; Mobile; rv:140.0) Gecko/140.0 Firefox/140.0",
            "Firefox on Android",
        ),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        ("Mozilla/5.0 (Windows NT 10.0) Chrome/140.0 Safari/537.36 Edg/140.0", "Edge on Windows"),
        ("", "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(agent, name):
    assert push.device_name(agent) == name


# Sending.


def test_a_message_goes_to_every_device_of_the_person_with_the_site_keys(
    alice, alice_device, push_keys, sent
):
    push_services.push_subscribe(
        person=alice, endpoint=f"{ENDPOINT}/phone", device="Firefox on Android", **browser_keys()
    )
    message = push.Message(title="Hi", body="There", url="/write/")
    assert push_services.person_push(person_id=alice.pk, message=message) == 2
    run_queued()
    assert sorted(call["subscription_info"]["endpoint"] for call in sent) == [
        ENDPOINT,
        f"{ENDPOINT}/phone",
    ]
    assert json.loads(sent[0]["data"]) == {
        "title": "Hi",
        "body": "There",
        "url": "/write/",
        "tag": "momentum",
    }
    assert sent[0]["vapid_private_key"] == push_keys.VAPID_PRIVATE_KEY
    assert sent[0]["vapid_claims"] == {"sub": "mailto:team@example.com"}
    alice_device.refresh_from_db()
    assert alice_device.last_success_at is not None


def test_pywebpush_encrypts_and_signs_what_reaches_the_push_service(
    alice, alice_device, push_keys, monkeypatch
):
    posted = []

    def post(url, **kwargs):
        posted.append((url, kwargs))
        response = requests.Response()
        response.status_code = 201
        return response

    monkeypatch.setattr(requests, "post", post)
    push_services.push_send(subscription_id=alice_device.pk, payload='{"title": "secret words"}')
    url, request = posted[0]
    assert url == ENDPOINT
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert push_keys.VAPID_PUBLIC_KEY.rstrip("=") in request["headers"]["authorization"]
    assert b"secret words" not in request["data"]


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_removed(alice_device, monkeypatch, status):
    def webpush(**kwargs):
        response = requests.Response()
        response.status_code = status
        raise WebPushException("gone", response=response)

    monkeypatch.setattr(push, "webpush", webpush)
    assert send_push.call(alice_device.pk, "{}") is False
    assert not PushSubscription.objects.exists()
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    "failure",
    [
        WebPushException("busy", response=type("R", (), {"status_code": 503})()),
        requests.ConnectionError("unreachable"),
    ],
)
def test_other_failures_are_retried_later_and_keep_the_device(
    alice_device, monkeypatch, clock, failure
):
    def webpush(**kwargs):
        raise failure

    monkeypatch.setattr(push, "webpush", webpush)
    with pytest.raises(push.Failed):
        send_push.call(alice_device.pk, "{}")
    retry = DBTaskResult.objects.get()
    assert retry.args_kwargs["args"] == [alice_device.pk, "{}", 1]
    assert retry.run_after == clock.instant + RETRY_DELAYS[0]
    assert PushSubscription.objects.exists()


def test_nothing_is_queued_without_keys(alice, alice_device, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    message = push.Message(title="Hi", body="There", url="/")
    assert push_services.person_push(person_id=alice.pk, message=message) == 0
    assert not DBTaskResult.objects.exists()


# Reminders.


@pytest.fixture
def pushed_reminder(alice, alice_device, clock):
    """Alice with a three-day streak, reminded by push only at 20:00 in Paris."""
    for n in (3, 2, 1):
        write_entry(alice, day=days_ago(alice, n))
    reminders.reminder_settings_update(
        user=alice, remind_by_email=False, remind_by_push=True, reminder_time=dt.time(20)
    )
    alice.refresh_from_db()
    return alice


def test_a_reminder_by_push_only_sends_no_email(pushed_reminder, clock, sent):
    assert pushed_reminder.next_reminder_at == dt.datetime(2025, 6, 1, 18, tzinfo=dt.UTC)
    assert reminders.reminder_send(person_id=pushed_reminder.pk, day=dt.date(2025, 6, 1))
    assert mail.outbox == []
    run_queued()
    message = json.loads(sent[0]["data"])
    assert message["title"] == "Day 4 is waiting for you"
    assert message["body"] == "Your 3-day streak continues if you write Day 4 before midnight."
    assert message["url"].endswith(reverse("journal:write"))
    # Once a day, however many times it is queued.
    assert not reminders.reminder_send(person_id=pushed_reminder.pk, day=dt.date(2025, 6, 1))
    assert Delivery.objects.count() == 1


def test_a_reminder_by_email_and_push_sends_both(pushed_reminder, clock, sent):
    reminders.reminder_settings_update(
        user=pushed_reminder, remind_by_email=True, remind_by_push=True, reminder_time=dt.time(20)
    )
    assert reminders.reminder_send(person_id=pushed_reminder.pk, day=dt.date(2025, 6, 1))
    run_queued()
    assert len(mail.outbox) == 1
    assert len(sent) == 1


def test_a_failed_email_queues_no_push_so_that_the_retry_sends_both_once(
    pushed_reminder, clock, monkeypatch
):
    reminders.reminder_settings_update(
        user=pushed_reminder, remind_by_email=True, remind_by_push=True, reminder_time=dt.time(20)
    )

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        reminders.reminder_send(person_id=pushed_reminder.pk, day=dt.date(2025, 6, 1))
    assert not DBTaskResult.objects.exists()
    assert not Delivery.objects.exists()


def test_a_push_reminder_without_a_device_or_keys_sends_nothing(pushed_reminder, clock, settings):
    PushSubscription.objects.all().delete()
    assert not reminders.reminder_send(person_id=pushed_reminder.pk, day=dt.date(2025, 6, 1))
    assert not Delivery.objects.exists()


def test_the_settings_form_turns_push_reminders_on(client, alice, alice_device, clock):
    client.force_login(alice)
    response = client.post(
        reverse("journal:reminder_settings"), {"remind_by_push": "on", "reminder_time": "07:30"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.remind_by_push
    assert not alice.remind_by_email
    assert alice.next_reminder_at is not None
    assert (
        "You will get a reminder at 07:30 by push on days"
        in client.get(reverse("journal:settings")).text
    )


def test_unsubscribing_from_reminder_emails_keeps_push_reminders(pushed_reminder):
    reminders.reminder_settings_update(
        user=pushed_reminder, remind_by_email=True, remind_by_push=True, reminder_time=dt.time(20)
    )
    reminders.reminders_unsubscribe(user=pushed_reminder)
    pushed_reminder.refresh_from_db()
    assert not pushed_reminder.remind_by_email
    assert pushed_reminder.remind_by_push
    assert pushed_reminder.next_reminder_at is not None


# Notifications.


def test_a_cheer_comment_and_follow_arrive_as_push_messages(alice, bob, alice_device, sent):
    entry = write_entry(alice)
    social.cheer_toggle(user=bob, entry=entry)
    social.comment_create(author=bob, entry=entry, body="Well done")
    social.follow_toggle(follower=bob, followed=alice)
    run_queued()
    bodies = [json.loads(call["data"])["body"] for call in sent]
    assert bodies == [
        "Bob Stone cheered your Day 1 “Learning”",
        "Bob Stone commented on your Day 1 Well done",
        "Bob Stone followed you",
    ]
    assert json.loads(sent[0]["data"])["url"].endswith(entry.get_absolute_url())


def test_a_milestone_arrives_as_a_push_message(alice, alice_device, sent):
    write_entry(alice, minutes=600)
    run_queued()
    assert [json.loads(call["data"])["body"] for call in sent] == [
        "You reached 10 hours of learning"
    ]


def test_no_push_for_people_without_devices(alice, bob, push_keys, sent):
    social.follow_toggle(follower=bob, followed=alice)
    assert Notification.objects.exists()
    assert not DBTaskResult.objects.exists()


# The installable app.


def test_the_service_worker_is_served_from_the_root_and_looked_at_again_each_visit(client, db):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    assert b'addEventListener("push"' in response.content


def test_the_manifest_makes_momentum_installable(client, db, settings):
    response = client.get(reverse("journal:manifest"))
    assert response["Content-Type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"] if icon["type"] == "image/png"}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert finders.find(icon["src"].removeprefix(settings.STATIC_URL))
    page = client.get(reverse("journal:feed")).text
    assert f'<link rel="manifest" href="{reverse("journal:manifest")}">' in page


def test_the_offline_page_says_what_it_is(client, db):
    page = client.get(reverse("journal:offline")).text
    assert "You are offline" in page
    assert "not saved on this device" in page


def test_the_content_security_policy_allows_the_worker_and_the_manifest(client, db):
    policy = client.get(reverse("journal:feed"))["Content-Security-Policy"]
    assert "worker-src 'self'" in policy
    assert "manifest-src 'self'" in policy


def test_the_vapid_keys_command_prints_a_working_pair(push_keys):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("vapid_keys", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().split())
    public = base64.urlsafe_b64decode(lines["VAPID_PUBLIC_KEY"] + "==")
    assert len(public) == 65
    assert public[0] == 4
    assert lines["VAPID_PRIVATE_KEY"]
