"""Daily reminders: the due-time rule across time zones and DST, the scheduler, sending once
however many race, the email, unsubscribing without logging in, and the settings form."""

import datetime as dt
import smtplib
import threading
import zoneinfo

import pytest
from django.core import mail, signing
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from hypothesis import given
from hypothesis import strategies as st

from journal import emails
from journal.models import Delivery, User
from journal.reminders import next_reminder_at
from journal.services import reminders
from journal.tasks import RETRY_DELAYS, send_reminder
from tests.conftest import days_ago, make_user, write_entry
from tests.test_settings import manage

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.UTC


def utc(*args):
    return dt.datetime(*args, tzinfo=UTC)


def due(after, zone, at, written_through=None):
    return next_reminder_at(after=after, zone=zone, at=at, written_through=written_through)


# The due-time rule.


@pytest.mark.parametrize(
    ("zone", "after", "expected"),
    [
        # 20:00 in Paris is 19:00 UTC in winter time, 18:00 UTC once clocks go forward
        # (29 March 2026) and 19:00 again once they go back (25 October 2026).
        (PARIS, utc(2026, 3, 28, 12), utc(2026, 3, 28, 19)),
        (PARIS, utc(2026, 3, 28, 19), utc(2026, 3, 29, 18)),
        (PARIS, utc(2026, 10, 24, 18), utc(2026, 10, 25, 19)),
        # New York: 20:00 EST is 01:00 UTC the next day, 20:00 EDT is 00:00 UTC (clocks go
        # forward on 8 March 2026 and back on 1 November 2026).
        (NEW_YORK, utc(2026, 3, 7, 12), utc(2026, 3, 8, 1)),
        (NEW_YORK, utc(2026, 3, 8, 1), utc(2026, 3, 9, 0)),
        (NEW_YORK, utc(2026, 11, 1, 0), utc(2026, 11, 2, 1)),
    ],
)
def test_the_reminder_is_due_at_the_chosen_time_on_the_local_clock(zone, after, expected):
    assert due(after, zone, dt.time(20, 0)) == expected


def test_a_time_that_does_not_exist_that_day_comes_as_late_as_the_gap():
    # 02:30 never happens in Paris on 29 March 2026: the reminder comes at 03:30 CEST.
    moment = due(utc(2026, 3, 28, 12), PARIS, dt.time(2, 30))
    assert moment == utc(2026, 3, 29, 1, 30)
    assert moment.astimezone(PARIS).time() == dt.time(3, 30)


def test_a_time_that_happens_twice_comes_once():
    # 01:30 happens twice in New York on 1 November 2026: the first time only.
    first = due(utc(2026, 10, 31, 12), NEW_YORK, dt.time(1, 30))
    assert first == utc(2026, 11, 1, 5, 30)
    assert due(first, NEW_YORK, dt.time(1, 30)) == utc(2026, 11, 2, 6, 30)


def test_a_day_already_written_gets_no_reminder():
    today = dt.date(2026, 6, 1)
    assert due(utc(2026, 6, 1, 8), PARIS, dt.time(20, 0), written_through=today) == utc(
        2026, 6, 2, 18
    )


ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@given(
    zone=st.sampled_from(ZONES).map(zoneinfo.ZoneInfo),
    after=st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1)).map(
        lambda moment: moment.replace(tzinfo=UTC)
    ),
    at=st.times(),
    written_back=st.none() | st.integers(-3, 1),
)
def test_the_next_reminder_is_the_first_chosen_moment_on_a_day_not_written(
    zone, after, at, written_back
):
    today = after.astimezone(zone).date()
    written_through = None if written_back is None else today + dt.timedelta(days=written_back)
    moment = due(after, zone, at, written_through)
    local = moment.astimezone(zone)
    assert moment > after
    assert written_through is None or local.date() > written_through
    # The chosen time on the local clock, or just after a gap that skipped it.
    assert local.time() == at or dt.timedelta(0) < (
        dt.datetime.combine(local.date(), local.time()) - dt.datetime.combine(local.date(), at)
    ) <= dt.timedelta(hours=1)
    # No earlier day would have done.
    earlier = local.date() - dt.timedelta(days=1)
    if written_through is None or earlier > written_through:
        assert dt.datetime.combine(earlier, at, tzinfo=zone) <= after


