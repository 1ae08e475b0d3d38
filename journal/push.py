"""Browser push (Web Push, RFC 8030) with VAPID keys from the environment: what a message
holds, and the one call to pywebpush that sends it.

Push is offered only when both keys are set (``enabled()``); otherwise the settings say so
and nothing is queued. A message is small JSON that ``static/sw.js`` shows as a
notification and opens ``url`` when clicked.
"""

import base64
import dataclasses
import json
import re

import requests
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid02, b64urlencode
from pywebpush import WebPushException, webpush

# How long a push service keeps a message for a device that is offline: a reminder or a
# cheer is stale after a day.
TIME_TO_LIVE = 24 * 60 * 60
# Seconds to wait for a push service before the task is retried.
TIMEOUT = 10
# Statuses with which a push service says a subscription is gone for good (RFC 8030 §7.3).
GONE = frozenset({404, 410})


def enabled() -> bool:
    """Whether this Momentum has push keys, so that push can be offered."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def new_vapid_keys() -> tuple[str, str]:
    """A new VAPID key pair, (public, private), as VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY
    take them: the public key as browsers' PushManager.subscribe() wants it."""
    vapid = Vapid02()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


@dataclasses.dataclass(frozen=True)
class Message:
    """What a push notification shows: a title, a line of text, and where a click leads
    (a path on the site). Notifications with the same ``tag`` replace each other."""

    title: str
    body: str
    url: str
    tag: str = "momentum"

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), ensure_ascii=False)


class Gone(Exception):
    """The push service no longer knows the subscription: it is to be removed."""


class Failed(Exception):
    """The push service could not be reached or refused for now: a later attempt may pass."""


def send(info: dict, payload: str) -> None:
    """Encrypt ``payload`` for the subscription ``info`` and hand it to its push service.
    Raises ``Gone`` when the subscription is no longer valid, ``Failed`` otherwise."""
    try:
        webpush(
            subscription_info=info,
            data=payload,
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TIME_TO_LIVE,
            timeout=TIMEOUT,
        )
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE:
            raise Gone(status) from error
        raise Failed(status or str(error)) from error
    except requests.RequestException as error:
        raise Failed(str(error)) from error


# A browser's subscription as its JSON gives it (PushSubscription.toJSON()).
ENDPOINT_MAX = 500
# The client's P-256 public key is 65 bytes (87 base64url characters unpadded); its auth
# secret 16 bytes (22). A little room for padding.
KEY_LENGTHS = {"p256dh": (65, 100), "auth": (16, 50)}
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")


def key_bytes(value: object, *, name: str) -> str | None:
    """``value`` when it is a base64url key of the right size for ``name``, else None."""
    size, max_chars = KEY_LENGTHS[name]
    if not isinstance(value, str) or len(value) > max_chars or not BASE64URL.match(value):
        return None
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None
    return value if len(decoded) == size else None


# Browsers named in settings, first match wins (Edge and Opera also say "Chrome").
BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"))
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS", "macOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str) -> str:
    """A browser and system in words ("Firefox on Android") from a User-Agent header."""
    browser = next((name for mark, name in BROWSERS if mark in user_agent), None)
    if browser is None:
        browser = "Safari" if "Safari/" in user_agent else "A browser"
    system = next((name for mark, name in SYSTEMS if mark in user_agent), None)
    return f"{browser} on {system}" if system else browser
