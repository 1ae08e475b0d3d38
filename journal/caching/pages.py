"""Whole reading pages, one copy per audience (the contract is in journal/caching/__init__.py)."""

import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, QueryDict
from django.middleware.csrf import get_token

VERSION_KEY = "pagecache:public-version"
REMOVAL_KEY = "pagecache:removal-version"
PAGE_SECONDS = 60


def _version(key: str) -> int:
    version = cache.get(key)
    if version is None:
        cache.add(key, 1, timeout=None)
        version = cache.get(key, 1)
    return version


def versions_moved(*, only_added: bool) -> None:
    """Move the version a write's kind moves, once its transaction commits."""
    transaction.on_commit(_bump if only_added else _bump_removal)


def writer_added(person_id: int) -> None:
    """The person ``person_id`` added something: the pages they read next are rendered after it."""
    transaction.on_commit(
        lambda: cache.set(_added_key(person_id), time.time(), settings.MOMENTUM_PAGE_STALE_SECONDS)
    )


def _added_key(pk: int) -> str:
    return f"pagecache:added-by:{pk}"


def _bump() -> None:
    _incr(VERSION_KEY)


def _bump_removal() -> None:
    # Alone, as it rules out every page rendered before it whatever their version.
    _incr(REMOVAL_KEY)


def _incr(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered page as the cache keeps it."""

    version: int
    removals: int
    rendered_at: float
    content: bytes
    content_type: str
    # Usernames of the people who must not be served this copy (see shared_page).
    personal_to: frozenset[str]

    def servable(self, versions: tuple[int, int], added_at: float | None) -> bool:
        """Whether the page may be served: nothing was taken away since it was rendered,
        and either nothing was added or it is young and the reader added nothing since."""
        if self.removals != versions[1]:
            return False
        if self.version == versions[0]:
            return True
        age = time.time() - self.rendered_at
        return age < settings.MOMENTUM_PAGE_STALE_SECONDS and (added_at or 0) < self.rendered_at


View = Callable[..., HttpResponse]


def shared_page(
    *, reads: Iterable[str] = (), personal_to: Callable[..., Iterable[str]] | None = None
) -> Callable[[View], View]:
    """Serve a view's GET pages from the cache: to visitors, and to signed-in readers for
    whom the page differs from everyone else's only in their own parts (reader.py).

    ``reads`` names the query parameters the view reads. The view is shown only those, so
    the page it renders depends on nothing the cache key leaves out, and a visitor cannot
    miss the cache by adding parameters of their own (``?x=<random>``).

    ``personal_to(**view_kwargs)`` names, by username, the people for whom the page
    differs beyond those parts (the person a journey is about, say): the shared copy is
    never served to them, and what is rendered for them is never kept. Staff and suspended
    people always see pages of their own.
    """

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            query = _keep_only(request, reads)
            audience = _audience(request)
            if audience is None:
                return view(request, *args, **kwargs)
            path = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
            key = f"pagecache:{_release()}:{audience}:{path}"
            # The versions, the page and when this reader last added something, in one trip.
            keys = [VERSION_KEY, REMOVAL_KEY, key]
            added_key = None
            if audience == READER and request.user.pk is not None:
                added_key = _added_key(request.user.pk)
                keys.append(added_key)
            found = cache.get_many(keys)
            versions = (
                found.get(VERSION_KEY) or _version(VERSION_KEY),
                found.get(REMOVAL_KEY) or _version(REMOVAL_KEY),
            )
            page = found.get(key)
            if page is not None and page.servable(versions, found.get(added_key)):
                if audience == VISITOR:
                    return HttpResponse(page.content, content_type=page.content_type)
                if request.user.username not in page.personal_to:
                    content = _with_own_csrf_token(request, page.content)
                    return HttpResponse(content, content_type=page.content_type)
            # Taken before rendering: a write committed while the view runs may be missing.
            rendered_at = time.time()
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or _personal(request, response, audience):
                return response
            owners = frozenset(personal_to(**kwargs)) if personal_to else frozenset()
            if request.user.get_username() not in owners:
                page = CachedPage(
                    *versions, rendered_at, response.content, response["Content-Type"], owners
                )
                cache.set(key, page, PAGE_SECONDS)
            return response

        return wrapped

    return decorator


def _keep_only(request: HttpRequest, names: Iterable[str]) -> str:
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


def _release() -> str:
    """The release whose static files a page names (css/site.3f2a….css): after a deploy the
    old names may be gone, and app servers share the cache, so each release keeps its own
    pages."""
    return getattr(staticfiles_storage, "manifest_hash", "")


def _audience(request: HttpRequest) -> str | None:
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


def _with_own_csrf_token(request: HttpRequest, content: bytes) -> bytes:
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


def csrf_token(request: HttpRequest) -> str:
    """The request's masked CSRF token, masked once for all the forms of its response.

    Each call of Django's get_token masks the secret anew, a few hundred function calls
    that a page filled in several places would otherwise pay several times.
    """
    secret = request.META.get("CSRF_COOKIE")
    masked = request.META.get(_MASKED)
    if secret is None or masked is None or masked[0] != secret:
        token = get_token(request)
        masked = request.META[_MASKED] = (request.META["CSRF_COOKIE"], token)
    return masked[1]


# Beside Django's own CSRF_COOKIE: the secret it was masked from, and the masked token.
_MASKED = "MOMENTUM_MASKED_CSRF_TOKEN"


def _personal(request: HttpRequest, response: HttpResponseBase, audience: str) -> bool:
    """Whether rendering gave this person something of their own: a session change, a
    cookie, for a visitor a CSRF token (a reader's is swapped for each reader), or a page
    the view marked ``Cache-Control: private`` (an invite-only challenge's)."""
    session = getattr(request, "session", None)
    return bool(
        (audience == VISITOR and request.META.get("CSRF_COOKIE_NEEDS_UPDATE"))
        or "private" in re.split(r"\s*,\s*", response.get("Cache-Control", ""))
        or (session is not None and session.modified)
        or response.cookies
        or getattr(response, "streaming", False)
    )
