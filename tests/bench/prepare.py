"""Sign people in and pick pages for the benchmark and the load tests.

Run in its own process against the app's database (DATABASE_URL, the app's
DJANGO_SECRET_KEY), as ``python -m tests.bench.prepare sessions N``, ``... targets``,
``... reminders-due N``, ``... reminders-queue`` or ``... reminders-sent``; prints JSON. Sessions are made the way Django's login() makes them, without paying a
password hash per person.
"""

import json
import os
import sys

import django


def sessions(count):
    """Up to ``count`` participants who have not written today, signed in, oldest first."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string

    from journal.models import User

    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    people = []
    for user in User.objects.public().order_by("id").iterator():
        today = user.local_today()
        if user.last_entry_day is not None and user.last_entry_day >= today:
            continue
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "id": user.pk,
                "username": user.username,
                "session": session.session_key,
                "today": today.isoformat(),
            }
        )
        if len(people) == count:
            break
    return people


def targets(count=200):
    """Pages people read: journeys, entries and topics, popular and rare alike, the same
    ones in every run on the same data."""
    from django.db import connection
    from django.db.models import Count

    from journal.models import Challenge, Entry, Topic, User

    if connection.vendor == "postgresql":
        # The same pages in every run, so that runs compare: random() after setseed, in
        # this one process (a parallel worker would draw its own numbers).
        with connection.cursor() as cursor:
            cursor.execute("SET max_parallel_workers_per_gather = 0")
            cursor.execute("SELECT setseed(0.25)")
    authors = User.objects.public().filter(entry_count__gt=0).order_by("?")[:count]
    entries = (
        Entry.objects.public()
        .select_related("author")
        .filter(pk__in=Entry.objects.public().order_by("?").values("pk")[:count])
    )
    topics = Topic.objects.annotate(n=Count("entries")).filter(n__gt=0).order_by("-n")
    slugs = list(topics.values_list("slug", flat=True))
    # Half from the head of the long tail, half from anywhere in it.
    picked = slugs[:10] + slugs[10 :: max(1, len(slugs) // 10)]
    public_challenges = Challenge.objects.public()
    # The biggest (the site's own, everyone's) and any others.
    challenges = list(public_challenges.most_joined_first()[:10]) + list(
        public_challenges.order_by("?")[: count - 10]
    )
    return {
        "journeys": [person.get_absolute_url() for person in authors],
        "challenges": [challenge.get_absolute_url() for challenge in challenges],
        "entries": [entry.get_absolute_url() for entry in entries],
        "topics": [f"/topics/{slug}/" for slug in picked],
        "commentable": list(
            Entry.objects.public().order_by("-created_at").values_list("pk", flat=True)[:count]
        ),
        **hostile_targets(),
    }


def hostile_targets(count=50):
    """What a hostile visitor would pick to make each page cost the most: the rarest
    topics (a topic's pages walk the newest-first entries for theirs), the people with the
    most entries and the entries with the most comments, and the span of the entries'
    times (for cursors deep in the past)."""
    from django.db.models import Max, Min

    from journal.models import Challenge, Entry, Topic, User

    in_use = Topic.objects.in_use()
    prolific = User.objects.public().filter(entry_count__gt=0).order_by("-entry_count", "id")
    biggest = Challenge.objects.public().most_joined_first().first()
    span = Entry.objects.public().aggregate(oldest=Min("created_at"), newest=Max("created_at"))
    return {
        "rare_topics": list(
            in_use.order_by("public_entry_count", "slug").values_list("slug", flat=True)[:count]
        ),
        "all_topics": list(in_use.order_by("slug").values_list("slug", flat=True)),
        "prolific": [
            {"url": person.get_absolute_url(), "first_day": first.isoformat()}
            for person in prolific[:count]
            for first in [person.entries.order_by("day").values_list("day", flat=True)[0]]
        ],
        "journeys_all": [
            person.get_absolute_url() for person in prolific.only("username")[: count * 20]
        ],
        "most_commented": [
            entry.get_absolute_url()
            for entry in Entry.objects.public()
            .select_related("author")
            .order_by("-comment_count", "-id")[:count]
        ],
        "biggest_challenge": {
            "url": biggest.get_absolute_url(),
            "most_days": biggest.participations.aggregate(most=Max("days_counted"))["most"] or 0,
        },
        "oldest": span["oldest"].isoformat(),
        "newest": span["newest"].isoformat(),
    }


def reminders_due(count):
    """Make ``count`` people who have not written today due for a reminder now, and clear
    what an earlier measurement left (its deliveries and tasks)."""
    import datetime as dt

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from journal.models import Delivery, User

    User.objects.filter(remind_by_email=True).update(remind_by_email=False, next_reminder_at=None)
    Delivery.objects.filter(kind=Delivery.Kind.REMINDER).delete()
    DBTaskResult.objects.all().delete()
    now = timezone.now()
    due = []
    for person in User.objects.public().order_by("id").iterator():
        # One minute into the person's day at least, so the reminder is for today.
        local = now.astimezone(person.zone)
        if (local.hour, local.minute) < (0, 2) or person.last_entry_day == local.date():
            continue
        due.append(person.pk)
        if len(due) == count:
            break
    User.objects.filter(pk__in=due).update(
        remind_by_email=True, next_reminder_at=now - dt.timedelta(minutes=1)
    )
    return {"due": len(due)}


def reminders_queue():
    """Queue the due reminders as the scheduler does, timed; only reminders, so that the
    worker that follows sends nothing else."""
    import time

    from journal.services.reminders import reminders_enqueue_due

    started = time.monotonic()
    queued = reminders_enqueue_due()
    return {"queued": queued, "queue_seconds": time.monotonic() - started}


def reminders_sent():
    """How many reminders went out, and how many tasks failed."""
    from django_tasks_db.models import DBTaskResult

    from journal.models import Delivery

    return {
        "sent": Delivery.objects.filter(kind=Delivery.Kind.REMINDER).count(),
        "failed": DBTaskResult.objects.filter(status="FAILED").count(),
    }


def main(argv):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "momentum.settings")
    django.setup()
    commands = {
        "sessions": lambda: sessions(int(argv[1])),
        "targets": targets,
        "reminders-due": lambda: reminders_due(int(argv[1])),
        "reminders-queue": reminders_queue,
        "reminders-sent": reminders_sent,
    }
    json.dump(commands[argv[0]](), sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
