"""Background work, run by a worker (`manage.py db_worker`) from the database queue."""

import datetime as dt

from django.tasks import task

from journal.services import reminders


@task
def send_reminder(person_id: int, day: str) -> bool:
    """Send the reminder of ``day`` (ISO date, the person's local day) once."""
    return reminders.reminder_send(person_id=person_id, day=dt.date.fromisoformat(day))
