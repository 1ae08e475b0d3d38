"""PostgreSQL restarted mid-run: a quick friendly 503, recovery by itself, nothing lost."""

import threading
import time

import pytest
import requests

from tests.bench.clients import Participant, check_database, drive

# Each loads the whole machine: under xdist they share one worker, one at a time.
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

# More people than the clients get through before the restart, so that writes, reads of
# cached pages and cheers are all under way while the database is away.
PEOPLE, CLIENTS = 300, 8
BEFORE, OUTAGE, AFTER = 5, 4, 10
# A request during the outage is answered within this (psycopg's connect_timeout is 3 s).
PATIENCE = 5
RECOVERY = 5


def test_a_database_restart_costs_a_few_503s_and_no_writes(make_app, cluster):
    app = make_app(PEOPLE)
    # One person writes only once the database is back, however fast the others went.
    *crowd, latecomer = app.people
    until = time.monotonic() + BEFORE + OUTAGE + AFTER
    logs = []
    run = threading.Thread(
        target=lambda: logs.append(
            drive(app.server.url, crowd, app.entry_ids, clients=CLIENTS, until=until)
        )
    )
    run.start()
    time.sleep(BEFORE)
    down = time.monotonic()
    cluster.stop()
    page = requests.get(app.server.url + "/feed/", timeout=PATIENCE)
    time.sleep(OUTAGE)
    cluster.start()
    up = time.monotonic()
    while requests.get(app.server.url + "/healthz", timeout=PATIENCE).status_code != 200:
        assert time.monotonic() - up < RECOVERY, "the app did not recover by itself"
        time.sleep(0.1)
    run.join(timeout=BEFORE + OUTAGE + AFTER + 60)
    (log,) = logs
    Participant(app.server.url, latecomer, log, retry_until=0).write_today_from_two_tabs()

    assert page.status_code == 503
    assert "Back in a moment" in page.text
    assert page.headers["Retry-After"]
    statuses = log.statuses()
    wrong = [r for r in log.responses if r[-1] == "no answer" or (r[-1] >= 500 and r[-1] != 503)]
    assert wrong == [], app.log_path.read_text()[-3000:]
    assert max(seconds for _, seconds, *_ in log.responses) < PATIENCE
    during = [r for r in log.responses if down <= r[0] <= up and r[-1] == 503]
    assert during, "no request met the outage"
    assert latecomer["username"] in {username for username, _ in log.entries}, (
        "no write succeeded after the restart"
    )
    assert 503 in statuses
    assert check_database(app.url, app.people, log) == []
