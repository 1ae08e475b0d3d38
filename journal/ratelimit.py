"""Rate limits on the writes people can repeat: entries, comments, cheers, reports, uploads.

Counts live in Django's cache, which is Redis in production, so a limit holds across
every process and server. Sign-up, log-in and password reset are limited by allauth's
own ACCOUNT_RATE_LIMITS, on the same cache and with the same 429 page.
"""

import functools
import time

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render


def client_key(request):
    """Who is asking: the account when signed in, else the client's address as allauth
    reads it for its own limits (behind DJANGO_TRUSTED_PROXY_COUNT proxies)."""
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    return f"ip:{get_adapter(request).get_client_ip(request)}"


def hit(scope, request):
    """Count one request in ``scope``; False when it goes over the scope's limit."""
    limit, period = settings.MOMENTUM_RATE_LIMITS[scope]
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{client_key(request)}:{window}"
    # Most windows see a single request (one entry a day): add() alone counts it.
    if cache.add(key, 1, timeout=period):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            # The window's key expired between add and incr: this is its first request.
            cache.set(key, 1, timeout=period)
            count = 1
    return count <= limit


def retry_after(scope):
    """Seconds until ``scope``'s current window ends and its count starts again."""
    _, period = settings.MOMENTUM_RATE_LIMITS[scope]
    return period - int(time.time()) % period


def too_many_requests(request):
    return render(request, "429.html", status=429)


def rate_limited(scope):
    """Limit a view's POST requests in ``scope`` (see MOMENTUM_RATE_LIMITS)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and not hit(scope, request):
                return too_many_requests(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
