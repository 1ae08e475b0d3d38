"""The Django admin's site: open to people who may moderate, logged into through allauth.

Installed in place of Django's by momentum.apps.AdminConfig (INSTALLED_APPS).
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.views import LoginView, redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        """User.can_moderate, the rule of every staff power: a suspended member of staff
        is refused everywhere in the admin."""
        return request.user.is_authenticated and request.user.can_moderate

    def login(self, request, extra_context=None):
        """Send people to the site's log-in page, where allauth's rate limits hold: the
        admin's own form checks passwords without any limit."""
        next_url = LoginView().get_redirect_url(request) or reverse(
            "admin:index", current_app=self.name
        )
        if not request.user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not self.has_permission(request):
            # Signed in without the right to be here: sending them to log in would only
            # bring them back.
            raise PermissionDenied
        return redirect(next_url)
