"""Writes that touch more than one row: an entry and its author's figures move together."""

from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from journal import caching, streaks
from journal.models import (
    Cheer,
    Comment,
    Entry,
    Follow,
    ModerationAction,
    Notification,
    Report,
    Topic,
    User,
)


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
        [(day, minutes) for _, day, minutes, _, _ in entries], user.daily_goal_minutes
    )
    shown = [minutes for _, _, minutes, _, shown in entries if shown]
    _store_stats(user, stats, public_entry_count=len(shown), public_minutes=sum(shown))
    # update() sends no signal: the figures on public pages changed all the same.
    caching.changed()
    return stats


def _store_stats(user, stats, **public):
    """Store ``stats`` and the public figures (PUBLIC_FIGURES) on the user row and object."""
    figures = {**vars(stats), **public}
    for field, value in figures.items():
        setattr(user, field, value)
    User.objects.filter(pk=user.pk).update(**figures)


def entry_save(*, entry, topic_names):
    """Create or update ``entry`` with its topics, keeping Day N and streaks in step.

    Raises DayTaken when the author already has an entry for ``entry.day``.
    """
    adding = entry.pk is None
    try:
        with transaction.atomic():
            author = _lock_author(entry.author)
            shown_before = {} if adding else _public_topic_counts(Entry.objects.filter(pk=entry.pk))
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
                shown_after = _public_topic_counts(Entry.objects.filter(pk=entry.pk))
            _public_topic_counts_moved(shown_before, shown_after)
            if appending:
                # Public pages learn of the new figures from the entry's own save signal.
                shown = [entry.minutes] if entry.is_public else []
                _store_stats(
                    author,
                    streaks.append_day(
                        author.stored_stats(), entry.day, entry.minutes, author.daily_goal_minutes
                    ),
                    public_entry_count=author.public_entry_count + len(shown),
                    public_minutes=author.public_minutes + sum(shown),
                )
            else:
                user_refresh_stats(user=author)
                entry.refresh_from_db(fields=["number"])
    except IntegrityError as error:
        # Caught outside the transaction, which is gone with the failed insert: no
        # savepoint is paid on every write for the rare second tab.
        if Entry.objects.filter(author=entry.author, day=entry.day).exclude(pk=entry.pk).exists():
            raise DayTaken from error
        raise
    _copy_stats(author, entry.author)
    return entry


def entry_delete(*, entry):
    with transaction.atomic():
        author = _lock_author(entry.author)
        this_entry = Entry.objects.filter(pk=entry.pk)
        shown_before = _public_topic_counts(this_entry)
        entry.delete()
        _public_topic_counts_moved(shown_before, _public_topic_counts(this_entry))
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


# What an author's entries add up to for the public (Entry.objects.with_shown), kept beside
# their streaks.Stats by every write that changes which of their entries are shown.
PUBLIC_FIGURES = ("public_entry_count", "public_minutes")


def _copy_stats(source, target):
    if source is not target:
        for field in [*vars(streaks.Stats()), *PUBLIC_FIGURES]:
            setattr(target, field, getattr(source, field))


def _public_topic_counts(entries):
    """How many of ``entries`` (a queryset) that the public sees each topic has, by id."""
    return dict(
        Entry.topics.through.objects.filter(entry__in=entries.public())
        .order_by()
        .values_list("topic_id")
        .annotate(count=Count("entry_id"))
    )


def _public_topic_counts_moved(before, after):
    """Move Topic.public_entry_count by what a write changed: ``before`` and ``after`` are
    _public_topic_counts of the entries it wrote. Must run inside the write's transaction;
    the writes of one author are serialised by _lock_author."""
    topics_by_change = defaultdict(list)
    for topic_id in before.keys() | after.keys():
        if change := after.get(topic_id, 0) - before.get(topic_id, 0):
            topics_by_change[change].append(topic_id)
    for change, topic_ids in topics_by_change.items():
        Topic.objects.filter(pk__in=topic_ids).update(
            public_entry_count=F("public_entry_count") + change
        )


