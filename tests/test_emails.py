"""Notification emails and the weekly digest: batched by the hour, claimed once however
many schedulers race, composed from what waits, sent through a real SMTP server, resent
after an outage; unsubscribing by kind; the settings; the admin's Retry; allauth's
account emails naming Momentum."""

import asyncio
import datetime as dt
import email
import email.policy
import logging
import socket
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from django.core import mail, signing
from django.core.management import call_command
from django.tasks import TaskResultStatus
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from journal import emails, services
from journal.middleware import RequestIdFilter
from journal.models import Challenge, Delivery, Notification, User
from journal.services import emails as email_services
from journal.services import reminders
from journal.tasks import RETRY_DELAYS, send_email
from tests.conftest import make_user, write_entry
from tests.test_reminders import database_url, in_two_threads_at_once
from tests.test_settings import manage

UTC = dt.UTC


def claims(kind=Delivery.Kind.NOTIFICATIONS):
    return Delivery.objects.filter(kind=kind)


def send_claimed(kind=Delivery.Kind.NOTIFICATIONS):
    """Run the task of every waiting claim of ``kind``, as the worker would."""
    return [
        send_email.call(pk) for pk in claims(kind).filter(sent_at=None).values_list("pk", flat=True)
    ]


@pytest.fixture
def busy(alice, bob):
    """Alice's entry, cheered and commented on by Bob; Carol follows her and joins her
    challenge."""
    entry = write_entry(alice, title="Binary search")
    carol = make_user("carol", display_name="Carol King")
    challenge = Challenge(creator=alice, title="Thirty days of Rust", length_days=30)
    services.challenge_create(challenge=challenge, topic_names=[])
    services.cheer_toggle(user=bob, entry=entry)
    services.comment_create(author=bob, entry=entry, body="Nice **trick** <script>x</script>")
    services.follow_toggle(follower=carol, followed=alice)
    services.challenge_join(person=carol, challenge=challenge)
    return alice


# Notification emails.


def test_waiting_notifications_go_in_one_email_with_both_parts(busy, settings):
    settings.MOMENTUM_SITE_URL = "https://momentum.example"
    assert email_services.notification_emails_enqueue_due() == 1
    assert send_claimed() == [True]
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "4 new notifications on Momentum"
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    for line in (
        "Bob Stone cheered your Day 1",
        "Bob Stone commented on your Day 1",
        "Carol King followed you",
        "Carol King joined your challenge “Thirty days of Rust”",
    ):
        assert line in message.body
        assert line in html
    # The comment is quoted as typed, escaped in HTML.
    assert "Nice **trick** <script>x</script>" in message.body
    assert "<script>" not in html
    assert "https://momentum.example/@alice/" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"][1:-1]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = unsubscribe.removeprefix("https://momentum.example/unsubscribe/").removesuffix("/")
    assert emails.unsubscribe_target(token) == (busy, "notifications")
    assert unsubscribe in message.body
    assert unsubscribe in html
    assert not Notification.objects.filter(recipient=busy, emailed_at=None).exists()


def test_at_most_one_notification_email_an_hour(busy, bob):
    now = timezone.now()
    email_services.notification_emails_enqueue_due(now=now)
    send_claimed()
    services.follow_toggle(follower=bob, followed=busy)
    # Within the same hour the news waits...
    later = now.replace(minute=59) if now.minute < 59 else now
    assert email_services.notification_emails_enqueue_due(now=later) == 0
    # ...for the next hour's email, which holds only what was not emailed yet.
    assert email_services.notification_emails_enqueue_due(now=now + dt.timedelta(hours=1)) == 1
    assert send_claimed() == [True]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Bob Stone followed you"
    assert "cheered" not in mail.outbox[1].body


def test_read_notifications_and_people_who_turned_them_off_get_no_email(busy, bob, carol_free):
    services.notifications_mark_read(user=busy)
    email_services.email_settings_update(user=bob, email_notifications=False, email_digest=True)
    services.follow_toggle(follower=carol_free, followed=bob)
    assert email_services.notification_emails_enqueue_due() == 0
    assert mail.outbox == []


@pytest.fixture
def carol_free(db):
    return make_user("carolfree")


