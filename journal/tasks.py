"""Background work, run by a worker (`manage.py db_worker`) from the database queue.

While a task runs, its log lines carry ``task-<id>`` where a request's carry the request
id; a task queued while serving a request is logged with that request's id and the task's.
"""

import datetime as dt
import logging
import smtplib

from django.dispatch import receiver
from django.tasks import Task, task
from django.tasks.signals import task_enqueued, task_finished, task_started
from django.utils import timezone

from journal import push
from journal.middleware import request_id_var
from journal.services import blogfeeds, emails, reminders, webhooks
from journal.services import push as push_services

logger = logging.getLogger(__name__)

# How long to wait before each new attempt when the mail server or a webhook's receiver
# cannot be reached; a reminder's own day ending stops them sooner
# (reminders.reminder_send). After the last, staff retry an email's task from the admin,
# and a webhook's delivery is marked failed.
RETRY_DELAYS = [dt.timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 180)]
# What a mail server that is down or refusing raises; anything else is a bug, not retried.
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def _retry_later(task: Task, args: tuple, attempt: int, error: Exception | str) -> None:
    """Queue ``task`` again with ``args`` and the next attempt number, after the delay
    that attempt waits, unless the attempts have run out."""
    if attempt < len(RETRY_DELAYS):
        delay = RETRY_DELAYS[attempt]
        logger.warning("%s%r failed (%r); trying again in %s", task.name, args, error, delay)
        task.using(run_after=timezone.now() + delay).enqueue(*args, attempt + 1)


@task
def send_reminder(person_id: int, day: str, attempt: int = 0) -> bool:
    """Send the reminder of ``day`` (ISO date, the person's local day) once. When the mail
    server fails, the task fails (staff see it in the admin) and a later attempt is queued."""
    try:
        return reminders.reminder_send(person_id=person_id, day=dt.date.fromisoformat(day))
    except MAIL_ERRORS as error:
        _retry_later(send_reminder, (person_id, day), attempt, error)
        raise


@task
def send_email(delivery_id: int, attempt: int = 0) -> bool:
    """Send the notification email or digest a ``Delivery`` row claims, once; retried as
    reminders are when the mail server fails."""
    try:
        return emails.delivery_send(delivery_id=delivery_id)
    except MAIL_ERRORS as error:
        _retry_later(send_email, (delivery_id,), attempt, error)
        raise


@task
def fetch_blog_feed(feed_id: int) -> str:
    """Fetch a learner's blog feed and import its new and edited posts. A feed that cannot
    be read is no failure of the task: the problem is shown in the learner's settings and
    the feed is asked again later."""
    return blogfeeds.blog_feed_fetch(feed_id=feed_id)


@task
def send_push(subscription_id: int, payload: str, attempt: int = 0) -> bool:
    """Send a push message to one device. A device the push service says is gone is
    removed; any other failure is retried as emails are."""
    try:
        return push_services.push_send(subscription_id=subscription_id, payload=payload)
    except push.Failed as error:
        _retry_later(send_push, (subscription_id, payload), attempt, error)
        raise


@task
def deliver_webhook(delivery_id: int, attempt: int = 0) -> None:
    """POST a webhook's delivery; on a network error or a 5xx answer, queue another
    attempt after the next delay, until the last, after which the delivery is failed. The
    task itself never fails: how each attempt went is on the delivery, for its owner."""
    last_attempt = attempt >= len(RETRY_DELAYS)
    if reason := webhooks.delivery_send(delivery_id=delivery_id, last_attempt=last_attempt):
        _retry_later(deliver_webhook, (delivery_id,), attempt, reason)


@receiver(task_enqueued)
def _log_enqueued(sender, task_result, **kwargs):
    logger.info("queued task %s (%s)", task_result.id, task_result.task.name)


@receiver(task_started)
def _log_as_task(sender, task_result, **kwargs):
    request_id_var.set(f"task-{task_result.id}")


@receiver(task_finished)
def _log_as_worker(sender, task_result, **kwargs):
    request_id_var.set("-")
