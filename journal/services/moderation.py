"""Moderation: every step is logged, nothing is deleted, and restoring brings it all back."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from journal import caching
from journal.models import (
    Challenge,
    Comment,
    Entry,
    EntryQuerySet,
    ModerationAction,
    Report,
    User,
)
from journal.services.figures import (
    entries_refresh_counts,
    entries_touched_by,
    lock_author,
    public_topic_counts,
    public_topic_counts_moved,
    user_refresh_stats,
)

Action = ModerationAction.Action


# What each action takes away; undoing it, or dismissing a report, closes nothing.
_TAKING_AWAY = {
    Action.HIDE_ENTRY,
    Action.HIDE_COMMENT,
    Action.SUSPEND_USER,
    Action.HIDE_CHALLENGE,
}


# The fields of a Report and of a ModerationAction that name each kind of target.
_REPORTED_AS = {
    Entry: "entry",
    Comment: "comment",
    User: "reported_user",
    Challenge: "challenge",
}


_LOGGED_AS = {Entry: "entry", Comment: "comment", User: "user", Challenge: "challenge"}

Target = Entry | Comment | User | Challenge


class AlreadyReported(Exception):
    """This person has reported this thing before."""


def report_create(*, reporter: User, target: Target, reason: str, note: str = "") -> Report:
    """Report an entry, a comment, a person or a challenge; a second report of the same
    thing is refused."""
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


def _log(
    *,
    moderator: User,
    action: str,
    reason: str = "",
    **targets: Target | Report | None,
) -> None:
    """Append to the moderation log, naming the target in words that outlive it."""
    label = str(next(obj for obj in targets.values() if obj is not None))
    ModerationAction.objects.create(
        moderator=moderator, action=action, reason=reason, target_label=label[:300], **targets
    )
    # Moderation writes with update(), which sends no signal.
    caching.changed()


def _close_reports(*, moderator: User, state: str, **target: Target) -> None:
    Report.objects.filter(state=Report.State.OPEN, **target).update(
        state=state, resolved_by=moderator, resolved_at=timezone.now()
    )


def _moderate(
    *,
    moderator: User,
    target: Target,
    action: str,
    reason: str,
    state: dict[str, Any],
    lock: User | None = None,
    shown: EntryQuerySet | None = None,
    counted: Iterable[int] = (),
) -> None:
    """The steps hiding, restoring, suspending and unsuspending share, in one transaction.

    ``state`` holds the target's new moderation fields. ``lock`` is the author whose writes
    are serialised with it; ``shown`` the entries (a queryset) whose public topic counts it
    may move; ``counted`` the ids of entries whose cheer and comment counts it may change,
    read inside the transaction. Logged as ``action``; taking something away closes its
    open reports.
    """
    with transaction.atomic():
        if lock is not None:
            lock_author(lock)
        shown_before = {} if shown is None else public_topic_counts(shown)
        for field, value in state.items():
            setattr(target, field, value)
        # update(), not save(): a moderator's step never rewrites what the person wrote.
        type(target).objects.filter(pk=target.pk).update(**state)
        if shown is not None:
            public_topic_counts_moved(shown_before, public_topic_counts(shown))
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


def _hidden_state(hidden: bool, reason: str) -> dict[str, str]:
    """The moderation fields of a hidden, or restored, entry or comment."""
    state = Entry.ModerationState.HIDDEN if hidden else Entry.ModerationState.VISIBLE
    return {"moderation_state": state, "moderation_reason": reason if hidden else ""}


def entry_set_hidden(*, moderator: User, entry: Entry, hidden: bool, reason: str = "") -> None:
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


def comment_set_hidden(
    *, moderator: User, comment: Comment, hidden: bool, reason: str = ""
) -> None:
    """Hide a comment from everyone but its author and moderators, or restore it."""
    _moderate(
        moderator=moderator,
        target=comment,
        action=Action.HIDE_COMMENT if hidden else Action.RESTORE_COMMENT,
        reason=reason,
        state=_hidden_state(hidden, reason),
        counted=[comment.entry_id],
    )


def challenge_set_hidden(
    *, moderator: User, challenge: Challenge, hidden: bool, reason: str = ""
) -> None:
    """Hide a challenge from every public place and from its participants (its creator and
    moderators still see it, marked), or restore it as it was: participations and their
    figures are never touched, so the days people write meanwhile still count."""
    _moderate(
        moderator=moderator,
        target=challenge,
        action=Action.HIDE_CHALLENGE if hidden else Action.RESTORE_CHALLENGE,
        reason=reason,
        state=_hidden_state(hidden, reason),
    )


def user_set_suspended(*, moderator: User, user: User, suspended: bool, reason: str = "") -> None:
    """Suspend a person (they can read, not write; their content leaves public places) or lift it."""
    _moderate(
        moderator=moderator,
        target=user,
        action=Action.SUSPEND_USER if suspended else Action.UNSUSPEND_USER,
        reason=reason,
        state={"is_suspended": suspended, "suspension_reason": reason if suspended else ""},
        lock=user,
        shown=Entry.objects.filter(author=user),
        counted=entries_touched_by(user),
    )


def report_dismiss(*, moderator: User, report: Report, reason: str = "") -> None:
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
