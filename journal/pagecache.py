"""Whole-page caching of what visitors read, dropped the moment public content changes.

Visitors all see the same landing page, feed, topics, journeys and entries, so those pages
are rendered once and served from the cache (Redis in production, shared by every app
server). Every write that can change what a visitor sees moves a version number; pages are
cached under the version they were rendered at, so a new entry shows on the very next
request. The short expiry bounds what only time changes, such as "today" in a streak.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

VERSION_KEY = "pagecache:public-version"
PAGE_SECONDS = 60


def public_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def public_content_changed():
    """Call after any write visitors could see; takes effect when the transaction commits."""
    transaction.on_commit(_bump)


def _bump():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, timeout=None)


def for_visitors(view):
    """Serve ``view``'s GET pages to signed-out visitors from the cache."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if (
            not settings.MOMENTUM_PAGE_CACHE
            or request.method not in ("GET", "HEAD")
            or request.user.is_authenticated
            or len(messages.get_messages(request))
        ):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"pagecache:{public_version()}:{path}"
        cached = cache.get(key)
        if cached is not None:
            content, content_type = cached
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not _personal(request, response):
            cache.set(key, (response.content, response["Content-Type"]), PAGE_SECONDS)
        return response

    return wrapped


def _personal(request, response):
    """Whether rendering gave this visitor something of their own: a CSRF token for a form,
    a session, a cookie."""
    session = getattr(request, "session", None)
    return (
        request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or (session is not None and session.modified)
        or response.cookies
        or getattr(response, "streaming", False)
    )


def _on_write(sender, **kwargs):
    public_content_changed()


def connect_signals():
    """Saving or deleting any of these can change a public page."""
    from journal.models import Cheer, Comment, Entry, Topic, User

    for model in (Entry, Comment, Cheer, Topic, User):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(
            _on_write, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
        )