def test_news_that_went_away_before_the_worker_sends_nothing(busy):
    email_services.notification_emails_enqueue_due()
    services.notifications_mark_read(user=busy)
    assert send_claimed() == [False]
    assert mail.outbox == []
    # The hour's slot stays taken, unsent.
    assert claims().get().sent_at is None


def test_everyone_with_news_is_found_in_one_query_and_claimed_in_four_each(
    busy, django_assert_num_queries
):
    for n in range(5):
        services.follow_toggle(follower=make_user(f"fan{n}"), followed=make_user(f"star{n}"))
    # One query finds them, each claim is a savepoint, an insert and the task's row, and
    # one more query finds nobody left.
    with django_assert_num_queries(1 + 6 * 4 + 1):
        assert email_services.notification_emails_enqueue_due() == 6


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_claim_one_email_and_two_workers_send_it_once():
    alice = make_user("alice")
    services.follow_toggle(follower=make_user("bob"), followed=alice)
    now = timezone.now()
    counts = in_two_threads_at_once(lambda: email_services.notification_emails_enqueue_due(now=now))
    assert sorted(counts) == [0, 1]
    (delivery,) = claims()
    sent = in_two_threads_at_once(lambda: email_services.delivery_send(delivery_id=delivery.pk))
    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_a_claim_goes_through_the_worker(caplog):
    alice = make_user("alice")
    services.follow_toggle(follower=make_user("bob"), followed=alice)
    assert email_services.notification_emails_enqueue_due() == 1
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert [message.subject for message in mail.outbox] == ["bob followed you"]
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL
    assert claims().get().sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_notification_email_goes_through_the_scheduler_and_a_real_worker_process():
    alice = make_user("alice")
    services.follow_toggle(follower=make_user("bob", display_name="Bob Stone"), followed=alice)
    # Debug mode prints emails on the console, where the test reads them.
    environment = {"DJANGO_SECRET_KEY": "x", "DJANGO_DEBUG": "1", "DATABASE_URL": database_url()}
    scheduler = manage("schedule", "--verbosity", "2", **environment)
    assert "Queued 1 notification emails." in scheduler.stdout, scheduler.stderr
    worker = manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", **environment)
    assert worker.returncode == 0, worker.stderr
    assert "Subject: Bob Stone followed you" in worker.stdout
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in worker.stdout
    # The worker's log lines carry the task's id.
    task = DBTaskResult.objects.get()
    assert f"request_id=task-{task.id}" in worker.stderr
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert manage("schedule", **environment).returncode == 0
    assert DBTaskResult.objects.count() == 1


# The weekly digest.

MONDAY_MORNING = dt.datetime(2025, 6, 2, 7, 30, tzinfo=UTC)


def test_the_digest_is_due_on_monday_from_eight_on_each_local_clock():
    monday, zones = email_services.digest_monday(MONDAY_MORNING)
    assert monday == dt.date(2025, 6, 2)
    assert "Europe/Paris" in zones  # 09:30
    assert "Asia/Tokyo" in zones  # 16:30
    assert "America/New_York" not in zones  # 03:30
    assert "Europe/London" in zones  # 08:30, in summer time
    assert "Atlantic/Azores" not in zones  # 07:30
    assert email_services.digest_monday(dt.datetime(2025, 6, 4, 12, tzinfo=UTC)) is None


@pytest.fixture
def week(alice, bob):
    """Alice (Paris) wrote three days of the week before Monday 2 June 2025 and follows
    Bob (New York), who wrote seven; Dave, who follows nobody, wrote nothing."""
    for day, minutes, lesson, topics in (
        (26, 60, "Invariants first.", ["algorithms"]),
        (28, 90, "", ["algorithms", "rust"]),
        (1, 45, "Ownership is a promise.", ["rust"]),
    ):
        month = 6 if day == 1 else 5
        write_entry(
            alice, day=dt.date(2025, month, day), minutes=minutes, key_lesson=lesson, topics=topics
        )
    for n in range(7):
        entry = write_entry(
            bob,
            day=dt.date(2025, 5, 26) + dt.timedelta(days=n),
            title=f"Bob's day {n}",
            visibility="private" if n == 6 else "public",
        )
        entry.__class__.objects.filter(pk=entry.pk).update(cheer_count=n)
    services.follow_toggle(follower=alice, followed=bob)
    make_user("dave")
    make_user("newyorker", time_zone="America/New_York")
    return alice


