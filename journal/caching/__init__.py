"""Everything Momentum caches, and the one function a write calls to make it stale.

The contract
============

What is cached, for whom, under which key, for how long:

- **Whole reading pages** (``pages.py``, ``@shared_page``): the landing page, the feeds,
  topics, search, people, journeys, entries and the Atom feeds. One copy per audience:
  visitors, and signed-in readers (whose own parts are slots, below). Staff, suspended
  people and anyone the view names in ``personal_to`` (the person a journey is about, the
  author and commenters of an entry) get a page rendered for them alone, never stored.
  Key: ``pagecache:<release>:<audience>:<sha256 of path and the declared query
  parameters>``; the value is a ``CachedPage``. Kept 60 s at most.
- **A reader's own parts** (``reader.py``): the navigation, the state of their day on
  their home, whether they cheered each card, whether they follow the person, whether they are in a challenge. Templates write them with the ``{% reader_part %}``
  tag (``journal/templatetags/caching.py``) and ``ReaderPartsMiddleware`` fills them on
  every signed-in response. The figures behind them are cached per person:
  ``own:<figure>:<person id>``, 60 s for the unread count and for their progress in their
  challenges (stored figures whose meaning today is worked out at each request, so
  midnight needs no flush; forgotten whenever those figures are stored, the 60 s bounding
  a creator's closing or re-dating the challenge), 600 s for cheers, follows and
  challenges joined.
- **Entry cards** (``cards.py``): the part of a card every reader sees alike, keyed on
  everything it shows (``card:<sha256>``), 600 s. An edit makes a new key, so a card is
  never stale; nothing needs to forget it.
- **Per-process memos**: the navigation rendered for one combination of what it shows
  (``reader.py``), and in ``memos.py`` the URLs every card links to; pure functions of
  their arguments, so never stale.

Two other uses of the cache backend keep data rather than copies of it, and have their own
modules: rate-limit counters (journal/ratelimit.py) and an import's images between its
preview and its confirmation (journal/porting/preview.py).

What makes them stale: a write calls ``changed()`` once, in its transaction. Public
pages are cached under two version numbers. A write that takes something away or changes
it (an edit, a deletion, a private entry, moderation, a profile change) moves the second,
and every page rendered before it is refused from the next request on. A write that only
adds (a new entry, cheer or comment, a cheer taken back) moves the first: a page may then
stay up to ``MOMENTUM_PAGE_STALE_SECONDS`` (default 5) old for everyone but its writer,
whose next pages are rendered after the write. The first page rendered after it becomes
everyone's copy. Saves and deletions that bypass the services (the admin, the shell) are
caught by signals (``connect_signals``), which call the same ``changed()``.

Today's check-ins on a challenge's page change without anyone writing: a person's check-in
ends at their own midnight. The page compares the stored ``checked_in_until`` with the
time it is rendered, so a cached copy names someone whose day has just ended for at most
the page's 60 s. Checking in is writing an entry, public or private, and every entry
write calls ``changed()``, so a new check-in shows within ``MOMENTUM_PAGE_STALE_SECONDS``
like any added entry. Invite-only pages are never stored: their check-ins are of the
moment.
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser


def changed(
    *,
    public: bool = True,
    only_added: bool = False,
    writer: AbstractBaseUser | None = None,
    own: Iterable[tuple[str, int]] = (),
) -> None:
    """Make stale what a write changed; takes effect when the transaction commits.

    ``public``: visitors could see what was written. ``only_added``: it only added, so
    pages may show it a few seconds late, except to ``writer``. ``own``: the figures of a
    person's own parts it changed, as (figure, person id) pairs, figure one of
    ``reader.OWN``.
    """
    # Imported here: the models import memos from this package, and these import the models.
    from journal.caching import pages, reader

    if public:
        pages.versions_moved(only_added=only_added)
    if writer is not None:
        pages.writer_added(writer.pk)
    for figure, person_id in own:
        reader.forget_own(figure, person_id)


def connect_signals() -> None:
    """Writes that bypass the services still make pages stale."""
    from django.db.models.signals import post_delete, post_save

    from journal.models import Cheer, Comment, Entry, Follow, Notification, Topic, User

    for model in (Entry, Comment, Cheer, Topic, User):
        post_save.connect(_on_save, sender=model, dispatch_uid=f"caching-save-{model.__name__}")
        post_delete.connect(
            _on_cheer_taken_back if model is Cheer else _on_delete,
            sender=model,
            dispatch_uid=f"caching-delete-{model.__name__}",
        )
    for owned, figure, person in (
        (Notification, "unread", "recipient_id"),
        (Cheer, "cheered", "user_id"),
        (Follow, "following", "follower_id"),
    ):

        def forget(
            sender: type, instance: Any, figure: str = figure, person: str = person, **kwargs: Any
        ) -> None:
            changed(public=False, own=[(figure, getattr(instance, person))])

        post_save.connect(forget, sender=owned, weak=False, dispatch_uid=f"own-save-{figure}")
        post_delete.connect(forget, sender=owned, weak=False, dispatch_uid=f"own-delete-{figure}")


# Saves that touch nothing a page shows: every log-in records its time.
_UNSHOWN_FIELDS = frozenset({"last_login"})


def _on_save(
    sender: type, created: bool, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    if update_fields and update_fields <= _UNSHOWN_FIELDS:
        return
    # A new entry, comment or cheer only adds to what pages show; an edit may take away.
    changed(only_added=created)


def _on_delete(sender: type, **kwargs: Any) -> None:
    changed()


def _on_cheer_taken_back(sender: type, **kwargs: Any) -> None:
    # It lowers a count and hides nothing, like the cheer it takes back.
    changed(only_added=True)
