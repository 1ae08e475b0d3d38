"""A person's own account: their profile, their goal, and deleting it all."""

from django.db import transaction
from django.utils import timezone

from journal.models import (
    Entry,
    User,
)
from journal.services.challenges import participations_follow_zone, participations_leave_all
from journal.services.figures import (
    copy_stats,
    entries_refresh_counts,
    entries_touched_by,
    lock_author,
    public_topic_counts,
    public_topic_counts_moved,
    user_refresh_stats,
)
from journal.services.reminders import reminder_reschedule


def user_update_profile(
    *, user: User, daily_goal_minutes: int, welcomed: bool = False, **profile: object
) -> None:
    """Save ``user``'s profile columns (``profile``: any of display name, bio, focus, time
    zone, and the reminder's settings); a new daily goal also recomputes the streaks
    (user_update_goal). ``welcomed``: these are the answers of the welcome step, which is
    then done."""
    with transaction.atomic():
        locked = lock_author(user)
        for field, value in profile.items():
            setattr(user, field, value)
        columns = list(profile)
        if welcomed:
            user.welcomed_at = timezone.now()
            columns.append("welcomed_at")
        # Only the profile's own columns: the streak figures belong to the entry writes.
        user.save(update_fields=columns)
        if profile.keys() & {"time_zone", "remind_by_email", "remind_by_push", "reminder_time"}:
            # The reminder's time is on the person's clock, which may have moved.
            reminder_reschedule(user=user)
        if "time_zone" in profile:
            # Whether one checked in today is judged on one's own clock.
            participations_follow_zone(person=user)
        if daily_goal_minutes != locked.daily_goal_minutes:
            user_update_goal(user=user, daily_goal_minutes=daily_goal_minutes)


def user_welcomed(*, user: User) -> None:
    """The welcome step was skipped: it is not asked again."""
    user.welcomed_at = timezone.now()
    # No signal: skipping changes nothing any page shows.
    User.objects.filter(pk=user.pk).update(welcomed_at=user.welcomed_at)


def user_update_goal(*, user: User, daily_goal_minutes: int) -> None:
    """A new goal changes which days count, so the streaks are recomputed with it."""
    with transaction.atomic():
        locked = lock_author(user)
        locked.daily_goal_minutes = daily_goal_minutes
        User.objects.filter(pk=user.pk).update(daily_goal_minutes=daily_goal_minutes)
        user_refresh_stats(user=locked)
    copy_stats(locked, user)
    user.daily_goal_minutes = daily_goal_minutes


def user_delete(*, user: User) -> None:
    """Delete an account with its entries, comments, cheers and follows, and nothing else.

    Other people's entries keep correct counts once this person's cheers and comments
    are gone.
    """
    with transaction.atomic():
        touched = set(entries_touched_by(user))
        their_entries = Entry.objects.filter(author=user)
        shown_before = public_topic_counts(their_entries)
        participations_leave_all(person=user)
        user.delete()
        public_topic_counts_moved(shown_before, public_topic_counts(their_entries))
        entries_refresh_counts(entry_ids=touched)
