"""Webhooks: a person's own addresses that receive a signed POST when they publish or edit
an entry, or someone comments on or cheers one of their entries.

An event writes one ``WebhookDelivery`` per listening hook and queues its task once the
write that caused it commits (a rolled-back entry sends nothing); the worker
(``journal.tasks.deliver_webhook``) POSTs it through ``journal.safefetch``, which refuses
private and loopback addresses, and retries on network errors and 5xx answers with the
email backoff. Each hook keeps only its latest ``KEPT_DELIVERIES``.

Who receives what: events go only to the hooks of the person the entry belongs to. Their
own hook receives their private entries, and their entries a moderator hid, marked as
such: it is their data, as the site shows it to them. A comment or cheer by someone else
goes out only if it is still shown when the worker sends it: one hidden, deleted or taken
back meanwhile, or by someone suspended meanwhile, is not sent.

The signature: ``X-Momentum-Signature: sha256=<hex>``, the HMAC-SHA256 with the hook's
secret of ``"<X-Momentum-Timestamp>.<body>"``; docs/architecture.md tells a receiver how to
check it and refuse replays.
"""

import hashlib
import hmac
import http
import json
import logging
import time
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Subquery
from django.utils import timezone

from journal import safefetch
from journal.emails import site_url
from journal.models import Cheer, Comment, Entry, Topic, User, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_WEBHOOKS = 5
KEPT_DELIVERIES = 20
# Seconds a receiver has to answer each attempt.
TIMEOUT = 10
# The hook's switch for each event; a ping goes whatever is chosen.
SWITCHES: dict[str, str] = {
    Webhook.Event.ENTRY_PUBLISHED: "send_entries",
    Webhook.Event.ENTRY_EDITED: "send_entries",
    Webhook.Event.COMMENT_RECEIVED: "send_comments",
    Webhook.Event.CHEER_RECEIVED: "send_cheers",
}


class WebhookRefused(Exception):
    """Why a webhook cannot be added, in words for its owner."""


# The owner's settings.


def webhook_create(
    *, person: User, url: str, send_entries: bool, send_comments: bool, send_cheers: bool
) -> Webhook:
    """Add a webhook for ``person``, with a new secret. Raises WebhookRefused when they
    have MAX_WEBHOOKS already or one to the same address."""
    try:
        with transaction.atomic():
            # Two tabs adding at once count one after the other.
            User.objects.select_for_update().filter(pk=person.pk).first()
            if Webhook.objects.filter(person=person).count() >= MAX_WEBHOOKS:
                raise WebhookRefused(
                    f"You have {MAX_WEBHOOKS} webhooks, the most there can be. Delete one first."
                )
            return Webhook.objects.create(
                person=person,
                url=url,
                send_entries=send_entries,
                send_comments=send_comments,
                send_cheers=send_cheers,
            )
    except IntegrityError:
        raise WebhookRefused("You have a webhook to that address already.") from None


def webhook_set_active(*, webhook: Webhook, active: bool) -> None:
    """Pause a webhook (it keeps its address and secret, and is sent only test pings), or
    resume it."""
    webhook.active = active
    Webhook.objects.filter(pk=webhook.pk).update(active=active)


def webhook_ping(*, webhook: Webhook) -> None:
    """Queue a test ping to ``webhook``, whatever events it listens to, paused or not."""
    _deliveries_create([webhook], Webhook.Event.PING, {"message": "A test ping from Momentum."})


# Events.


def webhooks_notify(*, person: User, event: str, data: dict[str, Any]) -> None:
    """Queue ``event`` with ``data`` for ``person``'s active hooks that listen to it, once
    the current transaction commits."""
    hooks = Webhook.objects.filter(person=person, active=True, **{SWITCHES[event]: True})
    # robust: the write that caused the event is committed, and stays done if queueing fails.
    transaction.on_commit(lambda: _deliveries_create(list(hooks), event, data), robust=True)


def _deliveries_create(hooks: list[Webhook], event: str, data: dict[str, Any]) -> None:
    from journal.tasks import deliver_webhook

    for hook in hooks:
        # The row and its task together: the database queue is in the same database.
        with transaction.atomic():
            delivery = WebhookDelivery.objects.create(webhook=hook, event=event, payload=data)
            deliver_webhook.enqueue(delivery.pk)
        oldest_kept = (
            WebhookDelivery.objects.filter(webhook=hook)
            .order_by("-id")
            .values("id")[KEPT_DELIVERIES - 1 : KEPT_DELIVERIES]
        )
        WebhookDelivery.objects.filter(webhook=hook, id__lt=Subquery(oldest_kept)).delete()


def _person(person: User) -> dict[str, str]:
    return {
        "username": person.username,
        "name": person.name,
        "url": site_url(person.get_absolute_url()),
    }


