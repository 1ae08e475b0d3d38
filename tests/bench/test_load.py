"""Many participants writing at once: no 5xx, one entry per person per day, nothing lost."""

import time

import pytest

from tests.bench.clients import check_database, drive

# Each loads the whole machine: under xdist they share one worker, one at a time.
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

PEOPLE, CLIENTS, SECONDS = 40, 12, 30


def test_concurrent_writes_are_all_kept_and_none_fail(make_app):
    app = make_app(PEOPLE)
    log = drive(
        app.server.url, app.people, app.entry_ids, clients=CLIENTS, until=time.monotonic() + SECONDS
    )

    failures = [r for r in log.responses if r[-1] == "no answer" or r[-1] >= 500]
    assert failures == [], app.log_path.read_text()[-3000:]
    writers = [username for username, _ in log.entries]
    # Both tabs sent today's entry at once, and exactly one of them was taken.
    assert len(writers) == len(set(writers))
    assert len(writers) >= PEOPLE // 2
    assert log.comments
    assert log.cheers
    assert check_database(app.url, app.people, log) == []
