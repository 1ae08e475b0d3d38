"""Shared fixtures: named people (alice, bob, a moderator) and their entries."""

import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from journal import services
from journal.models import Entry, User

# The suite runs with DEBUG off, as production does, but over plain HTTP and without
# the collectstatic manifest that production serves from.
_test_settings = override_settings(
    SECURE_SSL_REDIRECT=False,
    STORAGES={
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    # Tests run inside a transaction that never commits, so the page cache would never
    # hear of their writes; tests/test_pagecache.py and the browser tests turn it on.
    MOMENTUM_PAGE_CACHE=False,
)


def pytest_configure(config):
    _test_settings.enable()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """SQLite tests use a database file, not memory: with an in-memory database pytest-django
    hands one connection to the test and to every live server thread, and two requests
    interleaving on it can read nothing (a browser test was logged out that way)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


PASSWORD = "correct horse battery"


def make_user(username, **fields):
    """A member whose email address is verified, as every account's is before it logs in;
    they joined a week ago and have been welcomed (tests/test_welcome.py is about newcomers).
    """
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("time_zone", "Europe/Paris")
    fields.setdefault("date_joined", timezone.now() - dt.timedelta(days=7))
    fields.setdefault("welcomed_at", fields["date_joined"])
    user = User.objects.create_user(username=username, password=PASSWORD, **fields)
    if user.email:
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    return user


@pytest.fixture
def alice(db):
    return make_user("alice", display_name="Alice Martin")


@pytest.fixture
def bob(db):
    return make_user("bob", display_name="Bob Stone", time_zone="America/New_York")


@pytest.fixture
def moderator(db):
    return make_user("mod", display_name="Mo Derator", is_staff=True)


def write_entry(author, *, day=None, minutes=60, title="Learning", body="Studied.", **fields):
    """An entry through the same service the views use, so Day N and streaks follow."""
    topics = fields.pop("topics", [])
    entry = Entry(
        author=author,
        day=day or author.local_today(),
        minutes=minutes,
        title=title,
        body=body,
        **fields,
    )
    return services.entry_save(entry=entry, topic_names=topics)


def days_ago(author, n):
    return author.local_today() - dt.timedelta(days=n)


def queries_for(client, url):
    """How many SQL queries a GET of ``url`` runs, after a first request warms caches up."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


class FrozenClock:
    """django.utils.timezone.now, stopped at ``instant`` until a test moves it."""

    def __init__(self, instant):
        self.instant = instant

    def __call__(self):
        return self.instant


@pytest.fixture
def clock():
    """A stopped clock (set ``clock.instant``), for tests about local days and midnights."""
    frozen = FrozenClock(dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC))
    with mock.patch("django.utils.timezone.now", frozen):
        yield frozen


@pytest.fixture
def allow_private_addresses(settings):
    """Let journal/safefetch.py reach 127.0.0.1, where the tests' servers listen."""
    settings.MOMENTUM_ALLOW_PRIVATE_ADDRESSES = True


class Answer:
    """What the local server answers on one path; ``delay`` seconds before answering."""

    def __init__(self, status=200, body=b"", headers=None, delay=0):
        self.status, self.body, self.headers, self.delay = status, body, headers or {}, delay


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that hangs up mid-answer (a refused size, a timeout) is what some tests
        are about, not an error to print."""


class LocalServer:
    """An HTTP server on 127.0.0.1 answering what a test put in ``answers`` per path (an
    Answer, or a function of the request's headers returning one; 404 otherwise), keeping
    each request it got as (method, path, headers, body)."""

    def __init__(self):
        self.answers = {}
        self.requests = []
        local = self

        class Handler(BaseHTTPRequestHandler):
            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                local.requests.append(
                    (self.command, self.path, dict(self.headers), self.rfile.read(length))
                )
                answer = local.answers.get(self.path, Answer(404, b"Not here"))
                if callable(answer):
                    answer = answer(self.headers)
                time.sleep(answer.delay)
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = answer

            def log_message(self, *args):
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture
def local_server():
    server = LocalServer()
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
