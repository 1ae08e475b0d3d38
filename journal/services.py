"""Writes that touch more than one row: an entry and its author's figures move together."""

from django.db import IntegrityError, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from journal import streaks
from journal.models import Cheer, Comment, Entry, ModerationAction, Report, Topic, User


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


def _count(queryset):
    return queryset.order_by().values("entry").annotate(n=Count("pk")).values("n")


def user_delete(*, user):
    """Delete an account with its entries, comments, cheers and follows, and nothing else.

    Other people's entries keep correct counts once this person's cheers and comments
    are gone.
    """
    with transaction.atomic():
        touched = set(Cheer.objects.filter(user=user).values_list("entry_id", flat=True))
        touched |= set(Comment.objects.filter(author=user).values_list("entry_id", flat=True))
        user.delete()
        entries_refresh_counts(entry_ids=touched)


# Moderation: every step is logged, nothing is deleted, and restoring brings it all back.


class AlreadyReported(Exception):
    """This person has reported this thing before."""


def report_create(*, reporter, target, reason, note=""):
    """Report an entry, a comment or a person; a second report of the same thing is refused."""
    field = {Entry: "entry", Comment: "comment", User: "reported_user"}[type(target)]
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


def _close_reports(*, moderator, state, **target):
    Report.objects.filter(state=Report.State.OPEN, **target).update(
        state=state, resolved_by=moderator, resolved_at=timezone.now()
    )


def entry_set_hidden(*, moderator, entry, hidden, reason=""):
    """Hide an entry from every public place (its author still sees it, marked), or restore it."""
    with transaction.atomic():
        entry.moderation_state = (
            Entry.ModerationState.HIDDEN if hidden else Entry.ModerationState.VISIBLE
        )
        entry.moderation_reason = reason if hidden else ""
        Entry.objects.filter(pk=entry.pk).update(
            moderation_state=entry.moderation_state, moderation_reason=entry.moderation_reason
        )
        action = (
            ModerationAction.Action.HIDE_ENTRY if hidden else ModerationAction.Action.RESTORE_ENTRY
        )
        _log(moderator=moderator, action=action, reason=reason, entry=entry)
        if hidden:
            _close_reports(moderator=moderator, state=Report.State.RESOLVED, entry=entry)


def comment_set_hidden(*, moderator, comment, hidden, reason=""):
    with transaction.atomic():
        comment.moderation_state = (
            Comment.ModerationState.HIDDEN if hidden else Comment.ModerationState.VISIBLE
        )
        comment.moderation_reason = reason if hidden else ""
        Comment.objects.filter(pk=comment.pk).update(
            moderation_state=comment.moderation_state, moderation_reason=comment.moderation_reason
        )
        entries_refresh_counts(entry_ids=[comment.entry_id])
        action = (
            ModerationAction.Action.HIDE_COMMENT
            if hidden
            else ModerationAction.Action.RESTORE_COMMENT
        )
        _log(moderator=moderator, action=action, reason=reason, comment=comment)
        if hidden:
            _close_reports(moderator=moderator, state=Report.State.RESOLVED, comment=comment)


def user_set_suspended(*, moderator, user, suspended, reason=""):
    """Suspend a person (they can read, not write; their content leaves public places) or lift it."""
    with transaction.atomic():
        user.is_suspended = suspended
        user.suspension_reason = reason if suspended else ""
        User.objects.filter(pk=user.pk).update(
            is_suspended=user.is_suspended, suspension_reason=user.suspension_reason
        )
        touched = set(Cheer.objects.filter(user=user).values_list("entry_id", flat=True))
        touched |= set(Comment.objects.filter(author=user).values_list("entry_id", flat=True))
        entries_refresh_counts(entry_ids=touched)
        action = (
            ModerationAction.Action.SUSPEND_USER
            if suspended
            else ModerationAction.Action.UNSUSPEND_USER
        )
        _log(moderator=moderator, action=action, reason=reason, user=user)
        if suspended:
            _close_reports(moderator=moderator, state=Report.State.RESOLVED, reported_user=user)


def report_dismiss(*, moderator, report, reason=""):
    """Close a report without acting on what it targets."""
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            state=Report.State.DISMISSED, resolved_by=moderator, resolved_at=timezone.now()
        )
        report.state = Report.State.DISMISSED
        _log(
            moderator=moderator,
            action=ModerationAction.Action.DISMISS_REPORT,
            reason=reason,
            report=report,
        )
