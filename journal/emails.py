"""The one way Momentum's own emails are made: a plain-text and an HTML part on the shared
templates (templates/email/base.html and base.txt), links to DJANGO_SITE_URL, and one-click
unsubscribe (RFC 8058) by a signed token that names the person and the kind of email.

The worker sends these without a request, so every link starts with ``site_url()``.
"""

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from journal.models import Delivery, User

# The salt of the first reminder tokens, kept so that their links still work.
UNSUBSCRIBE_SALT = "journal.reminders.unsubscribe"

# Each kind of email: the switch on User that turns it off, and how the footer and the
# unsubscribe page name it.
KINDS: dict[str, tuple[str, str]] = {
    Delivery.Kind.REMINDER: ("remind_by_email", "reminders"),
    Delivery.Kind.NOTIFICATIONS: ("email_notifications", "notification emails"),
    Delivery.Kind.DIGEST: ("email_digest", "the weekly digest"),
}


def site_url(path: str) -> str:
    """``path`` as an absolute address on the site (DJANGO_SITE_URL)."""
    return settings.MOMENTUM_SITE_URL + path


def unsubscribe_token(person: User, kind: str) -> str:
    """A signed token that turns ``kind`` of email off for ``person``, without logging in."""
    return signing.dumps([person.pk, kind], salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_target(token: str) -> tuple[User, str] | None:
    """The person and kind ``token`` was made for, or None when we did not sign it. A bare
    person id is a reminder's token from before there were other kinds."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    match payload:
        case int() as pk:
            kind = Delivery.Kind.REMINDER.value
        case [int() as pk, str() as kind] if kind in KINDS:
            pass
        case _:
            return None
    person = User.objects.filter(pk=pk).first()
    return (person, kind) if person else None


def kind_name(kind: str) -> str:
    return KINDS[kind][1]


def email_message(
    *, person: User, kind: str, subject: str, template: str, context: dict[str, Any]
) -> EmailMultiAlternatives:
    """The email of ``kind`` to ``person``: ``email/<template>.txt`` and ``.html`` (each
    extending the shared base), with the unsubscribe link in the footer and the headers."""
    unsubscribe_url = site_url(
        reverse("journal:unsubscribe", args=[unsubscribe_token(person, kind)])
    )
    context = {
        "person": person,
        "subject": subject,
        "kind_name": kind_name(kind),
        "site_url": site_url("/"),
        "settings_url": site_url(reverse("journal:settings"))
        + ("#reminders" if kind == Delivery.Kind.REMINDER else "#emails"),
        "unsubscribe_url": unsubscribe_url,
        **context,
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"email/{template}.txt", context),
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string(f"email/{template}.html", context), "text/html")
    return message
