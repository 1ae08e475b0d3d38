"""Notification emails and the weekly digest: their settings, the scheduler's passes,
sending one, and unsubscribing from any kind of email.

The scheduler claims each email before the worker sends it: it writes a ``Delivery`` row
(kind, person, day, hour) whose unique constraint lets one claim through however many
schedulers race, and queues a task for it in the same transaction. The worker marks the
row sent in the transaction that sends the email, so a second worker waits on the row and
then finds it sent; when the mail server fails, the mark is rolled back with everything
else, and the retry (journal.tasks.send_email) finds the row still waiting.

- Notification emails: at most one per person and UTC hour, holding the notifications
  (cheers, comments, follows, milestones, people joining one's challenges) that are unread
  and not emailed yet, from the last day.
- The weekly digest: on Monday from 08:00 on each person's own clock, once per person and
  week (the row's day is that Monday), looking back at the seven days before.
"""

import datetime as dt
import logging
import zoneinfo
from collections.abc import Callable
from functools import cache
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Sum
from django.urls import reverse
from django.utils import timezone

from journal import emails
from journal.models import (
    Challenge,
    Delivery,
    Entry,
    Notification,
    NotificationQuerySet,
    Topic,
    User,
)
from journal.services import reminders

logger = logging.getLogger(__name__)

# Claims made per scheduler query; a larger crowd takes several rounds.
BATCH = 500
# Notifications older than this are not emailed: they are on the site, and news no longer.
RECENT = dt.timedelta(days=1)
# Notifications listed in one email; the rest are counted.
LISTED = 20
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = dt.time(8, 0)
# The best entries of the people one follows, in a digest.
DIGEST_BEST = 5


def email_settings_update(*, user: User, email_notifications: bool, email_digest: bool) -> None:
    """Turn ``user``'s notification emails and weekly digest on or off."""
    user.email_notifications = email_notifications
    user.email_digest = email_digest
    # No save(): nothing any page shows changes, so no cache is made stale.
    User.objects.filter(pk=user.pk).update(
        email_notifications=email_notifications, email_digest=email_digest
    )


def email_unsubscribe(*, user: User, kind: str) -> None:
    """Turn ``kind`` of email (a ``Delivery.Kind``) off for ``user``, and only that kind."""
    if kind == Delivery.Kind.REMINDER:
        reminders.reminders_unsubscribe(user=user)
        return
    field = emails.KINDS[kind][0]
    setattr(user, field, False)
    User.objects.filter(pk=user.pk).update(**{field: False})


# The scheduler's passes.


def _claim(*, person_id: int, kind: str, day: dt.date, hour: int = 0) -> bool:
    """Write the unsent ``Delivery`` and queue its task, together; False when another
    scheduler claimed it first."""
    from journal.tasks import send_email

    try:
        with transaction.atomic():
            delivery = Delivery.objects.create(
                kind=kind, person_id=person_id, day=day, hour=hour, sent_at=None
            )
            send_email.enqueue(delivery.pk)
    except IntegrityError:
        return False
    return True


def _claim_all(people: Callable[[], list[int]], **slot: Any) -> int:
    """Claim the slot for everyone ``people()`` returns, round after round until nobody is
    left (a claimed person leaves the query's result)."""
    claimed = 0
    while batch := people():
        claimed += sum(_claim(person_id=person_id, **slot) for person_id in batch)
    return claimed


