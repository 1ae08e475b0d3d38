"""Import: entries read from other people's Markdown (journal/porting/), in one go."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from journal.models import (
    Entry,
    Topic,
    User,
)
from journal.porting.posts import Draft
from journal.services.challenges import participations_recount
from journal.services.figures import (
    copy_stats,
    lock_author,
    public_topic_counts,
    public_topic_counts_moved,
    user_refresh_stats,
)


class ImportResult:
    """What journal_import did with each draft it was given."""

    def __init__(self) -> None:
        self.created: list[Draft] = []
        self.replaced: list[Draft] = []
        self.skipped: list[Draft] = []

    def summary(self) -> str:
        created = len(self.created)
        words = [f"Imported {created} {'entry' if created == 1 else 'entries'}"]
        if self.replaced:
            words.append(f"{len(self.replaced)} of them replacing an entry")
        if self.skipped:
            words.append(f"skipped {len(self.skipped)} for days already written")
        return ", ".join(words) + "."


def journal_import(*, user: User, items: Iterable[Draft], replace: bool = False) -> ImportResult:
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
        author = lock_author(user)
        their_entries = Entry.objects.filter(author=author)
        shown_before = public_topic_counts(their_entries)
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
        public_topic_counts_moved(shown_before, public_topic_counts(their_entries))
        user_refresh_stats(user=author)
        participations_recount(person=author)
    copy_stats(author, user)
    return result