def _entry_summary(entry: Entry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "url": site_url(entry.get_absolute_url()),
        "day": entry.day.isoformat(),
        "number": entry.number,
        "title": entry.title,
        "visibility": entry.visibility,
        "hidden": entry.moderation_state == Entry.ModerationState.HIDDEN,
    }


def entry_data(entry: Entry, topics: list[Topic]) -> dict[str, Any]:
    """What an entry event tells: the whole entry, as its author wrote it."""
    return {
        "person": _person(entry.author),
        "entry": {
            **_entry_summary(entry),
            "minutes": entry.minutes,
            "topics": sorted(topic.name for topic in topics),
            "body": entry.body,
            "key_lesson": entry.key_lesson,
            "reflection": entry.reflection,
            "created_at": entry.created_at.isoformat(),
            "updated_at": entry.updated_at.isoformat(),
        },
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    entry = comment.entry
    return {
        "entry": _entry_summary(entry),
        "comment": {
            "id": comment.pk,
            "url": site_url(f"{entry.get_absolute_url()}#comment-{comment.pk}"),
            "body": comment.body,
            "created_at": comment.created_at.isoformat(),
        },
        "by": _person(comment.author),
    }


def cheer_data(cheer: Cheer, cheer_count: int) -> dict[str, Any]:
    return {
        "entry": {**_entry_summary(cheer.entry), "cheer_count": cheer_count},
        "cheer": {"id": cheer.pk, "created_at": cheer.created_at.isoformat()},
        "by": _person(cheer.user),
    }


# Sending.


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The X-Momentum-Signature of ``body`` sent at ``timestamp`` (unix seconds)."""
    signed = f"{timestamp}.".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def delivery_body(delivery: WebhookDelivery) -> bytes:
    """The JSON a receiver gets: the same bytes at every attempt of one delivery."""
    return json.dumps(
        {
            "id": delivery.pk,
            "event": delivery.event,
            "created_at": delivery.created_at.isoformat(),
            "data": delivery.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


def _not_to_send(delivery: WebhookDelivery) -> str:
    """Why ``delivery`` must not go out any more, in words for its owner; "" when it may."""
    if not delivery.webhook.active and delivery.event != Webhook.Event.PING:
        return "Not sent: the webhook was paused."
    data = delivery.payload
    if delivery.event == Webhook.Event.COMMENT_RECEIVED:
        shown = Comment.objects.public().filter(pk=data["comment"]["id"])
        return "" if shown.exists() else "Not sent: the comment was hidden or deleted meanwhile."
    if delivery.event == Webhook.Event.CHEER_RECEIVED:
        shown = Cheer.objects.filter(pk=data["cheer"]["id"], user__is_suspended=False)
        return "" if shown.exists() else "Not sent: the cheer was taken back meanwhile."
    return ""


def _answer_in_words(status: int) -> str:
    try:
        return f"HTTP {status} {http.HTTPStatus(status).phrase}."
    except ValueError:
        return f"HTTP {status}."


def delivery_send(*, delivery_id: int, last_attempt: bool) -> str:
    """POST the waiting delivery ``delivery_id`` to its webhook and record how it went.

    Returns why it should be tried again (a network error, a 5xx or 429 answer), or "" when
    it is done: sent, refused for good (any other answer but 2xx), not to be sent, gone
    (its hook deleted, or pruned), or out of attempts (``last_attempt``), then failed.
    """
    delivery = (
        WebhookDelivery.objects.select_related("webhook")
        .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return ""
    if refusal := _not_to_send(delivery):
        _record(delivery, WebhookDelivery.Status.FAILED, refusal, attempted=False)
        return ""
    hook = delivery.webhook
    body = delivery_body(delivery)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Momentum-Event": delivery.event,
        "X-Momentum-Delivery": str(delivery.pk),
        "X-Momentum-Timestamp": str(timestamp),
        "X-Momentum-Signature": signature(hook.secret, timestamp, body),
    }
    try:
        response = safefetch.post(hook.url, body=body, headers=headers, timeout=TIMEOUT)
    except safefetch.Refused as refused:
        # Addresses and networks change: a refusal is tried again like an outage.
        result, transient = str(refused), True
    else:
        result = _answer_in_words(response.status)
        if 200 <= response.status < 300:
            _record(delivery, WebhookDelivery.Status.SENT, result)
            return ""
        transient = response.status >= 500 or response.status == 429
    if transient and not last_attempt:
        _record(delivery, WebhookDelivery.Status.PENDING, f"{result} Trying again later.")
        return result
    ending = "Gave up after the last attempt." if transient else "Not tried again."
    _record(delivery, WebhookDelivery.Status.FAILED, f"{result} {ending}")
    return ""


def _record(delivery: WebhookDelivery, status: str, result: str, *, attempted: bool = True) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        attempts=F("attempts") + int(attempted),
        last_result=result[:300],
        sent_at=timezone.now() if status == WebhookDelivery.Status.SENT else None,
    )
    logger.info("webhook delivery %s to hook %s: %s", delivery.pk, delivery.webhook_id, result)
