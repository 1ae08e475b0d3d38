"""Concurrent participants for the load and fault tests: a bounded run over loopback.

Each participant writes today's entry from two tabs at once, then comments on and cheers
other people's entries. Every response is logged with how long it took, and every write
the server acknowledged is remembered, so that the tests can look for it in the
database afterwards.
"""

import datetime as dt
import random
import re
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import psycopg
import requests

ENTRY_URL = re.compile(r"/@(?P<username>[^/]+)/(?P<day>\d{4}-\d{2}-\d{2})/$")
COMMENT_URL = re.compile(r"#comment-(?P<id>\d+)$")
COMMENTS_EACH, CHEERS_EACH = 3, 5
TIMEOUT = 20


@dataclass
class Log:
    responses: list = field(default_factory=list)  # (started, seconds, method, path, status)
    entries: list = field(default_factory=list)  # (username, day) acknowledged
    comments: list = field(default_factory=list)  # comment ids acknowledged
    cheers: set = field(default_factory=set)  # (user id, entry id) acknowledged
    lock: threading.Lock = field(default_factory=threading.Lock)

    def statuses(self):
        return [status for *_, status in self.responses]


class Participant:
    def __init__(self, base_url, person, log, retry_until):
        self.base_url = base_url
        self.person = person
        self.log = log
        # While the database is away (503), a participant retries, as the page asks.
        self.retry_until = retry_until

    def tab(self):
        session = requests.Session()
        session.cookies.set("sessionid", self.person["session"])
        return session

    def send(self, session, method, path, **kwargs):
        """One request, retried on 503 until the run's end; the last response."""
        while True:
            started = time.monotonic()
            try:
                response = session.request(
                    method, self.base_url + path, allow_redirects=False, timeout=TIMEOUT, **kwargs
                )
                status = response.status_code
            except requests.RequestException:
                response, status = None, "no answer"
            with self.log.lock:
                self.log.responses.append(
                    (started, time.monotonic() - started, method, path, status)
                )
            if status == 503 and time.monotonic() < self.retry_until:
                time.sleep(0.5)
                continue
            return response

    def form(self, session, path, data):
        token = session.cookies.get("csrftoken")
        return self.send(
            session,
            "POST",
            path,
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.base_url + path},
        )

    def write_today_from_two_tabs(self):
        tabs = [self.tab(), self.tab()]
        for tab in tabs:
            opened = self.send(tab, "GET", "/write/")
            if opened is None or opened.status_code != 200:
                return
        entry = {
            "day": self.person["today"],
            "title": "Load testing",
            "minutes": "60",
            "topic_names": "python, testing",
            "body": "Wrote a **load test** today.",
            "key_lesson": "Every acknowledged write must be there afterwards.",
            "reflection": "",
            "visibility": "public",
        }
        both = threading.Barrier(2)

        def submit(tab):
            both.wait()
            return self.form(tab, "/write/", entry)

        with ThreadPoolExecutor(2) as pool:
            answers = list(pool.map(submit, tabs))
        for answer in answers:
            if answer is not None and answer.status_code == 302:
                found = ENTRY_URL.search(answer.headers["Location"])
                with self.log.lock:
                    self.log.entries.append((found["username"], found["day"]))

    def encourage(self, entry_ids, rng):
        tab = self.tab()
        if self.send(tab, "GET", "/feed/") is None:
            return
        for entry_id in rng.sample(entry_ids, COMMENTS_EACH):
            answer = self.form(
                tab, f"/entries/{entry_id}/comments/", {"body": "Keep going, this is great!"}
            )
            if answer is not None and answer.status_code == 302:
                found = COMMENT_URL.search(answer.headers["Location"])
                with self.log.lock:
                    self.log.comments.append(int(found["id"]))
        for entry_id in rng.sample(entry_ids, CHEERS_EACH):
            answer = self.send(
                tab,
                "POST",
                "/cheers/",
                data={"csrfmiddlewaretoken": tab.cookies.get("csrftoken"), "entry": entry_id},
                headers={"Accept": "application/json", "Referer": self.base_url + "/feed/"},
            )
            if answer is not None and answer.status_code == 200 and answer.json()["cheered"]:
                with self.log.lock:
                    self.log.cheers.add((self.person["id"], entry_id))


def drive(base_url, people, entry_ids, *, clients, until, retry_until=None, seed=1):
    """Participants, ``clients`` at a time, until ``until`` (a monotonic time); the log."""
    log = Log()
    queue = list(people)
    queue_lock = threading.Lock()

    def client(number):
        rng = random.Random(seed * 1000 + number)
        while time.monotonic() < until:
            with queue_lock:
                if not queue:
                    return
                person = queue.pop(0)
            participant = Participant(base_url, person, log, retry_until or until)
            participant.write_today_from_two_tabs()
            # Now and then one of these is the participant's own: cheering it is a 404.
            participant.encourage(entry_ids, rng)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    return log


