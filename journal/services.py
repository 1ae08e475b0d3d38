"""Writes that touch more than one row: an entry and its author's figures move together."""

from django.db import IntegrityError, transaction

from journal import streaks
from journal.models import Entry, Topic, User


class DayTaken(Exception):
    """The author already has an entry for that day."""


def _lock_author(author):
    # Serialises every write of one author, so that Day N and the streak figures are
    # computed from a stable set of entries even when two tabs submit at once.
    return User.objects.select_for_update().get(pk=author.pk)


def user_refresh_stats(*, user):
    """Renumber the author's entries in day order and store their figures on the user row.

    Must run inside the transaction that changed the entries.
    """
    entries = list(
        Entry.objects.filter(author=user)
        .order_by("day")
        .values_list("id", "day", "minutes", "number")
    )
    renumbered = [
        Entry(id=entry_id, number=position)
        for position, (entry_id, _, _, number) in enumerate(entries, start=1)
        if number != position
    ]
    if renumbered:
        Entry.objects.bulk_update(renumbered, ["number"])
    stats = streaks.compute_stats(
        [(day, minutes) for _, day, minutes, _ in entries], user.daily_goal_minutes
    )
    for field, value in vars(stats).items():
        setattr(user, field, value)
    User.objects.filter(pk=user.pk).update(**vars(stats))
    return stats


def entry_save(*, entry, topic_names):
    """Create or update ``entry`` with its topics, keeping Day N and streaks in step.

    Raises DayTaken when the author already has an entry for ``entry.day``.
    """
    with transaction.atomic():
        author = _lock_author(entry.author)
        if entry.number is None:
            # A placeholder until user_refresh_stats gives it its place in day order.
            entry.number = author.entry_count + 1
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError as error:
            if Entry.objects.filter(author=author, day=entry.day).exclude(pk=entry.pk).exists():
                raise DayTaken from error
            raise
        entry.topics.set(Topic.from_names(topic_names))
        user_refresh_stats(user=author)
    entry.refresh_from_db(fields=["number"])
    _copy_stats(author, entry.author)
    return entry


def entry_delete(*, entry):
    with transaction.atomic():
        author = _lock_author(entry.author)
        entry.delete()
        user_refresh_stats(user=author)
    _copy_stats(author, entry.author)


def user_update_goal(*, user, daily_goal_minutes):
    """A new goal changes which days count, so the streaks are recomputed with it."""
    with transaction.atomic():
        locked = _lock_author(user)
        locked.daily_goal_minutes = daily_goal_minutes
        User.objects.filter(pk=user.pk).update(daily_goal_minutes=daily_goal_minutes)
        user_refresh_stats(user=locked)
    _copy_stats(locked, user)
    user.daily_goal_minutes = daily_goal_minutes


def _copy_stats(source, target):
    if source is not target:
        for field in vars(streaks.Stats()):
            setattr(target, field, getattr(source, field))