def notification_emails_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Queue a notification email for everyone with news and none this hour yet. Returns
    how many were queued."""
    now = now or timezone.now()
    hour = now.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
    slot = {"kind": Delivery.Kind.NOTIFICATIONS, "day": hour.date(), "hour": hour.hour}
    sent_this_hour = Delivery.objects.filter(person=OuterRef("recipient"), **slot)

    def people() -> list[int]:
        return list(
            _waiting(now)
            .filter(
                recipient__email_notifications=True,
                recipient__is_active=True,
                recipient__is_suspended=False,
            )
            .filter(~Exists(sent_this_hour))
            .values_list("recipient", flat=True)
            .distinct()[:BATCH]
        )

    return _claim_all(people, **slot)


def _waiting(now: dt.datetime) -> NotificationQuerySet:
    """Notifications to email: recent, unread, not emailed yet (a partial index's rows)."""
    return Notification.objects.filter(
        emailed_at__isnull=True,
        read_at__isnull=True,
        created_at__gt=now - RECENT,
        created_at__lte=now,
        actor__is_suspended=False,
    )


@cache
def _zones() -> tuple[zoneinfo.ZoneInfo, ...]:
    return tuple(zoneinfo.ZoneInfo(name) for name in sorted(zoneinfo.available_timezones()))


def digest_monday(now: dt.datetime) -> tuple[dt.date, list[str]] | None:
    """The Monday whose digests are due at ``now``, and the time zones where it is that
    Monday past 08:00; None when it is that time nowhere. (All of those zones share one
    Monday: local dates at one instant are at most 26 hours apart.)"""
    due = [
        (local.date(), str(zone))
        for zone in _zones()
        if (local := now.astimezone(zone)).weekday() == DIGEST_WEEKDAY
        and local.time() >= DIGEST_TIME
    ]
    return (due[0][0], [name for _, name in due]) if due else None


def digests_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """Queue this week's digest for everyone whose Monday morning has come and who has
    not had it. Returns how many were queued."""
    due = digest_monday(now or timezone.now())
    if due is None:
        return 0
    monday, zones = due
    slot = {"kind": Delivery.Kind.DIGEST, "day": monday}
    sent_this_week = Delivery.objects.filter(person=OuterRef("pk"), **slot)

    def people() -> list[int]:
        return list(
            User.objects.filter(
                time_zone__in=zones, email_digest=True, is_active=True, is_suspended=False
            )
            .filter(~Exists(sent_this_week))
            .values_list("pk", flat=True)[:BATCH]
        )

    return _claim_all(people, **slot)


# Sending.


def delivery_send(*, delivery_id: int) -> bool:
    """Send the email ``delivery_id`` claims unless it went already, or there is nothing
    to say (then it stays unsent, and its slot taken). Returns whether it was sent. Raises
    what the mail server raises, with nothing recorded, so that a retry sends it."""
    with transaction.atomic():
        # A second worker sending the same email waits on this row, then finds it sent.
        if not Delivery.objects.filter(pk=delivery_id, sent_at__isnull=True).update(
            sent_at=timezone.now()
        ):
            return False
        delivery = Delivery.objects.select_related("person").get(pk=delivery_id)
        person = delivery.person
        message = None
        if person.is_active and not person.is_suspended:
            field = emails.KINDS[delivery.kind][0]
            if getattr(person, field):
                message = COMPOSERS[delivery.kind](delivery)
        if message is None:
            transaction.set_rollback(True)
            return False
        message.send()
    return True


def notifications_message(delivery: Delivery) -> EmailMultiAlternatives | None:
    """The email of ``delivery.person``'s waiting notifications, marked emailed by the
    same transaction; None when none wait."""
    person = delivery.person
    now = timezone.now()
    waiting = _waiting(now).inbox(person)
    listed = list(
        waiting.select_related("actor", "entry", "comment", "challenge").order_by(
            "-created_at", "-pk"
        )[:LISTED]
    )
    if not listed:
        return None
    count = waiting.update(emailed_at=now)
    items = [notification_item(notification, person) for notification in listed]
    subject = items[0]["text"] if count == 1 else f"{count} new notifications on Momentum"
    return emails.email_message(
        person=person,
        kind=Delivery.Kind.NOTIFICATIONS,
        subject=subject,
        template="notifications",
        context={
            "items": items,
            "more": count - len(listed),
            "notifications_url": emails.site_url(reverse("journal:notifications")),
        },
    )


def notification_item(notification: Notification, person: User) -> dict[str, str]:
    """One notification as a line of an email: its words, what they quote, and a link."""
    actor = notification.actor.name
    quote = ""
    match notification.kind, notification.entry, notification.challenge:
        case Notification.Kind.CHEER, Entry() as entry, _:
            text, url = f"{actor} cheered your Day {entry.number}", entry.get_absolute_url()
            quote = f"“{entry.title}”"
        case Notification.Kind.COMMENT, Entry() as entry, _:
            text = f"{actor} commented on your Day {entry.number}"
            url = f"{entry.get_absolute_url()}#comment-{notification.comment_id}"
            quote = notification.comment.body[:280] if notification.comment else ""
        case Notification.Kind.JOINED, _, Challenge() as challenge:
            text = f"{actor} joined your challenge “{challenge.title}”"
            url = challenge.get_absolute_url()
        case Notification.Kind.FOLLOW, _, _:
            text, url = f"{actor} followed you", notification.actor.get_absolute_url()
        case _:
            text, url = f"You reached {notification.milestone}", person.get_absolute_url()
    return {"text": text, "quote": quote, "url": emails.site_url(url)}


def digest_message(delivery: Delivery) -> EmailMultiAlternatives | None:
    """``delivery.person``'s digest of the seven days before ``delivery.day``: their week,
    and the most cheered public entries of the people they follow. None when both are
    empty."""
    person = delivery.person
    week = (delivery.day - dt.timedelta(days=7), delivery.day - dt.timedelta(days=1))
    own = Entry.objects.filter(author=person, day__range=week)
    totals = own.aggregate(days=Count("pk"), minutes=Sum("minutes"))
    best = list(
        Entry.objects.public()
        .filter(day__range=week, author__follower_links__follower=person)
        .select_related("author")
        .order_by("-cheer_count", "-created_at")[:DIGEST_BEST]
    )
    if not totals["days"] and not best:
        return None
    topics = list(
        Topic.objects.filter(entries__in=own)
        .annotate(days=Count("entries"))
        .order_by("-days", "name")
        .values_list("name", flat=True)[:5]
    )
    lessons = list(own.exclude(key_lesson="").order_by("day").values_list("day", "key_lesson"))
    hours = round((totals["minutes"] or 0) / 60, 1)
    return emails.email_message(
        person=person,
        kind=Delivery.Kind.DIGEST,
        subject=f"Your week on Momentum: {totals['days']} days, {hours:g} hours"
        if totals["days"]
        else "Your week on Momentum",
        template="digest",
        context={
            "week": week,
            "days": totals["days"],
            "hours": hours,
            "streak": person.current_streak,
            "topics": topics,
            "lessons": lessons,
            "best": [
                {
                    "author": entry.author.name,
                    "title": entry.title,
                    "number": entry.number,
                    "cheers": entry.cheer_count,
                    "url": emails.site_url(entry.get_absolute_url()),
                }
                for entry in best
            ],
            "write_url": emails.site_url(reverse("journal:write")),
            "journey_url": emails.site_url(person.get_absolute_url()),
        },
    )


COMPOSERS: dict[str, Callable[[Delivery], EmailMultiAlternatives | None]] = {
    Delivery.Kind.NOTIFICATIONS: notifications_message,
    Delivery.Kind.DIGEST: digest_message,
}
