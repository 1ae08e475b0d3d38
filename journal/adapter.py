"""How allauth's accounts behave on Momentum (ACCOUNT_ADAPTER): the username rule.

Apart from journal.forms for the reason journal/login.py gives.
"""

import unicodedata

from allauth.account.adapter import DefaultAccountAdapter
from django.core.validators import RegexValidator

# ASCII only, so that no name can pass for another: a Cyrillic "а" looks exactly like a
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
        "ａlice" is "alice", then taken whatever its case), then ASCII only, then allauth's
        own checks (reserved names, already taken in any case)."""
        username = unicodedata.normalize("NFKC", username)
        validate_username(username)
        return super().clean_username(username, shallow=shallow)
