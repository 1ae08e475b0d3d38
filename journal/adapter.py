"""How allauth's accounts behave on Momentum (ACCOUNT_ADAPTER): the username rule, the
welcome step on a new person's first arrival, and account emails that name Momentum.

Apart from journal.forms for the reason journal/login.py gives.
"""

import types
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.validators import RegexValidator
from django.urls import reverse

from journal import emails

# ASCII only, so that no name can pass for another: a Cyrillic a (U+0430) looks exactly like a
# Latin "a", and full-width letters like ordinary ones. Anyone may write their display name
# in any alphabet; the username is the handle in every address (/@alice/).
validate_username = RegexValidator(
    r"\A[A-Za-z0-9][A-Za-z0-9_.-]*\Z",
    "A username uses only the letters a to z, digits, and . _ - (starting with a letter "
    "or digit), so that nobody's name can be made to look like another's. Your display "
    "name can be written in any alphabet.",
)


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        """The username as it will be stored, or a ValidationError: NFKC first (a full-width
        "alice" (U+FF41 for its "a") is "alice", then taken whatever its case), then ASCII only, then allauth's
        own checks (reserved names, already taken in any case)."""
        username = unicodedata.normalize("NFKC", username)
        validate_username(username)
        return super().clean_username(username, shallow=shallow)

    # allauth asks for the signup redirect when the account logs in for the first time
    # (straight after signing up, or on confirming the address from that browser), and for
    # the login redirect afterwards; a ?next= address goes before both. Asking the stored
    # flag on every log-in, rather than catching the first one, welcomes a person who
    # confirmed their address in another browser, and anyone who left the step unanswered.
    def get_signup_redirect_url(self, request):
        return _welcome_url(request) or super().get_signup_redirect_url(request)

    def get_login_redirect_url(self, request):
        return _welcome_url(request) or super().get_login_redirect_url(request)

    # Without django.contrib.sites, allauth names the site, and builds its links, from the
    # request's host: "127.0.0.1:8000" behind a proxy that does not pass the host on.
    # Account emails name Momentum and link to DJANGO_SITE_URL, as every other email does.
    def format_email_subject(self, subject):
        return f"Momentum: {subject}"

    def send_mail(self, template_prefix, email, context):
        links = {key: _on_site(value) for key, value in context.items() if key.endswith("_url")}
        context = {
            **context,
            **links,
            "current_site": types.SimpleNamespace(
                name="Momentum", domain=urlsplit(settings.MOMENTUM_SITE_URL).netloc
            ),
            "site_url": emails.site_url("/"),
        }
        super().send_mail(template_prefix, email, context)


def _on_site(url):
    """An absolute ``url`` moved to DJANGO_SITE_URL (its path, query and fragment kept)."""
    if not isinstance(url, str) or not urlsplit(url).netloc:
        return url
    return emails.site_url(urlunsplit(("", "", *urlsplit(url)[2:])))


def _welcome_url(request):
    if request.user.is_authenticated and request.user.needs_welcome:
        return reverse("journal:welcome")
    return None
