"""System checks of the project's own settings (`manage.py check --deploy`)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.http.request import validate_host


@register(Tags.security, deploy=True)
def site_url_is_this_site(app_configs, **kwargs):
    """Links in emails start with DJANGO_SITE_URL: in production it must name a host the
    site answers to, never the development default."""
    host = urlsplit(settings.MOMENTUM_SITE_URL).hostname or ""
    if validate_host(host, settings.ALLOWED_HOSTS) and host not in ("127.0.0.1", "localhost"):
        return []
    return [
        Warning(
            f"DJANGO_SITE_URL is {settings.MOMENTUM_SITE_URL!r}: links in emails would not "
            "reach this site.",
            hint="Set DJANGO_SITE_URL to the site's public address, e.g. https://momentum.example.",
            id="journal.W001",
        )
    ]
