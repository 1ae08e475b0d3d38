"""Personal access tokens for the JSON API: made, found by their secret, revoked.

A secret is ``mmt_`` and 32 random URL-safe characters; only its sha256 is stored, with its
first characters (``prefix``) for the person to recognise it by. The secret is returned
once, by ``token_create``, and can never be shown again.
"""

import datetime as dt
import hashlib
import secrets

from django.utils import timezone

from journal.models import AccessToken, User

SECRET_MARK = "mmt_"
PREFIX_LENGTH = len(SECRET_MARK) + 6
# How stale last_used_at may be before a request writes it again: most requests of a
# script come in bursts, and each would otherwise pay an UPDATE.
LAST_USED_PRECISION = dt.timedelta(minutes=1)
# A secret longer than any we make is no token: refused before it is hashed.
MAX_SECRET_LENGTH = 100


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, person: User, name: str, scope: str) -> tuple[AccessToken, str]:
    """A new token for ``person``; returns it and its secret, which is stored nowhere."""
    secret = SECRET_MARK + secrets.token_urlsafe(24)
    token = AccessToken.objects.create(
        person=person,
        name=name,
        scope=scope,
        prefix=secret[:PREFIX_LENGTH],
        digest=_digest(secret),
    )
    return token, secret


def token_find(secret: str) -> AccessToken | None:
    """The token in force that ``secret`` opens, with its person; None for any other
    string (unknown, revoked, or its person suspended). Notes when it was last used."""
    if not secret.startswith(SECRET_MARK) or len(secret) > MAX_SECRET_LENGTH:
        return None
    token = (
        AccessToken.objects.in_force().select_related("person").filter(digest=_digest(secret))
    ).first()
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        token.last_used_at = now
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def token_revoke(*, token: AccessToken) -> None:
    """Revoke ``token`` for good; it stays listed, marked revoked."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        AccessToken.objects.filter(pk=token.pk).update(revoked_at=token.revoked_at)