# Settings.


@pytest.fixture
def reminded(alice, clock):
    """Alice with a three-day streak up to yesterday, reminded at 20:00 in Paris; the clock
    at noon UTC on 1 June 2025."""
    for n in (3, 2, 1):
        write_entry(alice, day=days_ago(alice, n))
    reminders.reminder_settings_update(user=alice, remind_by_email=True, reminder_time=dt.time(20))
    alice.refresh_from_db()
    return alice


def test_reminders_are_off_until_turned_on(client, alice):
    client.force_login(alice)
    page = client.get(reverse("journal:settings")).content.decode()
    assert 'name="remind_by_email"' in page
    assert "checked" not in page.split('name="remind_by_email"')[1].split(">")[0]
    assert 'value="20:00"' in page
    assert alice.next_reminder_at is None


def test_turning_reminders_on_schedules_the_next_one(client, alice, clock):
    client.force_login(alice)
    response = client.post(
        reverse("journal:reminder_settings"), {"remind_by_email": "on", "reminder_time": "07:30"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.remind_by_email
    assert alice.reminder_time == dt.time(7, 30)
    # Noon UTC is 14:00 in Paris: today's 07:30 is gone, tomorrow's is 05:30 UTC.
    assert alice.next_reminder_at == utc(2025, 6, 2, 5, 30)
    assert "You will get a reminder at 07:30" in client.get(reverse("journal:settings")).text


def test_a_bad_time_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("journal:reminder_settings"), {"remind_by_email": "on", "reminder_time": "25:99"}
    )
    assert response.status_code == 400
    assert "Enter a valid time" in response.text
    alice.refresh_from_db()
    assert not alice.remind_by_email


def test_turning_reminders_off_unschedules_them(client, reminded):
    client.force_login(reminded)
    client.post(reverse("journal:reminder_settings"), {"reminder_time": "20:00"})
    reminded.refresh_from_db()
    assert not reminded.remind_by_email
    assert reminded.next_reminder_at is None


def test_moving_to_another_time_zone_moves_the_reminder(client, reminded):
    assert reminded.next_reminder_at == utc(2025, 6, 1, 18)
    client.force_login(reminded)
    client.post(
        reverse("journal:settings"),
        {"display_name": "Alice", "time_zone": "America/New_York", "daily_goal_minutes": 60},
    )
    reminded.refresh_from_db()
    assert reminded.next_reminder_at == utc(2025, 6, 2, 0)


# The scheduler.


def queued():
    return [task.args_kwargs["args"] for task in DBTaskResult.objects.order_by("enqueued_at")]


def test_the_scheduler_queues_a_due_reminder_once_and_moves_to_the_next_day(reminded, clock):
    clock.instant = utc(2025, 6, 1, 17, 59)
    assert reminders.reminders_enqueue_due() == 0
    clock.instant = utc(2025, 6, 1, 18, 0)
    assert reminders.reminders_enqueue_due() == 1
    assert queued() == [[reminded.pk, "2025-06-01"]]
    reminded.refresh_from_db()
    assert reminded.next_reminder_at == utc(2025, 6, 2, 18)
    assert reminders.reminders_enqueue_due() == 0


def test_a_reminder_found_after_its_day_is_dropped(reminded, clock):
    clock.instant = utc(2025, 6, 2, 1)  # 03:00 on 2 June in Paris
    assert reminders.reminders_enqueue_due() == 0
    reminded.refresh_from_db()
    assert reminded.next_reminder_at == utc(2025, 6, 2, 18)


def test_the_scheduler_finds_everyone_due_in_one_query(
    reminded, bob, clock, django_assert_num_queries
):
    # 13:00 in New York, 17:00 UTC.
    reminders.reminder_settings_update(user=bob, remind_by_email=True, reminder_time=dt.time(13))
    clock.instant = utc(2025, 6, 1, 18)
    # One query finds both, two enqueue them, one moves them on, one finds nobody left.
    with django_assert_num_queries(5):
        assert reminders.reminders_enqueue_due() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's")
def test_finding_who_is_due_reads_an_index_among_ten_thousand_people(db):
    now = utc(2025, 6, 1, 18)
    User.objects.bulk_create(
        User(
            username=f"p{n}",
            email=f"p{n}@example.com",
            remind_by_email=n % 3 == 0,
            # A third have reminders on, spread over the next day; a few are due.
            next_reminder_at=now + dt.timedelta(minutes=n % 1440 - 5) if n % 3 == 0 else None,
        )
        for n in range(10_000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE journal_user")
    due_now = reminders.due_people(now)
    plan = due_now.explain()
    assert "user_reminder_due_idx" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert len(due_now) == sum(n % 3 == 0 and n % 1440 <= 5 for n in range(10_000))


# Sending.


def test_the_reminder_says_what_is_at_stake_in_html_and_text(reminded, clock, settings):
    settings.MOMENTUM_SITE_URL = "https://momentum.example"
    clock.instant = utc(2025, 6, 1, 18)
    assert reminders.reminder_send(person_id=reminded.pk, day=dt.date(2025, 6, 1))
    (message,) = mail.outbox
    assert message.to == ["alice@example.com"]
    assert message.subject == "Day 4 is waiting for you"
    stake = "Your 3-day streak continues if you write Day 4 before midnight."
    assert stake in message.body
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert stake in html
    assert "https://momentum.example/write/" in html
    link = message.extra_headers["List-Unsubscribe"]
    assert link.startswith("<https://momentum.example/unsubscribe/")
    assert link.endswith("/>")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    token = link.removeprefix("<https://momentum.example/unsubscribe/").removesuffix("/>")
    assert emails.unsubscribe_target(token) == (reminded, "reminder")
    assert link[1:-1] in message.body
    assert link[1:-1] in html


def test_a_broken_streak_asks_for_a_new_start(alice, clock):
    write_entry(alice, day=days_ago(alice, 3))
    reminders.reminder_settings_update(user=alice, remind_by_email=True, reminder_time=dt.time(9))
    assert reminders.reminder_send(person_id=alice.pk, day=alice.local_today())
    assert "Write Day 2 before midnight and start a new streak" in mail.outbox[0].body


def test_a_reminder_is_sent_once_per_day(reminded, clock):
    today = dt.date(2025, 6, 1)
    assert reminders.reminder_send(person_id=reminded.pk, day=today)
    assert not reminders.reminder_send(person_id=reminded.pk, day=today)
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().day == today


def test_no_reminder_once_the_day_is_written_or_reminders_are_off(reminded, bob, clock):
    today = dt.date(2025, 6, 1)
    suspended = make_user("suspended", remind_by_email=True, is_suspended=True)
    write_entry(reminded)
    assert not reminders.reminder_send(person_id=reminded.pk, day=today)
    assert not reminders.reminder_send(person_id=bob.pk, day=today)
    assert not reminders.reminder_send(person_id=suspended.pk, day=today)
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_a_failed_email_records_nothing_so_that_a_retry_sends_it(reminded, clock, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(ConnectionRefusedError):
        reminders.reminder_send(person_id=reminded.pk, day=dt.date(2025, 6, 1))
    assert not Delivery.objects.exists()


def in_two_threads_at_once(action):
    """What ``action()`` returns in each of two threads started together, each on its own
    database connection."""
    start = threading.Barrier(2)
    results = []

    def run():
        try:
            start.wait()
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_a_mail_server_outage_queues_later_attempts_until_they_run_out(
    reminded, clock, monkeypatch
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    for attempt in range(len(RETRY_DELAYS)):
        with pytest.raises(smtplib.SMTPServerDisconnected):
            send_reminder.call(reminded.pk, "2025-06-01", attempt)
        retry = DBTaskResult.objects.latest("run_after")
        assert retry.args_kwargs["args"] == [reminded.pk, "2025-06-01", attempt + 1]
        assert retry.run_after == clock.instant + RETRY_DELAYS[attempt]
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_reminder.call(reminded.pk, "2025-06-01", len(RETRY_DELAYS))
    assert DBTaskResult.objects.count() == len(RETRY_DELAYS)
    assert not Delivery.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_send_one_reminder():
    person = make_user("racer", remind_by_email=True)
    day = person.local_today()
    sent = in_two_threads_at_once(lambda: reminders.reminder_send(person_id=person.pk, day=day))
    assert sorted(sent) == [False, True]
    assert len(mail.outbox) == 1
    assert Delivery.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_and_a_worker_send_one_reminder():
    person = make_user("raced", remind_by_email=True)
    # Due now, today where the person lives.
    User.objects.filter(pk=person.pk).update(next_reminder_at=dt.datetime.now(UTC))
    counts = in_two_threads_at_once(reminders.reminders_enqueue_due)
    assert 1 <= sum(counts) <= 2
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    assert len(mail.outbox) == 1
    assert Delivery.objects.get().person == person
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}


def database_url():
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    return (
        f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_a_reminder_goes_through_the_scheduler_and_a_real_worker_process():
    person = make_user("worked", remind_by_email=True)
    User.objects.filter(pk=person.pk).update(next_reminder_at=dt.datetime.now(UTC))
    # Debug mode prints emails on the console, where the test reads them.
    environment = {"DJANGO_SECRET_KEY": "x", "DJANGO_DEBUG": "1", "DATABASE_URL": database_url()}
    scheduler = manage("schedule", **environment)
    assert scheduler.returncode == 0, scheduler.stderr
    worker = manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", **environment)
    assert worker.returncode == 0, worker.stderr
    assert "Day 1 is waiting for you" in worker.stdout
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in worker.stdout
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert task.return_value is True
    assert Delivery.objects.get().person == person
    # The next pass finds nobody due: the reminder was queued once.
    assert manage("schedule", **environment).returncode == 0
    assert DBTaskResult.objects.count() == 1


# Unsubscribing.


def test_the_link_asks_before_unsubscribing_without_logging_in(reminded):
    url = reverse("journal:unsubscribe", args=[emails.unsubscribe_token(reminded, "reminder")])
    response = Client().get(url)
    assert response.status_code == 200
    assert "Stop reminders?" in response.text
    reminded.refresh_from_db()
    assert reminded.remind_by_email


@pytest.mark.parametrize("body", [{}, {"List-Unsubscribe": "One-Click"}])
def test_a_post_unsubscribes_without_login_or_csrf_token(reminded, body):
    url = reverse("journal:unsubscribe", args=[emails.unsubscribe_token(reminded, "reminder")])
    response = Client(enforce_csrf_checks=True).post(url, body)
    assert response.status_code == 200
    assert "Reminders are off" in response.text
    reminded.refresh_from_db()
    assert not reminded.remind_by_email
    assert reminded.next_reminder_at is None


TOKENS_THAT_MUST_NOT_WORK = {
    "another_purpose": lambda user: signing.dumps(user.pk, salt="another.purpose"),
    "id_as_text": lambda user: signing.dumps(str(user.pk), salt=emails.UNSUBSCRIBE_SALT),
    "unknown_kind": lambda user: signing.dumps(
        [user.pk, "everything"], salt=emails.UNSUBSCRIBE_SALT
    ),
    "tampered": lambda user: emails.unsubscribe_token(user, "reminder")[:-2] + "xx",
}


# Tokens are made inside the test: signed values carry a timestamp, and ids made
# at collection time would differ between xdist workers.
@pytest.mark.parametrize("forge", TOKENS_THAT_MUST_NOT_WORK.values(), ids=TOKENS_THAT_MUST_NOT_WORK)
def test_a_tampered_token_is_refused_with_a_clear_page(reminded, forge):
    response = Client().post(reverse("journal:unsubscribe", args=[forge(reminded)]))
    assert response.status_code == 400
    assert "This link does not work" in response.text
    reminded.refresh_from_db()
    assert reminded.remind_by_email


def test_the_csrf_exemption_is_for_the_unsubscribe_link_only(reminded):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reminded)
    response = client.post(reverse("journal:reminder_settings"), {"reminder_time": "20:00"})
    assert response.status_code == 403
