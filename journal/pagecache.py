"""Whole-page caching of what people read, dropped the moment public content changes.

Visitors all see the same landing page, feed, topics, journeys and entries, and signed-in
readers see the same again apart from their own parts, which are slots filled on every
request (journal/viewer.py). So those pages are rendered once per audience and served from
the cache (Redis in production, shared by every app server). Every write that can change
what is shown moves a version number; pages are cached under the version they were
rendered at, so a new entry shows on the very next request. The short expiry bounds what
only time changes, such as "today" in a streak.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.middleware.csrf import get_token

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


def shared_page(view):
    """Serve ``view``'s GET pages from the cache: to visitors, and to signed-in readers for
    whom the page differs from everyone else's only in its slots (journal/viewer.py).

    Staff and suspended people see pages of their own. A view names the people for whom
    its page would differ beyond the slots (the person a journey is about, say) in
    ``response.personal_to``, a set of ids: the copy it renders is never served to them,
    and what it renders for one of them is never kept.
    """

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        audience = _audience(request)
        if audience is None:
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"pagecache:{_release()}:{audience}:{path}"
        # The version and the page in one round trip; the page is good if it was rendered
        # at the current version.
        found = cache.get_many([VERSION_KEY, key])
        version = found.get(VERSION_KEY) or public_version()
        if key in found and found[key][0] == version:
            _, content, content_type, personal_to = found[key]
            if audience == VISITOR:
                return HttpResponse(content, content_type=content_type)
            if request.user.pk not in personal_to:
                content = _with_own_csrf_token(request, content)
                return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        personal_to = getattr(response, "personal_to", frozenset())
        if (
            response.status_code == 200
            and not _personal(request, response, audience)
            and request.user.pk not in personal_to
        ):
            cache.set(
                key,
                (version, response.content, response["Content-Type"], personal_to),
                PAGE_SECONDS,
            )
        return response

    return wrapped


VISITOR, READER = "visitor", "reader"


def _release():
    """The release whose static files a page names (css/site.3f2a….css): after a deploy the
    old names may be gone, and app servers share the cache, so each release keeps its own
    pages."""
    return getattr(staticfiles_storage, "manifest_hash", "")


def _audience(request):
    """Whose shared copy of the page this request may have, or None for a page of its own."""
    if (
        not settings.MOMENTUM_PAGE_CACHE
        or request.method not in ("GET", "HEAD")
        or len(messages.get_messages(request))
    ):
        return None
    user = request.user
    if not user.is_authenticated:
        return VISITOR
    if user.is_staff or user.is_suspended:
        return None
    return READER


# Only our templates write this attribute pair: people's text has its quotes escaped.
CSRF_VALUE = b'name="csrfmiddlewaretoken" value="'


def _with_own_csrf_token(request, content):
    """The page's forms carry the token of whoever rendered it; each reader needs their own.

    Found with bytes.find and swapped with replace, several times cheaper than a regular
    expression over a large page.
    """
    rendered_with = set()
    start = content.find(CSRF_VALUE)
    while start != -1:
        value = start + len(CSRF_VALUE)
        end = content.index(b'"', value)
        rendered_with.add(content[value:end])
        start = content.find(CSRF_VALUE, end)
    own = csrf_token(request).encode()
    for token in rendered_with:
        content = content.replace(CSRF_VALUE + token + b'"', CSRF_VALUE + own + b'"')
    return content


def csrf_token(request):
    """The request's masked CSRF token, masked once for all the forms of its response.

    Each call of Django's get_token masks the secret anew, a few hundred function calls
    that a page filled in several places would otherwise pay several times.
    """
    secret = request.META.get("CSRF_COOKIE")
    masked = getattr(request, "_masked_csrf_token", None)
    if secret is None or masked is None or masked[0] != secret:
        token = get_token(request)
        masked = request._masked_csrf_token = (request.META["CSRF_COOKIE"], token)
    return masked[1]


def _personal(request, response, audience):
    """Whether rendering gave this person something of their own: a session change, a
    cookie, or for a visitor a CSRF token (a reader's is swapped for each reader)."""
    session = getattr(request, "session", None)
    return (
        (audience == VISITOR and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or (session is not None and session.modified)
        or response.cookies
        or getattr(response, "streaming", False)
    )


# Saves that touch nothing a page shows: every log-in records its time.
_UNSHOWN_FIELDS = frozenset({"last_login"})


def _on_write(sender, update_fields=None, **kwargs):
    if update_fields and update_fields <= _UNSHOWN_FIELDS:
        return
    public_content_changed()


def connect_signals():
    """Saving or deleting any of these can change a public page."""
    from journal.models import Cheer, Comment, Entry, Topic, User

    for model in (Entry, Comment, Cheer, Topic, User):
        post_save.connect(_on_write, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(
            _on_write, sender=model, dispatch_uid=f"pagecache-delete-{model.__name__}"
        )