def check_database(database_url, people, log):
    """What the database holds against what was acknowledged; a list of problems."""
    problems = []
    with psycopg.connect(database_url) as db:
        for person in people:
            (count,) = db.execute(
                "SELECT count(*) FROM journal_entry WHERE author_id = %s AND day = %s",
                [person["id"], person["today"]],
            ).fetchone()
            if count > 1:
                problems.append(f"{person['username']} has {count} entries today")
        for username, day in log.entries:
            found = db.execute(
                "SELECT 1 FROM journal_entry e JOIN journal_user u ON u.id = e.author_id "
                "WHERE u.username = %s AND e.day = %s",
                [username, day],
            ).fetchone()
            if not found:
                problems.append(f"acknowledged entry {username} {day} is missing")
        comments = {
            pk
            for (pk,) in db.execute(
                "SELECT id FROM journal_comment WHERE id = ANY(%s)", [log.comments]
            ).fetchall()
        }
        problems += [f"acknowledged comment {pk} is missing" for pk in set(log.comments) - comments]
        cheers = set(db.execute("SELECT user_id, entry_id FROM journal_cheer").fetchall())
        problems += [f"acknowledged cheer {pair} is missing" for pair in log.cheers - cheers]
        drifted = db.execute(
            """
            SELECT e.id FROM journal_entry e
            WHERE e.cheer_count <> (
                SELECT count(*) FROM journal_cheer c JOIN journal_user u ON u.id = c.user_id
                WHERE c.entry_id = e.id AND NOT u.is_suspended)
            OR e.comment_count <> (
                SELECT count(*) FROM journal_comment c JOIN journal_user u ON u.id = c.author_id
                WHERE c.entry_id = e.id AND c.moderation_state = 'visible'
                AND NOT u.is_suspended)
            """
        ).fetchall()
        problems += [f"entry {pk} counts drifted from its rows" for (pk,) in drifted]
    return problems


# Words of the seeded text (seed_scale's sentences): each matches a large share of all
# entries, so that search has the most candidates to rank.
COMMON_WORDS = [
    "attention", "learning", "index", "tests", "notes", "proof", "model", "data", "cache",
    "benchmark", "questions", "repetition", "ownership", "profiling", "examples",
]  # fmt: skip
# Beyond any page's last page: each number is a page cache key of its own, and numbered
# pages answer one past the end with a redirect to their last page.
LAST_PAGE = (10**6, 10**9)
# The last page of a search that finds the most it ranks (search.CANDIDATES, 20 a page).
LAST_SEARCH_PAGE = 25
# Pages of /people/ that exist at the benchmark's 10,000 people, 24 a page.
PEOPLE_PAGES = (2, 416)


def random_cursor(rng, targets, share=0.5):
    """A valid "Older →" cursor at a random time in the oldest ``share`` of the entries."""
    oldest = dt.datetime.fromisoformat(targets["oldest"])
    newest = dt.datetime.fromisoformat(targets["newest"])
    moment = oldest + (newest - oldest) * rng.random() * share
    return f"{moment.replace(microsecond=0).isoformat()}_{rng.randint(1, 10**6)}"


def _junk(rng):
    return f"x{rng.randint(0, 99)}={rng.getrandbits(64):x}"


def _search_terms(rng):
    words = " or ".join(rng.sample(COMMON_WORDS, rng.randint(3, len(COMMON_WORDS))))
    return f"{words} -{rng.getrandbits(32):x}"[:200]