def topics_recount():
    """Count every topic's public entries anew, for entries written in bulk (seed_scale)."""
    counts = _public_topic_counts(Entry.objects.all())
    topics = list(Topic.objects.only("pk"))
    for topic in topics:
        topic.public_entry_count = counts.get(topic.pk, 0)
    Topic.objects.bulk_update(topics, ["public_entry_count"], batch_size=1000)


def users_recount():
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


def entries_refresh_counts(*, entry_ids):
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


def _count(queryset):
    return queryset.order_by().values("entry").annotate(n=Count("pk")).values("n")


def user_delete(*, user):
    """Delete an account with its entries, comments, cheers and follows, and nothing else.

    Other people's entries keep correct counts once this person's cheers and comments
    are gone.
    """
    with transaction.atomic():
        touched = set(_entries_touched_by(user))
        their_entries = Entry.objects.filter(author=user)
        shown_before = _public_topic_counts(their_entries)
        user.delete()
        _public_topic_counts_moved(shown_before, _public_topic_counts(their_entries))
        entries_refresh_counts(entry_ids=touched)


# Moderation: every step is logged, nothing is deleted, and restoring brings it all back.

Action = ModerationAction.Action
# What each action takes away; undoing it, or dismissing a report, closes nothing.
_TAKING_AWAY = {Action.HIDE_ENTRY, Action.HIDE_COMMENT, Action.SUSPEND_USER}
# The fields of a Report and of a ModerationAction that name each kind of target.
_REPORTED_AS = {Entry: "entry", Comment: "comment", User: "reported_user"}
_LOGGED_AS = {Entry: "entry", Comment: "comment", User: "user"}


class AlreadyReported(Exception):
    """This person has reported this thing before."""


def report_create(*, reporter, target, reason, note=""):
    """Report an entry, a comment or a person; a second report of the same thing is refused."""
    field = _REPORTED_AS[type(target)]
    if Report.objects.filter(reporter=reporter, **{field: target}).exists():
        raise AlreadyReported
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=reporter, reason=reason, note=note, **{field: target}
            )
    except IntegrityError as error:
        # The same report sent twice at once: the constraint keeps one.
        raise AlreadyReported from error


def _log(*, moderator, action, reason="", **targets):
    """Append to the moderation log, naming the target in words that outlive it."""
    label = str(next(obj for obj in targets.values() if obj is not None))
    ModerationAction.objects.create(
        moderator=moderator, action=action, reason=reason, target_label=label[:300], **targets
    )
    # Moderation writes with update(), which sends no signal.
    caching.changed()


def _close_reports(*, moderator, state, **target):
    Report.objects.filter(state=Report.State.OPEN, **target).update(
        state=state, resolved_by=moderator, resolved_at=timezone.now()
    )


def _moderate(*, moderator, target, action, reason, state, lock=None, shown=None, counted=()):
    """The steps hiding, restoring, suspending and unsuspending share, in one transaction.

    ``state`` holds the target's new moderation fields. ``lock`` is the author whose writes
    are serialised with it; ``shown`` the entries (a queryset) whose public topic counts it
    may move; ``counted`` the ids of entries whose cheer and comment counts it may change,
    read inside the transaction. Logged as ``action``; taking something away closes its
    open reports.
    """
    with transaction.atomic():
        if lock is not None:
            _lock_author(lock)
        shown_before = {} if shown is None else _public_topic_counts(shown)
        for field, value in state.items():
            setattr(target, field, value)
        # update(), not save(): a moderator's step never rewrites what the person wrote.
        type(target).objects.filter(pk=target.pk).update(**state)
        if shown is not None:
            _public_topic_counts_moved(shown_before, _public_topic_counts(shown))
        if counted:
            entries_refresh_counts(entry_ids=counted)
        _log(
            moderator=moderator, action=action, reason=reason, **{_LOGGED_AS[type(target)]: target}
        )
        if action in _TAKING_AWAY:
            _close_reports(
                moderator=moderator,
                state=Report.State.RESOLVED,
                **{_REPORTED_AS[type(target)]: target},
            )


