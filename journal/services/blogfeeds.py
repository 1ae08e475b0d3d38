"""A learner's own blog keeps their streak: its feed's posts become their entries.

The scheduler's pass (``blog_feeds_enqueue_due``) claims each due feed by moving its
``next_fetch_at`` on with a conditional UPDATE, so of several schedulers racing one wins
and queues it. The worker (``blog_feed_fetch``) fetches the feed through safefetch with a
conditional GET and writes its new and edited posts through the importer of
/settings/import/ (``journal_import``). A ``BlogPost`` row per post and person, under a
unique constraint, is written in the same transaction: a post is never imported twice.
"""

import datetime as dt
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from journal import safefetch
from journal.models import BlogFeed, BlogPost, Entry, User
from journal.porting.feeds import FeedPost, NotAFeed, read_feed
from journal.porting.plan import _problem
from journal.services.porting import ImportResult, journal_import

logger = logging.getLogger(__name__)

FETCH_EVERY = dt.timedelta(hours=1)
# A feed that failed is asked again less often; saving its settings asks at once.
FETCH_AFTER_PROBLEM = dt.timedelta(hours=6)
# How soon after a fetch the learner may ask for another ("Read it now").
FETCH_AGAIN_AFTER = dt.timedelta(minutes=5)
MAX_FEED_BYTES = 2_000_000
# Posts written per fetch; the rest come with the next fetch, a minute later.
MAX_POSTS_PER_FETCH = 20
# Feeds claimed per scheduler pass; the rest wait for the next pass.
BATCH = 200
ACCEPT = "application/atom+xml, application/rss+xml, application/xml;q=0.9, */*;q=0.5"


def blog_feed_save(*, user: User, url: str, visibility: str) -> BlogFeed:
    """Set ``user``'s blog feed; a new address is fetched at the scheduler's next pass."""
    feed = BlogFeed.objects.filter(person=user).first() or BlogFeed(person=user)
    if feed.url != url:
        feed.url = url
        feed.etag = feed.last_modified = feed.problem = feed.outcome = ""
        feed.fetched_at = None
        feed.next_fetch_at = timezone.now()
    feed.visibility = visibility
    feed.save()
    return feed


def blog_feed_fetch_soon(*, user: User) -> dt.datetime | None:
    """Have ``user``'s feed read at the scheduler's next pass. Returns None when done, or,
    when it was read less than FETCH_AGAIN_AFTER ago, the moment it may be asked again:
    the blog's server is someone else's, and one learner's clicks must not hammer it."""
    now = timezone.now()
    feed = BlogFeed.objects.get(person=user)
    if feed.fetched_at is not None and now < feed.fetched_at + FETCH_AGAIN_AFTER:
        return feed.fetched_at + FETCH_AGAIN_AFTER
    BlogFeed.objects.filter(pk=feed.pk).update(next_fetch_at=now)
    return None


def blog_feed_remove(*, user: User) -> None:
    """Stop reading ``user``'s blog. Its entries stay, and so does the memory of which posts
    were read, so adding the feed again imports none of them twice."""
    BlogFeed.objects.filter(person=user).delete()


def blog_feeds_enqueue_due(*, now: dt.datetime | None = None) -> int:
    """The scheduler's pass: claim every feed due at ``now`` and queue its fetch. Returns how
    many were queued; safe on several machines at once (each claim is won once)."""
    from journal.tasks import fetch_blog_feed

    now = now or timezone.now()
    due = BlogFeed.objects.filter(
        next_fetch_at__lte=now, person__is_active=True, person__is_suspended=False
    ).order_by("next_fetch_at")
    queued = 0
    for feed_id, due_at in due.values_list("pk", "next_fetch_at")[:BATCH]:
        with transaction.atomic():
            claimed = BlogFeed.objects.filter(pk=feed_id, next_fetch_at=due_at).update(
                next_fetch_at=now + FETCH_EVERY
            )
            if claimed:
                fetch_blog_feed.enqueue(feed_id)
                queued += 1
    return queued


