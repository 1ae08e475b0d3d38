"""`manage.py schedule [--every SECONDS]`: queue the periodic work that is due."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from journal.services.blogfeeds import blog_feeds_enqueue_due
from journal.services.emails import digests_enqueue_due, notification_emails_enqueue_due
from journal.services.reminders import reminders_enqueue_due

PASSES = (
    ("reminders", reminders_enqueue_due),
    ("notification emails", notification_emails_enqueue_due),
    ("weekly digests", digests_enqueue_due),
    ("blog feed fetches", blog_feeds_enqueue_due),
)


class Command(BaseCommand):
    help = (
        "Queue the reminders, notification emails, weekly digests and blog feed fetches that "
        "are due, for the worker (manage.py db_worker) to run. Run it every minute (cron, a "
        "systemd timer), or once with --every 60; any number of machines may run it at once: "
        "nothing is sent or fetched twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every",
            type=int,
            metavar="SECONDS",
            help="Run again every SECONDS seconds, until stopped, instead of once.",
        )

    def handle(self, *args, every, **options):
        while True:
            for name, enqueue_due in PASSES:
                queued = enqueue_due()
                if options["verbosity"] > 1 or (queued and options["verbosity"]):
                    self.stdout.write(f"Queued {queued} {name}.")
            if not every:
                return
            close_old_connections()
            time.sleep(every)
