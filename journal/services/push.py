"""Browser push: a person's devices, and the messages queued for them.

A message is queued as one task per device (``journal.tasks.send_push``), in the
transaction of the write that caused it, so a device that fails is retried alone and the
others are not sent it twice. A device the push service says is gone is removed.
"""

import logging

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from journal import emails, push
from journal.models import Notification, PushSubscription, User

logger = logging.getLogger(__name__)

# Devices one person may have push on; a person with more removes one in settings first.
MAX_DEVICES = 10


class TooManyDevices(Exception):
    pass


def push_subscribe(
    *, person: User, endpoint: str, p256dh: str, auth: str, device: str
) -> PushSubscription:
    """Turn push on for the browser holding ``endpoint``. A browser that was someone
    else's (they logged out, this person logged in) becomes this person's: its endpoint is
    the browser's, not the account's."""
    with transaction.atomic():
        # The person's row is locked so that two tabs subscribing at once cannot both
        # pass the count below.
        User.objects.select_for_update().filter(pk=person.pk).first()
        mine = PushSubscription.objects.filter(person=person)
        if mine.count() >= MAX_DEVICES and not mine.filter(endpoint=endpoint).exists():
            raise TooManyDevices
        subscription, _ = PushSubscription.objects.update_or_create(
            endpoint=endpoint,
            defaults={"person": person, "p256dh": p256dh, "auth": auth, "device": device},
        )
    return subscription


def push_unsubscribe(*, person: User, endpoint: str | None = None, pk: int | None = None) -> bool:
    """Turn push off for one of ``person``'s devices, named by its endpoint or its id.
    Returns whether there was such a device."""
    devices = PushSubscription.objects.filter(person=person)
    if endpoint is not None:
        devices = devices.filter(endpoint=endpoint)
    elif pk is not None:
        devices = devices.filter(pk=pk)
    else:
        return False
    deleted, _ = devices.delete()
    return bool(deleted)


def person_push(*, person_id: int, message: push.Message) -> int:
    """Queue ``message`` for each of the person's devices; returns how many. Nothing when
    the site has no push keys."""
    from journal.tasks import send_push

    if not push.enabled():
        return 0
    devices = list(
        PushSubscription.objects.filter(person_id=person_id).values_list("pk", flat=True)
    )
    payload = message.to_json()
    for device in devices:
        send_push.enqueue(device, payload)
    return len(devices)


def notification_message(notification: Notification) -> push.Message:
    """A notification as a push message: the words and the link its email line has."""
    # Imported here: the emails' services import reminders, which import this module.
    from journal.services.emails import notification_item

    item = notification_item(notification, notification.recipient)
    return push.Message(
        title="Momentum",
        body=f"{item['text']} {item['quote']}".strip(),
        url=item["url"],
        tag=f"notification-{notification.kind}",
    )


def notifications_push(notifications: list[Notification]) -> None:
    """Queue a push message for each new notification whose recipient has push on."""
    if not push.enabled():
        return
    with_devices = set(
        PushSubscription.objects.filter(
            person_id__in={notification.recipient_id for notification in notifications}
        ).values_list("person_id", flat=True)
    )
    for notification in notifications:
        if notification.recipient_id in with_devices:
            person_push(
                person_id=notification.recipient_id, message=notification_message(notification)
            )


def reminder_message(person: User) -> push.Message:
    """Today's reminder as a push message, saying what is at stake."""
    day_number = person.entry_count + 1
    body = (
        f"Your {person.current_streak}-day streak continues if you write Day {day_number} "
        "before midnight."
        if person.current_streak
        else f"Write Day {day_number} before midnight and start a new streak today."
    )
    return push.Message(
        title=f"Day {day_number} is waiting for you",
        body=body,
        url=emails.site_url(reverse("journal:write")),
        tag="reminder",
    )


def push_send(*, subscription_id: int, payload: str) -> bool:
    """Send ``payload`` to one device. Returns whether it was sent; a device that is gone
    is removed. Raises ``push.Failed`` when a later attempt may pass."""
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return False
    try:
        push.send(subscription.info, payload)
    except push.Gone as gone:
        logger.info("push subscription %s is gone (%s); removing it", subscription_id, gone)
        subscription.delete()
        return False
    PushSubscription.objects.filter(pk=subscription_id).update(last_success_at=timezone.now())
    return True