def worst_inputs(targets):
    """For each anonymous page, how a hostile visitor makes it cost the most, found by
    measurement on the benchmark's dataset: (row name, a function of a random.Random
    giving a fresh path), each path different so that none is served from the page cache."""
    rare, prolific = targets["rare_topics"], targets["prolific"]

    def quote(value):
        return urllib.parse.quote(value, safe="")

    def journey(rng):
        person = rng.choice(prolific)
        first = dt.date.fromisoformat(person["first_day"])
        day = first + dt.timedelta(days=rng.randint(1, 200))
        return f"{person['url']}?before={day.isoformat()}&{_junk(rng)}"

    def board(rng):
        biggest = targets["biggest_challenge"]
        cursor = f"{rng.randint(0, biggest['most_days'])}.{rng.getrandbits(24)}"
        return f"{biggest['url']}?after={cursor}&{_junk(rng)}"

    return [
        ("worst: /?before=<random>", lambda rng: f"/?before={quote(random_cursor(rng, targets))}"),
        (
            "worst: /feed/?topic=<rare>&before=old",
            lambda rng: (
                f"/feed/?topic={rng.choice(rare)}&before={quote(random_cursor(rng, targets))}"
            ),
        ),
        (
            "worst: /topics/?page=<any>",
            lambda rng: f"/topics/?page={rng.randint(*LAST_PAGE)}&{_junk(rng)}",
        ),
        (
            "worst: /topics/<rare>/?before=old",
            lambda rng: f"/topics/{rng.choice(rare)}/?before={quote(random_cursor(rng, targets))}",
        ),
        (
            "worst: /topics/<each>/atom/",
            lambda rng: f"/topics/{rng.choice(targets['all_topics'])}/atom/?{_junk(rng)}",
        ),
        ("worst: /feed/atom/?x=<random>", lambda rng: f"/feed/atom/?{_junk(rng)}"),
        ("worst: /@<prolific>/?before=old", journey),
        ("worst: biggest challenge's board, deep", board),
        (
            "worst: /@<each>/atom/",
            lambda rng: f"{rng.choice(targets['journeys_all'])}atom/?{_junk(rng)}",
        ),
        (
            "worst: entry, most comments",
            lambda rng: f"{rng.choice(targets['most_commented'])}?{_junk(rng)}",
        ),
        (
            "worst: /search/?q=<or, -word>&page=<last>",
            lambda rng: f"/search/?q={quote(_search_terms(rng))}&page={LAST_SEARCH_PAGE}",
        ),
        (
            "worst: /people/?sort=&page=<deep>",
            lambda rng: (
                f"/people/?sort={rng.choice(['current', 'longest', 'newest'])}"
                f"&page={rng.randint(*PEOPLE_PAGES)}"
            ),
        ),
        (
            "worst: /accounts/login/?next=<random>",
            lambda rng: f"/accounts/login/?next={quote('/@' + 'x' * rng.randint(1, 150) + '/')}",
        ),
        (
            # Only negations of common words: PostgreSQL's estimate of the matches halves
            # with each one, so it scans the whole GIN index and rechecks half of all
            # entries, where walking the newest-first index would find 500 matches in a
            # few hundred rows. Last, as such queries may outlast the run.
            "worst: /search/?q=-<common> -<common>...",
            lambda rng: (
                "/search/?q="
                + quote(" ".join(f"-{word}" for word in rng.sample(COMMON_WORDS, 15))[:200])
            ),
        ),
    ]


def junk_inputs(targets):
    """Inputs no page was made for: NUL bytes, values far too long, malformed or extreme
    cursors, negations only, unknown parameters. Each must get a 4xx or the page, never a
    5xx. Functions of a random.Random giving a path, as in worst_inputs."""
    journey = targets["journeys"][0]
    topic = targets["topics"][0]
    return [
        lambda rng: f"/feed/?topic=%00&{_junk(rng)}",
        lambda rng: f"/feed/?before=%00{rng.getrandbits(16)}",
        lambda rng: f"/feed/?before=0001-01-01T00:00:00-23:59_-{rng.randint(1, 9)}",
        lambda rng: f"/feed/?before=9999-12-31T23:59:59%2B14:00_{rng.getrandbits(80)}",
        lambda rng: f"/feed/?before={'9' * rng.randint(500, 3000)}",
        lambda rng: f"/@%00{rng.getrandbits(16)}/",
        lambda rng: f"{journey}?before=%00{rng.getrandbits(16)}",
        lambda rng: f"{journey}?before=0001-01-0{rng.randint(1, 9)}",
        lambda rng: f"{topic}?before={urllib.parse.quote(random_cursor(rng, targets))}%00",
        lambda rng: f"/topics/?page=%00{rng.getrandbits(16)}",
        lambda rng: f"/topics/?page=-{rng.getrandbits(70)}",
        lambda rng: f"/search/?q={'-' * 200}&{_junk(rng)}",
        lambda rng: (
            f"/search/?q={urllib.parse.quote('-attention ' * 20)}&page={rng.randint(2, 99)}"
        ),
        lambda rng: f"/search/?q=attention%00{rng.getrandbits(16)}",
        lambda rng: f"/search/?q={'a' * rng.randint(201, 3000)}",
        lambda rng: f"/search/?q={urllib.parse.quote(chr(34) * rng.randint(1, 200))}",
        lambda rng: f"/people/?sort=%00&page={rng.getrandbits(90)}",
        lambda rng: f"/accounts/login/?next=%00{rng.getrandbits(16)}",
    ]
