"""allauth's log-in form with labels that say what to type (ACCOUNT_FORMS["login"]).

Apart from journal.forms because allauth imports that module for the sign-up form while
its own forms module is still loading.
"""

from allauth.account.forms import LoginForm as AllauthLoginForm


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or email"
        self.fields["remember"].label = "Keep me logged in on this device"
