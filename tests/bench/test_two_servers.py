"""Several machines: two gunicorn instances, two schedulers and two workers on one
PostgreSQL and one Redis. A new entry written through one instance is read through the
other within the documented delay (docs/architecture.md: a write that only adds may leave
others a page up to DJANGO_PAGE_STALE_SECONDS old), and each reminder goes out once however
many schedulers and workers race for it."""

import subprocess
import sys
import time
import urllib.request

import pytest
import redis

from tests.bench.run import send, write_request
from tests.bench.server import ROOT, Gunicorn, app_env, manage, prepare

pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

# A Redis database of its own: the suite's other users of the local Redis never see it.
REDIS_URL = "redis://127.0.0.1:6379/9"
DUE = 12
# The documented delay (momentum/settings.py's default), and a second of slack for the
# requests themselves.
STALE_SECONDS = 5
SLACK_SECONDS = 1


def read(server, path):
    with urllib.request.urlopen(server.url + path, timeout=30) as response:
        return response.read().decode()


def seconds_until_shown(server, path, text):
    """How long until ``path`` read through ``server`` shows ``text``, asking 4 times a
    second; None when it did not within the delay and its slack."""
    started = time.monotonic()
    while (waited := time.monotonic() - started) <= STALE_SECONDS + SLACK_SECONDS:
        if text in read(server, path):
            return waited
        time.sleep(0.25)
    return None


def run_together(env, *commands):
    """Each command as its own `manage.py` process, all at once; fails if any fails."""
    processes = [
        subprocess.Popen([sys.executable, "manage.py", *command], cwd=ROOT, env=env)
        for command in commands
    ]
    assert [process.wait(timeout=300) for process in processes] == [0] * len(processes)


def test_two_servers_and_two_workers_share_one_database_and_one_cache(cluster, tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    outbox = tmp_path / "outbox"
    env = app_env(
        cluster.url,
        REDIS_URL=REDIS_URL,
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(outbox),
    )
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "seed_scale", "--users=40", "--entries=400", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    log = tmp_path / "gunicorn.log"
    first = Gunicorn(env, workers=1, log_path=log)
    second = Gunicorn(env, workers=1, log_path=log)
    try:
        person = prepare(env, "sessions", "1")[0]
        journey = f"/@{person['username']}/"
        # The second instance has the pages cached from before the write.
        assert "Benchmarking my learning" not in read(second, journey)
        assert "Benchmarking my learning" not in read(second, "/feed/")

        method, path, cookie, body = write_request(person)
        assert send(first.url + path, method, cookie, body)[0] == 302

        for path in (journey, "/feed/"):
            assert seconds_until_shown(second, path, "Benchmarking my learning") is not None
    finally:
        first.stop()
        second.stop()

    assert prepare(env, "reminders-due", str(DUE))["due"] == DUE
    run_together(env, ["schedule"], ["schedule"])
    worker = ["db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    run_together(env, worker, worker)
    emails = [
        line
        for message in outbox.iterdir()
        for line in message.read_text().splitlines()
        if line.startswith("Subject: ") and line.endswith(" is waiting for you")
    ]
    assert len(emails) == DUE, emails
    assert prepare(env, "reminders-sent") == {"sent": DUE, "failed": 0}
