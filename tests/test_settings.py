"""Production settings: the deploy checks, start-up refusing bad variables, security headers."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from tests.conftest import write_entry

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    """Run manage.py in a fresh process with ``env`` (None removes a variable)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key != "REDIS_URL"
    }
    for key, value in env.items():
        if value is None:
            environment.pop(key, None)
        else:
            environment[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**overrides):
    env = {
        "DJANGO_SECRET_KEY": get_random_secret_key(),
        "DJANGO_ALLOWED_HOSTS": "momentum.example",
        "DJANGO_SITE_URL": "https://momentum.example",
    }
    env.update(overrides)
    return env


def test_production_settings_pass_the_deploy_checks_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("site_url", [None, "https://elsewhere.example"])
def test_the_deploy_checks_want_the_sites_own_address_for_links_in_emails(site_url):
    result = manage("check", "--deploy", **production_env(DJANGO_SITE_URL=site_url))
    assert "journal.W001" in result.stderr + result.stdout


def test_the_wsgi_application_keeps_its_start_up_objects_out_of_collections():
    # Full collections walking Django's start-up objects stalled every gunicorn worker at
    # once (momentum/wsgi.py); frozen, they are skipped.
    result = manage(
        "shell", "-c", "import gc, momentum.wsgi; print(gc.get_freeze_count())", **production_env()
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.split()[-1]) > 10_000


def test_debug_is_off_unless_asked_for():
    shown = "from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
    result = manage("shell", "--no-imports", "-c", shown, **production_env())
    assert result.stdout.strip() == "False ['momentum.example']", result.stderr
    result = manage("shell", "--no-imports", "-c", shown, **production_env(DJANGO_DEBUG="true"))
    assert result.stdout.strip().startswith("True"), result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "Ture"])
def test_a_malformed_debug_value_stops_start_up(value):
    result = manage("check", **production_env(DJANGO_DEBUG=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_DEBUG must be one of 1/0, true/false, yes/no, on/off; got '{value}'" in (
        result.stderr
    )


@pytest.mark.parametrize("value", [None, ""])
def test_a_missing_secret_key_stops_start_up(value):
    result = manage("check", **production_env(DJANGO_SECRET_KEY=value))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_postgresql_cancels_a_statement_past_the_timeout():
    # The statement runs in a fresh process, configured as production is, and a second
    # of sleep outlasts the 200 ms the variable allows.
    sleeps = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout'); print(cursor.fetchone()[0])\n"
        "    cursor.execute('SELECT pg_sleep(1)')"
    )
    env = production_env(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        DJANGO_DB_STATEMENT_TIMEOUT_MS="200",
    )
    result = manage("shell", "--no-imports", "-c", sleeps, **env)
    assert result.stdout.strip() == "200ms", result.stderr
    assert "canceling statement due to statement timeout" in result.stderr


# Security headers on every response


@pytest.fixture
def pages(client, alice):
    """Responses of every kind: pages for visitors and members, errors, JSON, the admin."""
    entry = write_entry(alice)
    responses = {
        "home": client.get(reverse("journal:home")),
        "feed": client.get(reverse("journal:feed")),
        "journey": client.get(reverse("journal:journey", args=["alice"])),
        "entry": client.get(entry.get_absolute_url()),
        "login": client.get(reverse("account_login")),
        "signup": client.get(reverse("account_signup")),
        "not found": client.get("/no/such/page/"),
        "admin login": client.get(reverse("admin:login")),
        "redirect": client.get(reverse("journal:write")),
    }
    client.force_login(alice)
    responses |= {
        "write": client.get(reverse("journal:write") + "?day=yesterday"),
        "settings": client.get(reverse("journal:settings")),
        "upload error": client.post(reverse("journal:image_upload"), {}),
        "preview": client.post(reverse("journal:markdown_preview"), {"content": "# Hi"}),
    }
    return responses


def test_every_response_carries_the_security_headers(pages):
    for name, response in pages.items():
        csp = response.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp, name
        assert "style-src 'self'" in csp, name
        assert "default-src 'self'" in csp, name
        assert "frame-ancestors 'none'" in csp, name
        assert "object-src 'none'" in csp, name
        assert "unsafe-inline" not in csp, name
        assert "unsafe-eval" not in csp, name
        assert response["X-Content-Type-Options"] == "nosniff", name
        assert response["Referrer-Policy"] == "same-origin", name
        assert response["X-Frame-Options"] == "DENY", name


def test_no_page_needs_inline_script_or_style(pages):
    # The policy forbids them, so any that were there would simply not run in a browser.
    for name, response in pages.items():
        if not response["Content-Type"].startswith("text/html"):
            continue
        page = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), name
        assert not re.search(r"<style[\s>]", page), name
        assert not re.search(r"\sstyle=\"", page), name
        assert not re.search(r"\son[a-z]+=\"", page), name