def test_the_weekly_digest_is_queued_once_per_person_and_week(week):
    def queued(now):
        email_services.digests_enqueue_due(now=now)
        return set(claims(Delivery.Kind.DIGEST).values_list("person__username", flat=True))

    # 09:30 in Paris, 03:30 in New York; then 12:30 in Paris, 06:30 in New York.
    assert queued(MONDAY_MORNING) == {"alice", "dave"}
    assert queued(MONDAY_MORNING + dt.timedelta(hours=3)) == {"alice", "dave"}
    # 08:30 in New York.
    assert queued(MONDAY_MORNING + dt.timedelta(hours=5)) == {"alice", "dave", "bob", "newyorker"}
    assert claims(Delivery.Kind.DIGEST).count() == 4


def test_the_digest_tells_the_week_and_the_best_of_the_people_followed(week, settings):
    settings.MOMENTUM_SITE_URL = "https://momentum.example"
    email_services.digests_enqueue_due(now=MONDAY_MORNING)
    sent = dict(
        zip(
            claims(Delivery.Kind.DIGEST).order_by("pk").values_list("person__username", flat=True),
            send_claimed(Delivery.Kind.DIGEST),
            strict=True,
        )
    )
    # Dave had nothing to read about: no email.
    assert sent == {"alice": True, "dave": False}
    (message,) = mail.outbox
    assert message.subject == "Your week on Momentum: 3 days, 3.2 hours"
    ((html, _),) = message.alternatives
    for part in (message.body, html):
        assert "26 May to 1 June" in part
        assert "3 days of learning, 3.2 hours" in part
        assert "algorithms, rust" in part
        assert "Monday: Invariants first." in part
        assert "Sunday: Ownership is a promise." in part
        # Bob's five most cheered public entries, the private one left out.
        assert "Bob&#x27;s day 5" in part or "Bob's day 5" in part
        assert "day 6" not in part
        assert "day 0" not in part
    assert message.body.index("day 5") < message.body.index("day 1")
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://momentum.example/")


# Unsubscribing, by kind.


@pytest.mark.parametrize(
    ("kind", "field"),
    [("notifications", "email_notifications"), ("digest", "email_digest")],
)
def test_each_link_turns_off_its_own_kind_only(alice, kind, field):
    reminders.reminder_settings_update(user=alice, remind_by_email=True, reminder_time=dt.time(9))
    url = reverse("journal:unsubscribe", args=[emails.unsubscribe_token(alice, kind)])
    page = Client().get(url)
    assert page.status_code == 200
    assert "Stop " + emails.kind_name(kind) + "?" in page.text
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    alice.refresh_from_db()
    assert getattr(alice, field) is False
    others = {"email_notifications", "email_digest", "remind_by_email"} - {field}
    assert all(getattr(alice, other) for other in others)


def test_a_reminder_link_from_before_kinds_still_stops_reminders(alice):
    reminders.reminder_settings_update(user=alice, remind_by_email=True, reminder_time=dt.time(9))
    old = signing.dumps(alice.pk, salt=emails.UNSUBSCRIBE_SALT, compress=True)
    response = Client().post(reverse("journal:unsubscribe", args=[old]))
    assert "Reminders are off" in response.text
    alice.refresh_from_db()
    assert not alice.remind_by_email
    assert alice.email_notifications
    assert alice.email_digest


# Settings.


def test_the_settings_turn_each_kind_on_and_off(client, alice):
    client.force_login(alice)
    page = client.get(reverse("journal:settings")).text
    assert 'id="emails"' in page
    assert 'name="email_notifications"' in page
    response = client.post(reverse("journal:email_settings"), {"email_digest": "on"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.email_notifications, alice.email_digest) == (False, True)
    assert "Your email settings are saved." in client.get(reverse("journal:settings")).text


def test_new_people_get_notification_emails_and_the_digest_but_no_reminder(db):
    person = User.objects.create_user("newcomer", "newcomer@example.com", "pw")
    assert (person.email_notifications, person.email_digest, person.remind_by_email) == (
        True,
        True,
        False,
    )


def test_the_notifications_page_names_who_joined_a_challenge(client, busy):
    client.force_login(busy)
    page = client.get(reverse("journal:notifications")).text
    assert "joined your challenge" in page
    assert "Thirty days of Rust" in page


# Through a real SMTP server.


class Inbox:
    """What an SMTP server (aiosmtpd) received."""

    def __init__(self):
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """Django's SMTP backend pointed at a port where a server can be started."""
    port = free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 5},
        }
    }
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    yield controller, inbox
    if controller._thread is not None:
        controller.stop()
    asyncio.set_event_loop(None)