def _entries_touched_by(user):
    """The ids of the entries ``user`` cheered or commented on, as a lazy queryset."""
    return (
        Cheer.objects.filter(user=user)
        .values_list("entry_id", flat=True)
        .union(Comment.objects.filter(author=user).values_list("entry_id", flat=True))
    )


def _hidden_state(hidden, reason):
    """The moderation fields of a hidden, or restored, entry or comment."""
    state = Entry.ModerationState.HIDDEN if hidden else Entry.ModerationState.VISIBLE
    return {"moderation_state": state, "moderation_reason": reason if hidden else ""}


def entry_set_hidden(*, moderator, entry, hidden, reason=""):
    """Hide an entry from every public place (its author and moderators still see it,
    marked), or restore it."""
    with transaction.atomic():
        _moderate(
            moderator=moderator,
            target=entry,
            action=Action.HIDE_ENTRY if hidden else Action.RESTORE_ENTRY,
            reason=reason,
            state=_hidden_state(hidden, reason),
            lock=entry.author,
            shown=Entry.objects.filter(pk=entry.pk),
        )
        # The public figures move; the streaks stay, as a hidden day was still learned.
        user_refresh_stats(user=entry.author)


def comment_set_hidden(*, moderator, comment, hidden, reason=""):
    """Hide a comment from everyone but its author and moderators, or restore it."""
    _moderate(
        moderator=moderator,
        target=comment,
        action=Action.HIDE_COMMENT if hidden else Action.RESTORE_COMMENT,
        reason=reason,
        state=_hidden_state(hidden, reason),
        counted=[comment.entry_id],
    )


def user_set_suspended(*, moderator, user, suspended, reason=""):
    """Suspend a person (they can read, not write; their content leaves public places) or lift it."""
    _moderate(
        moderator=moderator,
        target=user,
        action=Action.SUSPEND_USER if suspended else Action.UNSUSPEND_USER,
        reason=reason,
        state={"is_suspended": suspended, "suspension_reason": reason if suspended else ""},
        lock=user,
        shown=Entry.objects.filter(author=user),
        counted=_entries_touched_by(user),
    )


def report_dismiss(*, moderator, report, reason=""):
    """Close a report without acting on what it targets."""
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.DISMISSED, resolved_by=moderator, resolved_at=timezone.now()
        )
        report.state = Report.State.DISMISSED
        _log(
            moderator=moderator,
            action=Action.DISMISS_REPORT,
            reason=reason,
            report=report,
        )


# Encouragement: cheers, comments and follows, each with the counter and the notification
# it moves in the same transaction.


def _notify(*, recipient, actor, kind, entry=None, comment=None):
    # Acting on one's own entry is not news to anyone.
    if recipient.pk != actor.pk:
        Notification.objects.create(
            recipient=recipient, actor=actor, kind=kind, entry=entry, comment=comment
        )


def cheer_toggle(*, user, entry):
    """Cheer ``entry``, or take the cheer back; returns (cheered, the entry's cheer count).

    Two clicks racing each other end in a consistent state: the counter only moves for
    a row that was really created or deleted.
    """
    with transaction.atomic():
        caching.changed(only_added=True, writer=user)
        cheer, created = Cheer.objects.get_or_create(user=user, entry=entry)
        if created:
            Entry.objects.filter(pk=entry.pk).update(cheer_count=F("cheer_count") + 1)
            _notify(recipient=entry.author, actor=user, kind=Notification.Kind.CHEER, entry=entry)
        else:
            deleted, _ = Cheer.objects.filter(pk=cheer.pk).delete()
            if deleted:
                Entry.objects.filter(pk=entry.pk, cheer_count__gt=0).update(
                    cheer_count=F("cheer_count") - 1
                )
            Notification.objects.filter(
                kind=Notification.Kind.CHEER, actor=user, entry=entry
            ).delete()
        entry.refresh_from_db(fields=["cheer_count"])
    return created, entry.cheer_count


