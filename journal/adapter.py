"""How allauth's accounts behave on Momentum (ACCOUNT_ADAPTER): the username rule, and the
welcome step on a new person's first arrival.

Apart from journal.forms for the reason journal/login.py gives.
"""

import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from django.core.validators import RegexValidator
from django.urls import reverse

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


def _welcome_url(request):
    if request.user.is_authenticated and request.user.needs_welcome:
        return reverse("journal:welcome")
    return None