def blog_feed_fetch(*, feed_id: int) -> str:
    """Fetch one feed and import what is new or edited; returns what it did, in words,
    which the settings page shows (as the problem when it failed)."""
    feed = BlogFeed.objects.select_related("person").filter(pk=feed_id).first()
    if feed is None:
        return "The feed was removed."
    headers = {"Accept": ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    try:
        response = safefetch.fetch(feed.url, headers=headers, max_bytes=MAX_FEED_BYTES)
        if response.status == 304:
            return _record(feed, outcome="Nothing new since the last fetch.")
        if response.status != 200:
            raise NotAFeed(f"The feed answered {response.status} instead of the feed.")
        posts = read_feed(
            response.body, url=response.url, user=feed.person, visibility=feed.visibility
        )
    except (safefetch.Refused, NotAFeed) as problem:
        return _record(feed, problem=str(problem))
    outcome, finished = _import_posts(feed.person, posts)
    return _record(
        feed,
        outcome=outcome,
        # Validators are kept only once every post was written; until then the next fetch
        # must get the whole feed again, not a 304.
        etag=response.headers.get("ETag", "")[:500] if finished else "",
        last_modified=response.headers.get("Last-Modified", "")[:100] if finished else "",
        next_fetch_at=None if finished else timezone.now(),
    )


def _record(
    feed: BlogFeed,
    *,
    outcome: str = "",
    problem: str = "",
    etag: str | None = None,
    last_modified: str | None = None,
    next_fetch_at: dt.datetime | None = None,
) -> str:
    now = timezone.now()
    fields: dict[str, object] = {"fetched_at": now, "problem": problem[:300]}
    if problem:
        fields["next_fetch_at"] = now + FETCH_AFTER_PROBLEM
    else:
        fields["outcome"] = outcome[:2000]
    if next_fetch_at is not None:
        fields["next_fetch_at"] = next_fetch_at
    if etag is not None:
        fields["etag"] = etag
    if last_modified is not None:
        fields["last_modified"] = last_modified
    # An update, not save(): the learner may have changed the address meanwhile.
    BlogFeed.objects.filter(pk=feed.pk, url=feed.url).update(**fields)
    if problem:
        logger.info("blog feed %s: %s", feed.pk, problem)
    return problem or outcome


def _import_posts(person: User, posts: list[FeedPost]) -> tuple[str, bool]:
    """Write the new and edited ``posts`` as ``person``'s entries, at most
    MAX_POSTS_PER_FETCH of them. Returns what was done, in words, and whether every post
    was dealt with."""
    known = {
        post.key: post
        for post in BlogPost.objects.filter(person=person, key__in=[p.key for p in posts])
    }
    today, now = person.local_today(), timezone.now()
    new: list[FeedPost] = []
    edited: list[tuple[FeedPost, BlogPost]] = []
    notes: list[str] = []
    for post in posts:
        read = known.get(post.key)
        if read is None:
            if post.draft.day > today:
                # A post scheduled ahead of its day is imported once its day comes.
                continue
            if problem := _problem(post.draft, today, now):
                notes.append(f"“{post.draft.title}” is left out: {problem}")
                continue
            new.append(post)
        elif read.digest != post.digest and read.entry_id is not None:
            edited.append((post, read))
    more_to_come = len(new) + len(edited) > MAX_POSTS_PER_FETCH
    new = new[:MAX_POSTS_PER_FETCH]
    edited = edited[: MAX_POSTS_PER_FETCH - len(new)]
    # An edit updates its entry on the entry's own day, even when the post's date moved;
    # one whose entry was deleted meanwhile is dropped, never written over another day.
    entry_ids = [read.entry_id for _, read in edited if read.entry_id]
    entry_days = (
        dict(Entry.objects.filter(pk__in=entry_ids).values_list("pk", "day")) if edited else {}
    )
    still_there = []
    for post, read in edited:
        if day := entry_days.get(read.entry_id or 0):
            post.draft.day = day
            still_there.append((post, read))
    edited = still_there
    if not new and not edited:
        return " ".join(["No new posts.", *notes]), True
    try:
        with transaction.atomic():
            imported = ImportResult()
            if new:
                imported = journal_import(user=person, items=[post.draft for post in new])
            if edited:
                journal_import(user=person, items=[d.draft for d, _ in edited], replace=True)
            entries = dict(
                Entry.objects.filter(
                    author=person, day__in=[post.draft.day for post in new]
                ).values_list("day", "pk")
            )
            written = {id(draft) for draft in imported.created}
            BlogPost.objects.bulk_create(
                BlogPost(
                    person=person,
                    key=post.key,
                    digest=post.digest,
                    entry_id=entries.get(post.draft.day) if id(post.draft) in written else None,
                )
                for post in new
            )
            for post, read in edited:
                read.digest = post.digest
            BlogPost.objects.bulk_update([read for _, read in edited], ["digest"])
    except IntegrityError:
        # Another worker wrote these posts first; what it did stands.
        return "No new posts.", True
    for draft in imported.skipped:
        notes.append(
            f"“{draft.title}” is left out: {draft.day:%-d %B %Y} already has an entry on "
            "Momentum, which stays as it is."
        )
    words = [_count(len(imported.created), "new entry", "new entries")]
    if edited:
        words.append(_count(len(edited), "entry updated", "entries updated"))
    if more_to_come:
        words.append("more posts come with the next fetch")
    return " ".join([", ".join(words).capitalize() + ".", *notes]), not more_to_come


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"
