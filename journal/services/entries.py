"""Writing and deleting entries: an entry and its author's figures move together."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from journal import caching, streaks
from journal.models import (
    Entry,
    Notification,
    RestPeriod,
    Topic,
    User,
    Webhook,
)
from journal.services.challenges import participations_follow_entry
from journal.services.figures import (
    copy_stats,
    lock_author,
    public_topic_counts,
    public_topic_counts_moved,
    store_stats,
    user_refresh_stats,
)
from journal.services.push import notifications_push
from journal.services.webhooks import entry_data, webhooks_notify


class DayTaken(Exception):
    """The author already has an entry for that day."""


def entry_save(*, entry: Entry, topic_names: Iterable[str]) -> Entry:
    """Create or update ``entry`` with its topics, keeping Day N and streaks in step.

    Raises DayTaken when the author already has an entry for ``entry.day``. Sets
    ``entry.milestones``: the milestones (journal.streaks) this save reached.
    """
    adding = entry.pk is None
    try:
        with transaction.atomic():
            author = lock_author(entry.author)
            rest_days = RestPeriod.objects.calendar(author)
            figures_before = author.stored_stats()
            shown_before = {} if adding else public_topic_counts(Entry.objects.filter(pk=entry.pk))
            # The common write, today's entry, comes after every other day: its number and
            # the author's figures follow from the stored ones without reading every entry.
            appending = adding and (
                author.last_entry_day is None or entry.day > author.last_entry_day
            )
            if appending or entry.number is None:
                # Its place when appending; otherwise a placeholder until
                # user_refresh_stats gives it its place in day order.
                entry.number = author.entry_count + 1
            entry.save()
            topics = Topic.from_names(topic_names)
            if adding:
                caching.changed(only_added=True, writer=entry.author)
                entry.topics.add(*topics)
            else:
                entry.topics.set(topics)
            if adding:
                # Known without a query, as writing today's entry is the common write.
                public = entry.is_public and not author.is_suspended
                shown_after = {topic.pk: 1 for topic in topics} if public else {}
            else:
                shown_after = public_topic_counts(Entry.objects.filter(pk=entry.pk))
            public_topic_counts_moved(shown_before, shown_after)
            if appending:
                # Public pages learn of the new figures from the entry's own save signal.
                shown = [entry.minutes] if entry.is_public else []
                store_stats(
                    author,
                    streaks.append_day(
                        author.stored_stats(),
                        entry.day,
                        entry.minutes,
                        author.daily_goal_minutes,
                        rest_days=rest_days,
                    ),
                    public_entry_count=author.public_entry_count + len(shown),
                    public_minutes=author.public_minutes + sum(shown),
                )
            else:
                user_refresh_stats(user=author, rest_days=rest_days)
                entry.refresh_from_db(fields=["number"])
            participations_follow_entry(
                author=author, day=entry.day, minutes=entry.minutes, rest_days=rest_days
            )
            entry.milestones = _announce_milestones(author, figures_before)
            webhooks_notify(
                person=author,
                event=Webhook.Event.ENTRY_PUBLISHED if adding else Webhook.Event.ENTRY_EDITED,
                data=entry_data(entry, topics),
            )
    except IntegrityError as error:
        # Caught outside the transaction, which is gone with the failed insert: no
        # savepoint is paid on every write for the rare second tab.
        if Entry.objects.filter(author=entry.author, day=entry.day).exclude(pk=entry.pk).exists():
            raise DayTaken from error
        raise
    copy_stats(author, entry.author)
    return entry


def _announce_milestones(author: User, before: streaks.Stats) -> list[streaks.Milestone]:
    """Notify ``author`` of the milestones their figures reached since ``before``; each is
    announced once ever (a constraint), and returned for the confirmation to celebrate."""
    reached = streaks.new_milestones(before, author)
    notifications = [
        Notification(
            recipient=author,
            actor=author,
            kind=Notification.Kind.MILESTONE,
            milestone=milestone.in_words,
        )
        for milestone in reached
    ]
    Notification.objects.bulk_create(notifications, ignore_conflicts=True)
    notifications_push(notifications)
    return reached


def entry_delete(*, entry: Entry) -> None:
    with transaction.atomic():
        author = lock_author(entry.author)
        rest_days = RestPeriod.objects.calendar(author)
        this_entry = Entry.objects.filter(pk=entry.pk)
        shown_before = public_topic_counts(this_entry)
        entry.delete()
        public_topic_counts_moved(shown_before, public_topic_counts(this_entry))
        user_refresh_stats(user=author, rest_days=rest_days)
        participations_follow_entry(author=author, day=entry.day, minutes=None, rest_days=rest_days)
    copy_stats(author, entry.author)