def comment_create(*, author, entry, body):
    with transaction.atomic():
        caching.changed(only_added=True, writer=author)
        comment = Comment.objects.create(author=author, entry=entry, body=body)
        Entry.objects.filter(pk=entry.pk).update(comment_count=F("comment_count") + 1)
        _notify(
            recipient=entry.author,
            actor=author,
            kind=Notification.Kind.COMMENT,
            entry=entry,
            comment=comment,
        )
    return comment


def comment_update(*, comment, body):
    """New words for a comment; a comment a moderator hid stays hidden."""
    comment.body = body
    comment.save(update_fields=["body", "body_html", "updated_at"])
    return comment


def comment_delete(*, comment):
    """Delete a comment and its notification; the count is redone, as it may have been hidden."""
    with transaction.atomic():
        comment.delete()
        entries_refresh_counts(entry_ids=[comment.entry_id])


def follow_toggle(*, follower, followed):
    """Follow ``followed``, or stop; returns whether ``follower`` now follows them.

    Unfollowing takes back the "followed you" notification, so that following, unfollowing
    and following again leaves one.
    """
    with transaction.atomic():
        follow, created = Follow.objects.get_or_create(follower=follower, followed=followed)
        if created:
            _notify(recipient=followed, actor=follower, kind=Notification.Kind.FOLLOW)
        else:
            Follow.objects.filter(pk=follow.pk).delete()
            Notification.objects.filter(
                kind=Notification.Kind.FOLLOW, actor=follower, recipient=followed
            ).delete()
    return created


# Import: entries read from other people's Markdown (journal/porting/), in one go.


class ImportResult:
    """What journal_import did with each draft it was given."""

    def __init__(self):
        self.created, self.replaced, self.skipped = [], [], []

    def summary(self):
        created = len(self.created)
        words = [f"Imported {created} {'entry' if created == 1 else 'entries'}"]
        if self.replaced:
            words.append(f"{len(self.replaced)} of them replacing an entry")
        if self.skipped:
            words.append(f"skipped {len(self.skipped)} for days already written")
        return ", ".join(words) + "."


def journal_import(*, user, items, replace=False):
    """Write imported drafts (porting.posts.Draft) as ``user``'s entries in one transaction.

    Imported entries keep their own days, older than yesterday included (import is the
    one way in for those), and are numbered Day N in day order with the existing entries.
    Days are checked again under the author's lock, as entries may have been written since
    the preview: a day that already has an entry is overwritten when ``replace`` is true
    (its cheers and comments stay) and skipped otherwise; a future day, or a second draft
    for a day, is skipped. Everything goes through Entry.save, so the Markdown is sanitised.
    """
    result = ImportResult()
    with transaction.atomic():
        author = _lock_author(user)
        their_entries = Entry.objects.filter(author=author)
        shown_before = _public_topic_counts(their_entries)
        today = author.local_today()
        existing = {
            entry.day: entry
            for entry in Entry.objects.filter(author=author, day__in={item.day for item in items})
        }
        taken = set()
        for item in items:
            if item.day > today or item.day in taken or (item.day in existing and not replace):
                result.skipped.append(item)
                continue
            taken.add(item.day)
            # Number 0 is a placeholder until user_refresh_stats gives Day N.
            entry = existing.get(item.day) or Entry(author=author, day=item.day, number=0)
            (result.replaced if entry.pk else result.created).append(item)
            for name in ("title", "minutes", "body", "key_lesson", "reflection", "visibility"):
                setattr(entry, name, getattr(item, name))
            entry.created_at = item.created_at or timezone.now()
            entry.save()
            entry.topics.set(Topic.from_names(item.topics))
            if item.updated_at:
                # auto_now stamped the save; the file's own last change is the truer time.
                Entry.objects.filter(pk=entry.pk).update(updated_at=item.updated_at)
        _public_topic_counts_moved(shown_before, _public_topic_counts(their_entries))
        user_refresh_stats(user=author)
    _copy_stats(author, user)
    return result