@pytest.mark.django_db(transaction=True)
def test_an_email_sent_through_a_real_smtp_server_arrives_whole(smtp):
    controller, inbox = smtp
    controller.start()
    alice = make_user("alice", display_name="Alice Martin")
    services.follow_toggle(follower=make_user("bob", display_name="Bob Stone"), followed=alice)
    email_services.notification_emails_enqueue_due()
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    (message,) = inbox.messages
    assert message["Subject"] == "Bob Stone followed you"
    assert message["To"] == "alice@example.com"
    assert message["List-Unsubscribe"].startswith("<http")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "Bob Stone followed you" in text
    assert "Bob Stone followed you" in html
    assert "<!DOCTYPE html>" in html


@pytest.mark.django_db(transaction=True)
def test_an_email_the_server_could_not_take_arrives_after_a_retry(smtp, caplog):
    controller, inbox = smtp
    caplog.handler.addFilter(RequestIdFilter())
    alice = make_user("alice")
    services.follow_toggle(follower=make_user("bob"), followed=alice)
    email_services.notification_emails_enqueue_due()
    # The server is down: the task fails, nothing is marked sent, a retry is queued.
    with caplog.at_level(logging.WARNING, logger="journal.tasks"):
        call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    retry = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert retry.args_kwargs["args"] == [claims().get().pk, 1]
    assert retry.run_after > timezone.now() + RETRY_DELAYS[0] - dt.timedelta(seconds=30)
    assert claims().get().sent_at is None
    assert Notification.objects.get().emailed_at is None
    (warning,) = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert warning.request_id == f"task-{failed.id}"
    # The server comes back; the retry's time comes.
    controller.start()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    (message,) = inbox.messages
    assert message["Subject"] == "bob followed you"
    assert claims().get().sent_at is not None
    assert Notification.objects.get().emailed_at is not None


# Failed tasks in the admin.


def test_staff_retry_a_failed_task_once_from_the_admin(client, alice):
    staff = make_user("staff", is_staff=True, is_superuser=True)
    result = send_email.enqueue(41)
    DBTaskResult.objects.filter(pk=result.id).update(status=TaskResultStatus.FAILED)
    client.force_login(staff)
    changelist = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    assert client.get(changelist).status_code == 200
    for _ in range(2):
        response = client.post(
            changelist, {"action": "retry", "_selected_action": [str(result.id)]}, follow=True
        )
        assert response.status_code == 200
    (queued,) = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    assert queued.task_path == "journal.tasks.send_email"
    assert queued.args_kwargs == {"args": [41], "kwargs": {}}
    assert "0 tasks queued again; 1 already waiting" in response.text


# Account emails from django-allauth.


@pytest.mark.parametrize("site", ["https://momentum.example", "https://learn.momentum.example"])
def test_account_emails_name_momentum_and_link_to_the_site(client, settings, db, site):
    settings.MOMENTUM_SITE_URL = site
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "username": "newcomer",
            "password1": "a long enough password 1",
            "password2": "a long enough password 1",
            "time_zone": "Europe/Paris",
        },
    )
    make_user("alice")
    client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    confirm, reset = mail.outbox
    assert confirm.subject == "Momentum: Confirm your email address"
    assert reset.subject == "Momentum: Reset your password"
    for message in (confirm, reset):
        ((html, kind),) = message.alternatives
        assert kind == "text/html"
        for part in (message.body, html):
            assert "Momentum" in part
            assert f"{site}/accounts/" in part
            for wrong in ("127.0.0.1", "example.com", "testserver"):
                assert wrong not in part
