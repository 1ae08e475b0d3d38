"""Per-process memos of pure functions: they depend only on their arguments, so they are
never stale and need no key or flush."""

import functools

from django.urls import get_script_prefix, reverse


def url(viewname: str, **kwargs: str) -> str:
    """``reverse(viewname, kwargs=kwargs)``, worked out once per process for each address:
    every card and key lesson of a journey links below the journey, and every card to its
    topics, so reverse() would run hundreds of times for a handful of addresses."""
    return _reversed(get_script_prefix(), viewname, tuple(sorted(kwargs.items())))


@functools.lru_cache(maxsize=8192)
def _reversed(script_prefix: str, viewname: str, kwargs: tuple[tuple[str, str], ...]) -> str:
    return reverse(viewname, kwargs=dict(kwargs))
