"""A person's own account: their profile, their goal, and deleting it all."""

from django.db import transaction

from journal.models import (
    Entry,
    User,
)
from journal.services.figures import (
    copy_stats,
    entries_refresh_counts,
    entries_touched_by,
    lock_author,
    public_topic_counts,
    public_topic_counts_moved,
    user_refresh_stats,
)


def user_update_profile(*, user, daily_goal_minutes, **profile):
    """Save ``user``'s profile columns (``profile``: display name, bio, focus, time zone);
    a new daily goal also recomputes the streaks (user_update_goal)."""
    with transaction.atomic():
        locked = lock_author(user)
        for field, value in profile.items():
            setattr(user, field, value)
        # Only the profile's own columns: the streak figures belong to the entry writes.
        user.save(update_fields=list(profile))
        if daily_goal_minutes != locked.daily_goal_minutes:
            user_update_goal(user=user, daily_goal_minutes=daily_goal_minutes)


def user_update_goal(*, user, daily_goal_minutes):
    """A new goal changes which days count, so the streaks are recomputed with it."""
    with transaction.atomic():
        locked = lock_author(user)
        locked.daily_goal_minutes = daily_goal_minutes
        User.objects.filter(pk=user.pk).update(daily_goal_minutes=daily_goal_minutes)
        user_refresh_stats(user=locked)
    copy_stats(locked, user)
    user.daily_goal_minutes = daily_goal_minutes


def user_delete(*, user):
    """Delete an account with its entries, comments, cheers and follows, and nothing else.

    Other people's entries keep correct counts once this person's cheers and comments
    are gone.
    """
    with transaction.atomic():
        touched = set(entries_touched_by(user))
        their_entries = Entry.objects.filter(author=user)
        shown_before = public_topic_counts(their_entries)
        user.delete()
        public_topic_counts_moved(shown_before, public_topic_counts(their_entries))
        entries_refresh_counts(entry_ids=touched)
