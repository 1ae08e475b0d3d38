"""The app as in production, on loopback: gunicorn, DEBUG off, PostgreSQL.

Shared by `make bench` (tests/bench/run.py) and the load and fault tests.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOOPBACK = "127.0.0.1"


def free_port():
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def app_env(database_url, **extra):
    """The environment of a production-like process on plain HTTP over loopback."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-only-" + "k" * 40,
        DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0",
        DJANGO_ALLOWED_HOSTS=LOOPBACK,
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def manage(env, *args, capture=False):
    """Run manage.py in its own process with ``env``; its standard output when captured."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout


def prepare(env, *args):
    """tests/bench/prepare.py run against ``env``'s database; its JSON answer."""
    import json

    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.prepare", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout)


class Gunicorn:
    """gunicorn serving momentum.wsgi on 127.0.0.1; stop() ends it and its workers."""

    def __init__(self, env, *, workers, log_path, port=None):
        self.port = port or free_port()
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "momentum.wsgi",
                "--bind",
                f"{LOOPBACK}:{self.port}",
                "--workers",
                str(workers),
                # A worker stuck longer than this is killed and its request gets a 502:
                # the tests would see it.
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def pids(self):
        """The master's and its workers' process ids."""
        pids = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.append(int(stat.parent.name))
        return pids

    def rss_bytes(self):
        """Resident memory of the master and its workers together, right now."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
            except OSError:
                continue
        return total

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
