"""Encouragement: cheers, comments and follows, each with the counter and the notification
it moves in the same transaction."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from journal import caching
from journal.models import (
    Cheer,
    Comment,
    Entry,
    Follow,
    Notification,
    User,
    Webhook,
)
from journal.services.figures import (
    entries_refresh_counts,
)
from journal.services.push import notifications_push
from journal.services.webhooks import cheer_data, comment_data, webhooks_notify


def _notify(
    *,
    recipient: User,
    actor: User,
    kind: str,
    entry: Entry | None = None,
    comment: Comment | None = None,
) -> None:
    # Acting on one's own entry is not news to anyone.
    if recipient.pk != actor.pk:
        notification = Notification.objects.create(
            recipient=recipient, actor=actor, kind=kind, entry=entry, comment=comment
        )
        notifications_push([notification])


def cheer_toggle(*, user: User, entry: Entry) -> tuple[bool, int]:
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
        if created and entry.author_id != user.pk:
            webhooks_notify(
                person=entry.author,
                event=Webhook.Event.CHEER_RECEIVED,
                data=cheer_data(cheer, entry.cheer_count),
            )
    return created, entry.cheer_count


def comment_create(*, author: User, entry: Entry, body: str) -> Comment:
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
        # Comments on one's own entry are not news, here as in notifications.
        if entry.author_id != author.pk:
            webhooks_notify(
                person=entry.author,
                event=Webhook.Event.COMMENT_RECEIVED,
                data=comment_data(comment),
            )
    return comment


def comment_update(*, comment: Comment, body: str) -> Comment:
    """New words for a comment; a comment a moderator hid stays hidden."""
    comment.body = body
    comment.save(update_fields=["body", "body_html", "updated_at"])
    return comment


def comment_delete(*, comment: Comment) -> None:
    """Delete a comment and its notification; the count is redone, as it may have been hidden."""
    with transaction.atomic():
        comment.delete()
        entries_refresh_counts(entry_ids=[comment.entry_id])


def follow_toggle(*, follower: User, followed: User) -> bool:
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


def notifications_mark_read(*, user: User) -> None:
    """Mark every unread notification of ``user`` read."""
    user.notifications.unread().update(read_at=timezone.now())
    caching.changed(public=False, own=[("unread", user.pk)])
