"""Daily reminders, by email and/or browser push: their settings, the scheduler's pass,
sending one, unsubscribing.

Each person's next due moment is stored (``User.next_reminder_at``), so the scheduler finds
everyone due with one indexed query. It hands each of them to the task queue; the worker
writes a ``Delivery`` row before sending, whose unique constraint lets one reminder per
person and day through however many schedulers and workers race.
"""

import datetime as dt
import logging

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from journal import emails, push
from journal.models import Delivery, Entry, PushSubscription, User
from journal.reminders import next_reminder_at, reminder_day
from journal.services import push as push_services

logger = logging.getLogger(__name__)

# People handed to the queue per scheduler query; a larger crowd takes several rounds.
BATCH = 500


def reminder_reschedule(*, user: User, now: dt.datetime | None = None) -> None:
    """Store ``user``'s next due reminder after ``now`` (None when reminders are off). Call
    it whenever reminders, their time or the time zone change."""
    user.next_reminder_at = (
        next_reminder_at(
            after=now or timezone.now(),
            zone=user.zone,
            at=user.reminder_time,
            written_through=user.last_entry_day,
        )
        if user.remind_by_email or user.remind_by_push
        else None
    )
    # No save(): nothing any page shows changes, so no cache is made stale.
    User.objects.filter(pk=user.pk).update(next_reminder_at=user.next_reminder_at)


def reminder_settings_update(
    *, user: User, remind_by_email: bool, reminder_time: dt.time, remind_by_push: bool = False
) -> None:
    """Turn ``user``'s reminders by email and by push on or off, at ``reminder_time`` on
    their clock."""
    user.remind_by_email = remind_by_email
    user.remind_by_push = remind_by_push
    user.reminder_time = reminder_time
    User.objects.filter(pk=user.pk).update(
        remind_by_email=remind_by_email, remind_by_push=remind_by_push, reminder_time=reminder_time
    )
    reminder_reschedule(user=user)


def due_people(now: dt.datetime) -> QuerySet[User]:
    """The next people whose reminder is due at ``now``, soonest first (one index scan)."""
    return (
        User.objects.filter(next_reminder_at__lte=now)
        .order_by("next_reminder_at")
        .only("time_zone", "reminder_time", "last_entry_day", "next_reminder_at")[:BATCH]
    )


def reminders_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """The scheduler's pass: queue a reminder for everyone due at ``now`` and move their
    next due moment to a later day. Returns how many were queued. Safe to run on several
    machines at once: a reminder queued twice is sent once (``reminder_send``)."""
    from journal.tasks import send_reminder

    now = now or timezone.now()
    queued = 0
    while due := list(due_people(now)):
        for person in due:
            due_at = person.next_reminder_at
            assert due_at is not None  # the query's own condition
            day = reminder_day(due_at, person.zone)
            # A reminder found only after its day ended (the scheduler was down) is moot.
            if day == now.astimezone(person.zone).date():
                send_reminder.enqueue(person.pk, day.isoformat())
                queued += 1
            person.next_reminder_at = next_reminder_at(
                after=now,
                zone=person.zone,
                at=person.reminder_time,
                written_through=max(day, person.last_entry_day or day),
            )
        User.objects.bulk_update(due, ["next_reminder_at"])
    return queued


def reminder_send(*, person_id: int, day: dt.date) -> bool:
    """Send ``day``'s reminder to the person, by email and/or push as they chose, unless it
    was sent already, their entry for that day is written, reminders were turned off, they
    are suspended or the day is over. Returns whether it was sent. Raises what the mail
    server raises, with nothing recorded, so a retry sends."""
    person = User.objects.filter(
        Q(remind_by_email=True) | Q(remind_by_push=True),
        pk=person_id,
        is_active=True,
        is_suspended=False,
    ).first()
    if (
        person is None
        or person.local_today() != day
        or Entry.objects.filter(author=person, day=day).exists()
    ):
        return False
    by_push = (
        person.remind_by_push
        and push.enabled()
        and PushSubscription.objects.filter(person=person).exists()
    )
    if not (person.remind_by_email or by_push):
        return False
    try:
        # The row is written first and kept only if the email goes: a second worker
        # sending the same reminder waits on it, then finds it and stops. The push
        # messages are queued in the same transaction, so they go exactly when it is kept.
        with transaction.atomic():
            Delivery.objects.create(kind=Delivery.Kind.REMINDER, person=person, day=day)
            if by_push:
                push_services.person_push(
                    person_id=person.pk, message=push_services.reminder_message(person)
                )
            if person.remind_by_email:
                reminder_message(person).send()
    except IntegrityError:
        logger.info("reminder for person %s on %s was sent already", person_id, day)
        return False
    return True


def reminder_message(person: User) -> EmailMultiAlternatives:
    """Today's reminder email for ``person``: plain text and HTML, with one-click
    unsubscribe headers (RFC 8058)."""
    day_number = person.entry_count + 1
    return emails.email_message(
        person=person,
        kind=Delivery.Kind.REMINDER,
        subject=f"Day {day_number} is waiting for you",
        template="reminder",
        context={
            "streak": person.current_streak,
            "day_number": day_number,
            "write_url": emails.site_url(reverse("journal:write")),
        },
    )


def reminders_unsubscribe(*, user: User) -> None:
    """Turn ``user``'s reminders by email off (the link came in one); push reminders stay
    as they were, to be turned off where they were turned on."""
    reminder_settings_update(
        user=user,
        remind_by_email=False,
        reminder_time=user.reminder_time,
        remind_by_push=user.remind_by_push,
    )
