"""Background work, run by a worker (`manage.py db_worker`) from the database queue."""

import datetime as dt
import logging
import smtplib

from django.tasks import task
from django.utils import timezone

from journal.services import reminders

logger = logging.getLogger(__name__)

# How long to wait before each new attempt when the mail server cannot be reached; a
# reminder's own day ending stops them sooner (reminders.reminder_send).
RETRY_DELAYS = [dt.timedelta(minutes=minutes) for minutes in (1, 5, 15, 60, 180)]


@task
def send_reminder(person_id: int, day: str, attempt: int = 0) -> bool:
    """Send the reminder of ``day`` (ISO date, the person's local day) once. When the mail
    server fails, the task fails (staff see it in the admin) and a later attempt is queued."""
    try:
        return reminders.reminder_send(person_id=person_id, day=dt.date.fromisoformat(day))
    except (OSError, smtplib.SMTPException) as error:
        if attempt < len(RETRY_DELAYS):
            delay = RETRY_DELAYS[attempt]
            logger.warning(
                "reminder for person %s on %s not sent (%r); trying again in %s",
                person_id, day, error, delay,
            )  # fmt: skip
            send_reminder.using(run_after=timezone.now() + delay).enqueue(
                person_id, day, attempt + 1
            )
        raise
