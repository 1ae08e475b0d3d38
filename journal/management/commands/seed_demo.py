"""Demo learners who write, cheer, comment and follow, so that a newcomer running `make run`
sees a living community. Who they are and what they say is in seed_demo.toml; the same days,
texts and reactions come out of every run."""

import datetime as dt
import random
import tomllib
import zoneinfo
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from journal import services
from journal.models import Cheer, Comment, Entry, Follow, Notification, Topic, User

PASSWORD = "momentum-demo"
DEMO = tomllib.loads((Path(__file__).parent / "seed_demo.toml").read_text())
LEARNERS = DEMO["learners"]


class Command(BaseCommand):
    help = (
        "Create demo learners with their entries, cheers, comments and follows "
        f"(password: {PASSWORD})."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any user exists already."
        )
        parser.add_argument("--days", type=int, default=21, help="At most this many days back.")

    def handle(self, *args, if_empty=False, days=21, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database has users already; no demo data added.")
            return
        now = timezone.now()
        # Hashed once for all four: the hasher is slow on purpose (most of a second).
        password = make_password(PASSWORD)
        with transaction.atomic():
            learners = {}
            for learner in LEARNERS:
                person = _learner(learner, days, now, password)
                if person:
                    learners[person.username] = person
            _community(learners, now, random.Random(2026))
            # The rows above were written directly, each at its own time: the figures the
            # services keep are counted once, here.
            services.topics_recount()
        names = ", ".join(learner["username"] for learner in LEARNERS)
        self.stdout.write(self.style.SUCCESS(f"Demo learners: {names}."))


def _learner(learner, days, now, password):
    """``learner``'s account and entries; None when the account exists already."""
    zone = zoneinfo.ZoneInfo(learner["time_zone"])
    today = now.astimezone(zone).date()
    written = _written_days(learner, today, days)
    sessions = learner["sessions"][len(learner["sessions"]) - len(written) :]
    joined = _at(written[0] if written else today, dt.time(7, 30), zone, now)
    person, created = User.objects.get_or_create(
        username=learner["username"],
        defaults={
            "display_name": learner["name"],
            "time_zone": learner["time_zone"],
            "learning_focus": learner["focus"],
            "daily_goal_minutes": learner["daily_goal"],
            "bio": learner["bio"],
            "email": f"{learner['username']}@example.com",
            "password": password,
            "date_joined": joined,
            "welcomed_at": joined,
        },
    )
    if not created:
        return None
    # Verified, so that the demo accounts log in without waiting for an email.
    EmailAddress.objects.create(user=person, email=person.email, primary=True, verified=True)
    names = {name for session in learner["sessions"] for name in session["topics"]}
    topics = {topic.slug: topic for topic in Topic.from_names(sorted(names))}
    for number, (day, session) in enumerate(zip(written, sessions, strict=True), start=1):
        private = session.get("private", False)
        entry = Entry(
            author=person,
            day=day,
            number=number,
            title=session["title"],
            minutes=session["minutes"],
            body=session["studied"],
            key_lesson=session["lesson"],
            reflection=session["reflection"],
            visibility=Entry.Visibility.PRIVATE if private else Entry.Visibility.PUBLIC,
            created_at=_at(day, dt.time(19 + number % 3, number * 17 % 60), zone, now),
        )
        entry.save()
        entry.topics.set([topics[slugify(name)] for name in session["topics"]])
    services.user_refresh_stats(user=person)
    return person


def _written_days(learner, today, days):
    """The days ``learner`` wrote, oldest first: one per session, skipping the missed ones,
    no further back than ``days``."""
    written, offset = [], 0
    while len(written) < len(learner["sessions"]) and offset < days:
        if offset not in learner["missed"]:
            written.append(today - dt.timedelta(days=offset))
        offset += 1
    return written[::-1]


def _at(day, time, zone, now):
    """``day`` at ``time`` where the learner lives, but never later than ``now``."""
    return min(dt.datetime.combine(day, time, zone), now)


def _community(learners, now, rng):
    """Cheers, comments with a few replies, follows and their notifications among the
    demo learners made by this run; then the entries' counts, by the service that keeps
    them."""
    people = list(learners.values())
    entries = list(
        Entry.objects.filter(author__in=people, visibility=Entry.Visibility.PUBLIC)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    cheers, notifications, comments = [], [], 0
    # The newest entry waits for its first cheer, on /encourage/.
    for entry in entries[:-1]:
        for person in people:
            if person == entry.author or rng.random() < 0.45:
                continue
            when = _later(entry.created_at, rng, now)
            cheers.append(Cheer(user=person, entry=entry, created_at=when))
            notifications.append(
                _notice(entry.author, person, Notification.Kind.CHEER, when, now, entry=entry)
            )
        if rng.random() < 0.45:
            commenter = rng.choice([person for person in people if person != entry.author])
            when = _later(entry.created_at, rng, now)
            body = DEMO["comments"][comments % len(DEMO["comments"])]
            comment = _comment(entry, commenter, body, when)
            notifications.append(
                _notice(
                    entry.author, commenter, Notification.Kind.COMMENT, when, now,
                    entry=entry, comment=comment,
                )
            )  # fmt: skip
            if comments % 3 == 0:
                reply = DEMO["replies"][comments // 3 % len(DEMO["replies"])]
                _comment(entry, entry.author, reply, _later(when, rng, now))
            comments += 1
    Cheer.objects.bulk_create(cheers)
    follows = []
    for follower, followed in DEMO["follows"]:
        if follower in learners and followed in learners:
            follower, followed = learners[follower], learners[followed]
            when = min(max(follower.date_joined, followed.date_joined) + dt.timedelta(hours=3), now)
            follows.append(Follow(follower=follower, followed=followed, created_at=when))
            notifications.append(_notice(followed, follower, Notification.Kind.FOLLOW, when, now))
    Follow.objects.bulk_create(follows)
    Notification.objects.bulk_create(notifications)
    services.entries_refresh_counts(entry_ids=[entry.pk for entry in entries])


def _later(moment, rng, now):
    return min(moment + dt.timedelta(minutes=rng.randrange(20, 900)), now)


def _comment(entry, author, body, when):
    # Saved one by one: Comment.save renders the Markdown.
    comment = Comment(entry=entry, author=author, body=body, created_at=when)
    comment.save()
    return comment


def _notice(recipient, actor, kind, when, now, **about):
    # Read when more than a day old, as the demo learners come by every day.
    read_at = when + dt.timedelta(hours=2) if now - when > dt.timedelta(days=1) else None
    return Notification(
        recipient=recipient, actor=actor, kind=kind, created_at=when, read_at=read_at, **about
    )
