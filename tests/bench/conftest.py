"""A production-like app for the load and fault tests: gunicorn on its own PostgreSQL.

The cluster is a throwaway one (tests/bench/postgres.py) whatever database the rest of
the suite runs on: the fault test has to stop it, and under SQLite the app still runs
on PostgreSQL, as in production. The cache is each worker's local memory rather than
the shared Redis, so that rate-limit counters of concurrent runs never mix.
"""

import types

import pytest

from tests.bench.postgres import ThrowawayPostgres, binaries
from tests.bench.server import Gunicorn, app_env, manage, prepare

WORKERS = 3


@pytest.fixture
def cluster():
    if binaries() is None:
        pytest.skip("needs PostgreSQL's server binaries (initdb, pg_ctl)")
    postgres = ThrowawayPostgres()
    yield postgres
    postgres.destroy()


@pytest.fixture
def make_app(cluster, tmp_path):
    servers = []

    def make(people, **env_extra):
        env = app_env(cluster.url, **env_extra)
        manage(env, "migrate", "--no-input", "-v0")
        manage(env, "seed_scale", f"--users={people}", f"--entries={people * 20}", "-v0")
        manage(env, "collectstatic", "--no-input", "-v0")
        server = Gunicorn(env, workers=WORKERS, log_path=tmp_path / "gunicorn.log")
        servers.append(server)
        targets = prepare(env, "targets")
        return types.SimpleNamespace(
            server=server,
            url=cluster.url,
            people=prepare(env, "sessions", str(people)),
            targets=targets,
            entry_ids=targets["commentable"],
            log_path=tmp_path / "gunicorn.log",
        )

    yield make
    for server in servers:
        server.stop()
