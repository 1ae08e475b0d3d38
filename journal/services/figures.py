"""The figures Momentum stores instead of counting on every page: each person's streaks,
totals and public totals, each topic's public entries, each entry's cheers and comments.

Every write that changes what they count calls these inside its own transaction."""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from journal import caching, streaks
from journal.models import (
    Cheer,
    Comment,
    Entry,
    EntryQuerySet,
    RestPeriod,
    Topic,
    User,
)


def lock_author(author: User) -> User:
    # Serialises every write of one author, so that Day N and the streak figures are
    # computed from a stable set of entries even when two tabs submit at once.
    return User.objects.select_for_update().get(pk=author.pk)


def user_refresh_stats(
    *, user: User, rest_days: streaks.RestCalendar | None = None
) -> streaks.Stats:
    """Renumber the author's entries in day order and store their figures on the user row,
    with their rest days (read when not given).

    Must run inside the transaction that changed the entries or the rest days.
    """
    entries = list(
        Entry.objects.filter(author=user)
        .with_shown()
        .order_by("day")
        .values_list("id", "day", "minutes", "number", "shown")
    )
    renumbered = [
        Entry(id=entry_id, number=position)
        for position, (entry_id, _, _, number, _) in enumerate(entries, start=1)
        if number != position
    ]
    if renumbered:
        Entry.objects.bulk_update(renumbered, ["number"])
    stats = streaks.compute_stats(
        [(day, minutes) for _, day, minutes, _, _ in entries],
        user.daily_goal_minutes,
        rest_days=RestPeriod.objects.calendar(user) if rest_days is None else rest_days,
    )
    shown = [minutes for _, _, minutes, _, shown in entries if shown]
    store_stats(user, stats, public_entry_count=len(shown), public_minutes=sum(shown))
    # update() sends no signal: the figures on public pages changed all the same.
    caching.changed()
    return stats


def store_stats(user: User, stats: streaks.Stats, **public: int) -> None:
    """Store ``stats`` and the public figures (PUBLIC_FIGURES) on the user row and object."""
    figures = {**vars(stats), **public}
    for field, value in figures.items():
        setattr(user, field, value)
    User.objects.filter(pk=user.pk).update(**figures)


# What an author's entries add up to for the public (Entry.objects.with_shown), kept beside
# their streaks.Stats by every write that changes which of their entries are shown.
PUBLIC_FIGURES = ("public_entry_count", "public_minutes")


def copy_stats(source: User, target: User) -> None:
    if source is not target:
        for field in [*vars(streaks.Stats()), *PUBLIC_FIGURES]:
            setattr(target, field, getattr(source, field))


def public_topic_counts(entries: EntryQuerySet) -> dict[int, int]:
    """How many of ``entries`` (a queryset) that the public sees each topic has, by id."""
    return dict(
        Entry.topics.through.objects.filter(entry__in=entries.public())
        .order_by()
        .values_list("topic_id")
        .annotate(count=Count("entry_id"))
    )


def public_topic_counts_moved(before: dict[int, int], after: dict[int, int]) -> None:
    """Move Topic.public_entry_count by what a write changed: ``before`` and ``after`` are
    public_topic_counts of the entries it wrote. Must run inside the write's transaction;
    the writes of one author are serialised by lock_author."""
    topics_by_change = defaultdict(list)
    for topic_id in before.keys() | after.keys():
        if change := after.get(topic_id, 0) - before.get(topic_id, 0):
            topics_by_change[change].append(topic_id)
    for change, topic_ids in topics_by_change.items():
        Topic.objects.filter(pk__in=topic_ids).update(
            public_entry_count=F("public_entry_count") + change
        )


def topics_recount() -> None:
    """Count every topic's public entries anew, for entries written in bulk (seed_scale)."""
    counts = public_topic_counts(Entry.objects.all())
    topics = list(Topic.objects.only("pk"))
    for topic in topics:
        topic.public_entry_count = counts.get(topic.pk, 0)
    Topic.objects.bulk_update(topics, ["public_entry_count"], batch_size=1000)


def users_recount() -> None:
    """Count every person's public entries and minutes anew, for entries written in bulk
    (seed_scale)."""
    figures = {
        author: (count, minutes)
        for author, count, minutes in Entry.objects.with_shown()
        .filter(shown=True)
        .order_by()
        .values("author")
        .annotate(count=Count("pk"), minutes=Sum("minutes"))
        .values_list("author", "count", "minutes")
    }
    people = list(User.objects.only("pk"))
    for person in people:
        person.public_entry_count, person.public_minutes = figures.get(person.pk, (0, 0))
    User.objects.bulk_update(people, PUBLIC_FIGURES, batch_size=1000)


def entries_refresh_counts(*, entry_ids: Iterable[int]) -> None:
    """Recount the cheers and visible comments shown on these entries' cards.

    Only what the public sees counts: hidden comments and the cheers and comments of
    suspended people do not.
    """
    cheers = Cheer.objects.filter(entry=OuterRef("pk"), user__is_suspended=False)
    comments = Comment.objects.public().filter(entry=OuterRef("pk"))
    Entry.objects.filter(pk__in=list(entry_ids)).update(
        cheer_count=Coalesce(Subquery(_count(cheers)), 0),
        comment_count=Coalesce(Subquery(_count(comments)), 0),
    )
    caching.changed()


def _count(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.order_by().values("entry").annotate(n=Count("pk")).values("n")


def entries_touched_by(user: User) -> QuerySet[Any]:
    """The ids of the entries ``user`` cheered or commented on, as a lazy queryset."""
    return (
        Cheer.objects.filter(user=user)
        .values_list("entry_id", flat=True)
        .union(Comment.objects.filter(author=user).values_list("entry_id", flat=True))
    )
