"""Hostile visitors beside readers and writers: readers stay fast, nothing fails or is lost.

Four clients send each anonymous page's most expensive inputs (tests/bench/clients.py,
as `make bench` measures them), a fresh one every request so that the page cache serves
none, mixed with junk no page was made for. Meanwhile readers read ordinary pages and
participants write, comment and cheer.
"""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.bench.clients import TIMEOUT, check_database, drive, junk_inputs, worst_inputs
from tests.bench.server import Gunicorn, app_env

# Each loads the whole machine: under xdist they share one worker, one at a time.
pytestmark = [pytest.mark.load, pytest.mark.xdist_group("load")]

PEOPLE, WRITERS, READERS, HOSTILE, SECONDS = 60, 3, 6, 4, 20
READERS_P99_SECONDS = 1.0
# Readers read at a person's pace; hostile clients send their next request at once.
READING_SECONDS = (0.1, 0.5)
SIGNED_IN_READERS = 3


def visit(base_url, choose, until, seed, session_key=None, pause=(0, 0)):
    """GET ``choose(rng)`` again and again until ``until``, ``pause`` seconds apart (a
    range); (path, seconds, status) each."""
    rng = random.Random(seed)
    session = requests.Session()
    if session_key:
        session.cookies.set("sessionid", session_key)
    answers = []
    while time.monotonic() < until:
        path = choose(rng)
        started = time.monotonic()
        try:
            response = session.get(base_url + path, allow_redirects=False, timeout=TIMEOUT)
            status = response.status_code
        except requests.RequestException as error:
            status = f"no answer: {error}"
        answers.append((path, time.monotonic() - started, status))
        time.sleep(rng.uniform(*pause))
    return answers


def hostile_input(targets):
    """A worst or a junk input, fresh each time."""
    makers = [make for _, make in worst_inputs(targets)] + junk_inputs(targets)
    return lambda rng: rng.choice(makers)(rng)


def ordinary_pages(targets):
    pages = [
        "/", "/feed/", "/topics/", "/people/", "/search/?q=attention",
        *targets["topics"][:3], *targets["journeys"][:5], *targets["entries"][:5],
    ]  # fmt: skip
    return lambda rng: rng.choice(pages)


def p99(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def test_hostile_visitors_leave_readers_fast_and_writes_whole(make_app):
    app = make_app(PEOPLE)
    readers_signed_in = app.people[-SIGNED_IN_READERS:]
    writers = app.people[:-SIGNED_IN_READERS]
    pages = ordinary_pages(app.targets)
    url = app.server.url
    until = time.monotonic() + SECONDS
    logs = []
    writing = threading.Thread(
        target=lambda: logs.append(drive(url, writers, app.entry_ids, clients=WRITERS, until=until))
    )
    writing.start()
    with ThreadPoolExecutor(HOSTILE + READERS) as pool:
        attacks = [
            pool.submit(visit, url, hostile_input(app.targets), until, seed)
            for seed in range(HOSTILE)
        ]
        reads = [
            pool.submit(
                visit, url, pages, until, 100 + number,
                readers_signed_in[number]["session"] if number < SIGNED_IN_READERS else None,
                READING_SECONDS,
            )
            for number in range(READERS)
        ]  # fmt: skip
        attacked = [answer for future in attacks for answer in future.result()]
        readings = [answer for future in reads for answer in future.result()]
    writing.join(timeout=SECONDS + 60)
    (log,) = logs

    seconds = sorted(seconds for _, seconds, _ in readings)
    broken = sorted(
        {(status, path[:100]) for path, _, status in attacked
         if not isinstance(status, int) or status >= 500}
    )  # fmt: skip
    # Shown when the test fails, whichever assertion it is.
    print(
        f"{len(readings)} reads, p50 {seconds[len(seconds) // 2]:.3f} s, "
        f"p99 {p99(seconds):.3f} s, slowest {sorted(readings, key=lambda r: r[1])[-3:]}; "
        f"{len(attacked)} hostile requests, {len(broken)} kinds of 5xx or no answer:",
        *broken, sep="\n",
    )  # fmt: skip
    server_log = app.log_path.read_text()[-3000:]
    assert [r for r in readings if r[-1] != 200] == [], server_log
    assert broken == []
    assert len(attacked) >= HOSTILE * 10
    failed_writes = [r for r in log.responses if r[-1] == "no answer" or r[-1] >= 500]
    assert failed_writes == [], server_log
    assert log.entries
    assert log.comments
    assert log.cheers
    assert check_database(app.url, app.people, log) == []
    assert p99(seconds) < READERS_P99_SECONDS


def queries(response):
    return int(response.headers["X-Query-Count"])


def test_worst_inputs_leave_readers_pages_cached(make_app, tmp_path):
    """A page readers read stays in the cache through a run of worst inputs, and unknown
    parameters are the same page: served with no query at all."""
    app = make_app(20)
    # One worker, so that the page warmed is in the cache the checks read (each worker
    # has a cache of its own here), and few enough worst inputs that it never fills.
    one = Gunicorn(
        app_env(app.url, MOMENTUM_COUNT_QUERIES="1"), workers=1, log_path=tmp_path / "one.log"
    )
    try:
        ordinary = ["/", "/feed/", "/topics/", *app.targets["topics"][:2]]
        for path in ordinary:
            assert requests.get(one.url + path, timeout=TIMEOUT).status_code == 200
        rng = random.Random(7)
        for _, make in worst_inputs(app.targets):
            for _ in range(5):
                answer = requests.get(one.url + make(rng), timeout=TIMEOUT, allow_redirects=False)
                # A page number past the end is sent to the last page's own address.
                assert answer.status_code in (200, 302), answer.url
        for path in ordinary:
            separator = "&" if "?" in path else "?"
            junk = f"{separator}x={rng.getrandbits(64):x}&utm_source={rng.getrandbits(32)}"
            answer = requests.get(one.url + path + junk, timeout=TIMEOUT)
            assert answer.status_code == 200
            assert queries(answer) == 0, f"{path + junk} missed the cache"
    finally:
        one.stop()
