"""Whole-page caching of what people read, kept until public content changes.

Visitors all see the same landing page, feed, topics, journeys and entries, and signed-in
readers see the same again apart from their own parts, which are slots filled on every
request (journal/viewer.py). So those pages are rendered once per audience and served from
the cache (Redis in production, shared by every app server). Every write that can change
what is shown moves one of two version numbers, and pages are cached under the versions
they were rendered at. A write that takes something away or changes it (an edit, a
deletion, a private entry, moderation) moves the second, and a page rendered before it is
never served again: it shows on the very next request. A write that only adds (a new
entry, cheer or comment) lets a page stay up to MOMENTUM_PAGE_STALE_SECONDS old for
everyone but the person who wrote it: in a community where somebody cheers every second,
a page rendered again on every change would hardly ever come from the cache. The short
expiry bounds what only time changes, such as "today" in a streak.
"""

import functools
import hashlib
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse, QueryDict
from django.middleware.csrf import get_token

VERSION_KEY = "pagecache:public-version"
REMOVAL_KEY = "pagecache:removal-version"
PAGE_SECONDS = 60


def _version(key):
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def public_content_changed(*, only_added=False):
    """Call after any write visitors could see; takes effect when the transaction commits.

    ``only_added``: the write added something and took nothing away or changed it, so
    pages may show it a few seconds late (see writer_sees_own_additions).
    """
    transaction.on_commit(_bump if only_added else _bump_removal)


def writer_sees_own_additions(user):
    """``user`` added something: the pages they read next are ones rendered after it."""
    transaction.on_commit(
        lambda: cache.set(_added_key(user.pk), time.time(), settings.MOMENTUM_PAGE_STALE_SECONDS)
    )


def _added_key(pk):
    return f"pagecache:added-by:{pk}"


def _bump():
    _incr(VERSION_KEY)


def _bump_removal():
    # Alone, as it rules out every page rendered before it whatever their version.
    _incr(REMOVAL_KEY)


def _incr(key):
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def _servable(page, versions, added_at):
    """Whether a cached ``page`` may be served: nothing was taken away since it was
    rendered, and either nothing was added or it is young and the reader added nothing."""
    version, removals, rendered_at = page[:3]
    if removals != versions[1]:
        return False
    if version == versions[0]:
        return True
    age = time.time() - rendered_at
    return age < settings.MOMENTUM_PAGE_STALE_SECONDS and (added_at or 0) < rendered_at


def shared_page(*, reads=()):
    """Serve a view's GET pages from the cache: to visitors, and to signed-in readers for
    whom the page differs from everyone else's only in its slots (journal/viewer.py).

    ``reads`` names the query parameters the view reads. The view is shown only those, so
    the page it renders depends on nothing the cache key leaves out, and a visitor cannot
    miss the cache by adding parameters of their own (``?x=<random>``).

    Staff and suspended people see pages of their own. A view names the people for whom
    its page would differ beyond the slots (the person a journey is about, say) in
    ``response.personal_to``, a set of ids: the copy it renders is never served to them,
    and what it renders for one of them is never kept.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            query = _keep_only(request, reads)
            audience = _audience(request)
            if audience is None:
                return view(request, *args, **kwargs)
            path = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
            key = f"pagecache:{_release()}:{audience}:{path}"
            # The versions, the page and when this reader last added something, in one trip.
            keys = [VERSION_KEY, REMOVAL_KEY, key]
            added_key = _added_key(request.user.pk) if audience == READER else None
            if added_key:
                keys.append(added_key)
            found = cache.get_many(keys)
            versions = (
                found.get(VERSION_KEY) or _version(VERSION_KEY),
                found.get(REMOVAL_KEY) or _version(REMOVAL_KEY),
            )
            if key in found and _servable(found[key], versions, found.get(added_key)):
                *_, content, content_type, personal_to = found[key]
                if audience == VISITOR:
                    return HttpResponse(content, content_type=content_type)
                if request.user.pk not in personal_to:
                    content = _with_own_csrf_token(request, content)
                    return HttpResponse(content, content_type=content_type)
            # Taken before rendering: a write committed while the view runs may be missing.
            rendered_at = time.time()
            response = view(request, *args, **kwargs)
            personal_to = getattr(response, "personal_to", frozenset())
            if (
                response.status_code == 200
                and not _personal(request, response, audience)
                and request.user.pk not in personal_to
            ):
                cache.set(
                    key,
                    (
                        *versions,
                        rendered_at,
                        response.content,
                        response["Content-Type"],
                        personal_to,
                    ),
                    PAGE_SECONDS,
                )
            return response

        return wrapped

    return decorator


def _keep_only(request, names):
    """Leave ``request`` only the query parameters ``names``, in a normal form: each once
    with the value a view's ``request.GET.get`` would read, none empty, sorted. Returns the
    query string, which is also what ``request.get_full_path()`` now gives."""
    kept = QueryDict(mutable=True)
    for name in sorted(names):
        if value := request.GET.get(name):
            kept[name] = value
    query = kept.urlencode()
    request.META["QUERY_STRING"] = query
    request.GET = QueryDict(query)
    return query


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


# The start of the field Django's {% csrf_token %} writes. Nothing a person writes can
# produce it: their text reaches a page with "<" escaped, and nh3 allows no <input>. A
# shorter pattern would also match text in an entry, such as a code span about CSRF.
CSRF_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="'


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


def _on_save(sender, created, update_fields=None, **kwargs):
    if update_fields and update_fields <= _UNSHOWN_FIELDS:
        return
    # A new entry, comment or cheer only adds to what pages show; an edit may take away.
    public_content_changed(only_added=created)


def _on_delete(sender, **kwargs):
    public_content_changed()


def _on_cheer_taken_back(sender, **kwargs):
    # It lowers a count and hides nothing, like the cheer it takes back.
    public_content_changed(only_added=True)


def connect_signals():
    """Saving or deleting any of these can change a public page."""
    from journal.models import Cheer, Comment, Entry, Topic, User

    for model in (Entry, Comment, Cheer, Topic, User):
        post_save.connect(_on_save, sender=model, dispatch_uid=f"pagecache-save-{model.__name__}")
        post_delete.connect(
            _on_cheer_taken_back if model is Cheer else _on_delete,
            sender=model,
            dispatch_uid=f"pagecache-delete-{model.__name__}",
        )
