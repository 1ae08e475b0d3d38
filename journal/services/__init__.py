"""Writes that touch more than one row, grouped by domain: each is a function named
``<thing>_<action>(*, ...)`` that runs in one transaction, keeps the stored figures
(``figures.py``) and tells the caches what changed (``journal.caching.changed``).

- ``entries``: writing and deleting an entry.
- ``social``: cheers, comments, follows and notifications.
- ``moderation``: reports, hiding and restoring, suspending; every step logged.
- ``accounts``: a person's profile, goal and account deletion.
- ``porting``: writing an import in one go.
- ``challenges``: starting, editing, closing, joining and leaving challenges, and each
  participant's figures, which follow every entry write.
- ``tokens``: personal access tokens for the JSON API.
- ``figures``: the stored figures every one of them keeps.
- ``rest``: declaring and ending rest days, and recounting the streaks they keep (called
  as ``rest.rest_period_declare(...)``).
- ``webhooks``: a person's webhooks, the events they are sent and their delivery
  (called as ``services.webhooks.webhook_create(...)``).

Views and commands call them as ``services.entry_save(...)``.
"""

from journal.services.accounts import (
    user_delete,
    user_update_goal,
    user_update_profile,
    user_welcomed,
)
from journal.services.challenges import (
    ChallengeLocked,
    TooManyChallenges,
    challenge_close,
    challenge_create,
    challenge_join,
    challenge_leave,
    challenge_renew_invite,
    challenge_update,
    participation_set_on_board,
    participations_follow_entry,
    participations_leave_all,
    participations_recount,
    participations_recount_all,
    user_join_site_challenge,
)
from journal.services.entries import DayTaken, entry_delete, entry_save
from journal.services.figures import (
    entries_refresh_counts,
    topics_recount,
    user_refresh_stats,
    users_recount,
)
from journal.services.moderation import (
    AlreadyReported,
    challenge_set_hidden,
    comment_set_hidden,
    entry_set_hidden,
    report_create,
    report_dismiss,
    user_set_suspended,
)
from journal.services.porting import ImportResult, journal_import
from journal.services.social import (
    cheer_toggle,
    comment_create,
    comment_delete,
    comment_update,
    follow_toggle,
    notifications_mark_read,
)
from journal.services.tokens import token_create, token_find, token_revoke

__all__ = [
    "AlreadyReported",
    "ChallengeLocked",
    "DayTaken",
    "ImportResult",
    "TooManyChallenges",
    "challenge_close",
    "challenge_create",
    "challenge_join",
    "challenge_leave",
    "challenge_renew_invite",
    "challenge_set_hidden",
    "challenge_update",
    "cheer_toggle",
    "comment_create",
    "comment_delete",
    "comment_set_hidden",
    "comment_update",
    "entries_refresh_counts",
    "entry_delete",
    "entry_save",
    "entry_set_hidden",
    "follow_toggle",
    "journal_import",
    "notifications_mark_read",
    "participation_set_on_board",
    "participations_follow_entry",
    "participations_leave_all",
    "participations_recount",
    "participations_recount_all",
    "report_create",
    "report_dismiss",
    "token_create",
    "token_find",
    "token_revoke",
    "topics_recount",
    "user_delete",
    "user_join_site_challenge",
    "user_refresh_stats",
    "user_set_suspended",
    "user_update_goal",
    "user_update_profile",
    "user_welcomed",
    "users_recount",
]
