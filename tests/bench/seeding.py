"""Fill a database with a community at scale, for benchmarks and query-plan tests
(``manage.py seed_scale``, ``seed()``).

Everything is planned in memory first and written with bulk inserts: COPY on PostgreSQL
(ten times faster than INSERT), bulk_create elsewhere. The figures the app keeps
denormalised (each person's streaks and totals, each entry's cheer and comment counts,
Day N) are computed from the very rows written, so the result is what the app itself
would have stored.

Journeys end on each person's local yesterday at the latest, so that everyone can still
write today's entry (the benchmark and load tests rely on that), and a "yesterday"
entry keeps a current streak alive.
"""

import contextlib
import datetime as dt
import random
import threading
import time
import zoneinfo
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from journal import services
from journal.markdown import render_markdown
from journal.models import (
    Challenge,
    Cheer,
    Comment,
    Entry,
    Follow,
    ModerationAction,
    Notification,
    Participation,
    Report,
    Topic,
    User,
)
from journal.streaks import compute_stats

# The longest journey: about two years of days.
SPAN_DAYS = 730
# Each markdown pool is rendered once and its items reused: rendering a million
# bodies would take longer than the whole load.
BODY_POOL = 400
REFLECTION_POOL = 250
COMMENT_POOL = 150
# Means of the exponential draws behind each public entry's cheers and comments (scaled by
# its author's popularity): about 1.5 cheers and 0.25 comments per entry.
CHEER_MEAN = 2.0
COMMENT_MEAN = 0.6
BULK_BATCH = 2000
# Challenges people started (one for every ten people, up to this), besides the site's own
# one that everyone is in; their sizes are drawn around a mean, with a long tail capped here.
CHALLENGES = 999
CHALLENGE_MEAN_SIZE = 10
CHALLENGE_MAX_SIZE = 2000
# How many people have their challenge figures counted in one go.
RECOUNT_BATCH = 500
UTC = dt.UTC

ZONES = [
    ("Europe/London", 8), ("Europe/Paris", 8), ("Europe/Berlin", 7), ("Europe/Madrid", 4),
    ("Europe/Warsaw", 3), ("Europe/Kyiv", 2), ("Africa/Lagos", 3), ("Africa/Nairobi", 2),
    ("Africa/Accra", 1), ("Asia/Kolkata", 12), ("Asia/Shanghai", 6), ("Asia/Tokyo", 4),
    ("Asia/Singapore", 3), ("Asia/Jakarta", 3), ("Asia/Dubai", 2), ("Australia/Sydney", 3),
    ("Pacific/Auckland", 1), ("America/New_York", 10), ("America/Chicago", 5),
    ("America/Denver", 2), ("America/Los_Angeles", 7), ("America/Mexico_City", 3),
    ("America/Sao_Paulo", 5), ("America/Bogota", 2), ("UTC", 2),
]  # fmt: skip
GOALS = [(60, 70), (30, 10), (45, 6), (90, 8), (120, 6)]
FIRST_NAMES = [
    "Ada",
    "Malik",
    "Sofia",
    "Kenji",
    "Amara",
    "Lucas",
    "Priya",
    "Chen",
    "Fatima",
    "Noah",
    "Ines",
    "Ravi",
    "Olga",
    "Tomas",
    "Aisha",
    "Mateo",
    "Yuki",
    "Leila",
    "Omar",
    "Hana",
    "Diego",
    "Zara",
    "Ivan",
    "Mei",
    "Kofi",
    "Elena",
    "Arjun",
    "Nadia",
    "Felix",
    "Mira",
]
LAST_NAMES = [
    "Park",
    "Osei",
    "Ruiz",
    "Mori",
    "Okafor",
    "Silva",
    "Sharma",
    "Wei",
    "Haddad",
    "Berg",
    "Costa",
    "Rao",
    "Petrova",
    "Novak",
    "Khan",
    "Lopez",
    "Tanaka",
    "Nasser",
    "Ali",
    "Kim",
    "Torres",
    "Nkosi",
    "Ivanova",
    "Lin",
    "Mensah",
    "Popescu",
    "Iyer",
    "Rahman",
    "Weber",
    "Cruz",
]
# The popular topics first: their popularity falls off as in any community (Zipf).
POPULAR_TOPICS = [
    "python",
    "machine learning",
    "llmops",
    "computer vision",
    "deep learning",
    "data science",
    "statistics",
    "rust",
    "javascript",
    "sql",
    "linear algebra",
    "pytorch",
    "algorithms",
    "system design",
    "kubernetes",
    "go",
    "nlp",
    "reinforcement learning",
    "react",
    "typescript",
    "docker",
    "mlops",
    "probability",
    "calculus",
    "distributed systems",
    "databases",
    "postgresql",
    "aws",
    "security",
    "compilers",
    "operating systems",
    "networking",
    "transformers",
    "diffusion models",
    "graph neural networks",
    "time series",
    "recommender systems",
    "optimisation",
    "functional programming",
    "haskell",
    "elixir",
    "embedded systems",
    "robotics",
    "quantum computing",
    "bioinformatics",
    "finance",
    "economics",
    "writing",
    "spanish",
    "japanese",
    "music theory",
    "design",
    "product management",
    "leetcode",
]
QUALIFIERS = [
    "applied",
    "bayesian",
    "causal",
    "classical",
    "computational",
    "differential",
    "discrete",
    "federated",
    "generative",
    "geometric",
    "high-performance",
    "interpretable",
    "numerical",
    "probabilistic",
    "real-time",
    "robust",
    "scalable",
    "self-supervised",
    "sparse",
    "stochastic",
]
SUBJECTS = [
    "inference",
    "optimisation",
    "graphics",
    "geometry",
    "signal processing",
    "control",
    "cryptography",
    "search",
    "vision",
    "audio",
    "planning",
    "simulation",
    "compression",
    "scheduling",
    "testing",
    "type systems",
    "visualisation",
    "forecasting",
    "ranking",
    "retrieval",
    "streaming",
    "storage",
]
TITLE_TEMPLATES = [
    "Notes on {t}", "{T}: the basics again", "Deep dive into {t}", "{T}, one chapter further",
    "Finally understood {t}", "A small {t} project", "{T} exercises", "Reading about {t}",
    "Debugging my {t} code", "{T} from first principles", "Revisiting {t}", "{T} and a paper",
]  # fmt: skip
SOURCES = [
    "the course's week {n} lectures", "chapter {n} of the book", "a paper from arXiv",
    "the official documentation", "a conference talk", "my side project",
    "a tutorial series", "problem set {n}", "the reading group's pick",
]  # fmt: skip
SENTENCES = [
    "I started with {s} and took notes as I went.",
    "The first hour went on the definitions; the second on working examples by hand.",
    "I re-implemented the core idea from scratch instead of copying the reference code.",
    "Gradient descent behaved until the learning rate was too high, then everything diverged.",
    "The attention mechanism is a weighted average whose weights are learned.",
    "Ownership rules felt arbitrary until I drew the lifetimes on paper.",
    "Writing tests first made the edge cases obvious.",
    "Profiling showed the hot loop spends most of its time allocating.",
    "An index turned a sequential scan into a lookup of a few pages.",
    "I compared two approaches on the same data and wrote down where each one failed.",
    "The proof is shorter than it looks once the notation is unpacked.",
    "Most of the difficulty was in the data cleaning, not in the model.",
    "I kept a list of questions to ask in the study group on Friday.",
    "Spaced repetition cards for the new vocabulary: twenty of them today.",
    "The benchmark numbers only made sense after warming the cache.",
]
CODE_BLOCKS = [
    "```python\nimport torch\n\nx = torch.randn(8, 3, 32, 32)\nprint(x.mean(dim=0).shape)\n```",
    "```rust\nfn longest<'a>(a: &'a str, b: &'a str) -> &'a str {\n    if a.len() > b.len() { a } else { b }\n}\n```",
    "```sql\nSELECT author_id, count(*)\nFROM entries\nGROUP BY author_id\nORDER BY count(*) DESC\nLIMIT 10;\n```",
    "```js\nconst sum = (xs) => xs.reduce((a, b) => a + b, 0);\nconsole.log(sum([1, 2, 3]));\n```",
]  # fmt: skip
LESSONS = [
    "Write the question down before looking for the answer.",
    "A small working example beats a big broken one.",
    "Measure before optimising; the bottleneck is rarely where I think.",
    "Consistency beats intensity: one hour every day adds up.",
    "If I cannot explain it simply, I do not understand it yet.",
    "Read the error message twice before searching for it.",
    "The documentation usually answers the question I am about to ask.",
    "Naming things well is half of the design.",
    "Rest is part of the training.",
    "Teach it to someone else the next day to make it stick.",
]
REFLECTIONS = [
    "Today was harder than I expected.", "I lost focus after lunch, and came back to it.",
    "The pomodoro timer helped again.", "I was tempted to skip today; I am glad I did not.",
    "Studying with the group kept me honest.", "I underestimated how long the setup would take.",
    "Tomorrow I want to finish the exercises I skipped.", "Energy was low but the streak held.",
    "I finally see how the pieces fit together.", "I need more sleep before a long session.",
    "Explaining the idea to a friend showed me which part I had only memorised.",
    "I spent too long polishing notes and not enough time on the exercises.",
    "Reading the comments here yesterday pushed me to try the harder problem.",
    "Next time I will start with the exercises and read the theory when I get stuck.",
]  # fmt: skip
COMMENTS = [
    "Great progress, keep the streak going!", "This helped me too, thanks for writing it up.",
    "Have you tried the **official tutorial**? It covers exactly this.",
    "Day by day: you are doing it.", "Same struggle here last week. It gets easier.",
    "Nice explanation of `the tricky part`.", "Bookmarking this for later.",
    "What resource would you recommend to start?", "Love the honesty in the reflection.",
]  # fmt: skip


def seed(*, users, entries, seed=1, password="momentum-scale", quiet=False, out=None):
    """Fill the database with ``users`` people and ``entries`` entries; a summary line.

    Raises ValueError for sizes that cannot make a community (fewer than two people, or
    more entries than their journeys have days)."""
    if users < 2 or entries < 0:
        raise ValueError("Use --users 2 or more and --entries 0 or more.")
    if entries > users * SPAN_DAYS * 0.9:
        raise ValueError(f"At most {int(users * SPAN_DAYS * 0.9)} entries for {users} people.")
    started = time.monotonic()
    seeder = Seeder(random.Random(seed), users, entries, password, quiet=quiet, out=out)
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Computing each entry's search vector is most of PostgreSQL's work: two
        # connections share it across the cores, each in its own transaction.
        seeder.run(shards=2)
    else:
        with bulk_writes():
            seeder.run(shards=1)
    if connection.vendor == "postgresql":
        # Fresh statistics, so the planner sees the data as it is now; outside a
        # transaction also the visibility map that a database autovacuum has kept
        # would have, without which no index-only scan skips the table.
        seeder.say("Analysing the tables")
        with connection.cursor() as cursor:
            if connection.in_atomic_block:
                cursor.execute(f"SET LOCAL {NO_STATEMENT_TIMEOUT}")
                cursor.execute("ANALYZE")
            else:
                cursor.execute(f"SET {NO_STATEMENT_TIMEOUT}")
                cursor.execute("VACUUM ANALYZE")
    return (
        f"{users} people, {entries} entries, {seeder.counts} in {time.monotonic() - started:.0f} s."
    )


# Copying a shard of half a million entries, or analysing every table, is one statement
# far longer than the timeout that bounds a request's (DJANGO_DB_STATEMENT_TIMEOUT_MS).
NO_STATEMENT_TIMEOUT = "statement_timeout = 0"


@contextlib.contextmanager
def bulk_writes():
    """A transaction for bulk inserts."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SET LOCAL {NO_STATEMENT_TIMEOUT}")
        skip_triggers = connection.vendor == "postgresql" and _may_skip_triggers()
        if skip_triggers:
            # As pg_restore --disable-triggers does: foreign keys are not checked again
            # row by row (millions of lookups at commit). The rows are consistent by
            # construction, and tests/test_seed_scale.py holds the command to that.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        yield
        if skip_triggers:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")


class Seeder:
    """Plans a community in memory, then writes it table by table.

    With several shards, people and topics are committed first, then each shard writes
    its share of the entries (with their reactions) in its own connection and
    transaction, then follows and reports: a failure half-way leaves part of the rows,
    so seed an empty database and start again from an empty one.
    """

    def __init__(self, rng, n_users, n_entries, password, *, quiet, out):
        self.rng = rng
        self.n_users = n_users
        self.n_entries = n_entries
        self.password = password
        self.quiet = quiet
        self.out = out
        self.now = timezone.now()
        self.counts = {}
        self.lock = threading.Lock()

    def say(self, message):
        if not self.quiet:
            self.out.write(message)

    def progress(self, iterable=None, **kwargs):
        return tqdm(iterable, disable=self.quiet, mininterval=1, **kwargs)

    def run(self, shards):
        self.say("Rendering the Markdown pools")
        self.bodies = [_rendered(_body(self.rng)) for _ in range(BODY_POOL)]
        self.reflection_texts = [_reflection(self.rng) for _ in range(REFLECTION_POOL)]
        self.reflections = [_rendered_reflection(text) for text in self.reflection_texts]
        self.comment_texts = [self.rng.choice(COMMENTS) for _ in range(COMMENT_POOL)]
        self.comment_htmls = [_rendered_comment(text) for text in self.comment_texts]
        self.plan_topics()
        self.plan_people()
        self.plan_entries()
        with bulk_writes():
            self.write_people()
            self.write_topics()
        self.write_entries(shards)
        with bulk_writes():
            self.write_follows()
            self.write_moderation()
            self.write_challenges()
            with connection.cursor() as cursor:
                models = [User, Topic, Entry, Entry.topics.through, Cheer, Comment, Follow]
                models += [Notification, Report, ModerationAction, Challenge, Participation]
                models += [Challenge.topics.through]
                for sql in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(sql)
            # Entries and moderation were copied in bulk, past the services that keep these.
            services.topics_recount()
            services.users_recount()
            self.say("Counting the challenge figures")
            services.participations_recount_all(batch=RECOUNT_BATCH)

    # Planning

    def plan_topics(self):
        names = list(POPULAR_TOPICS)
        names += [f"{q} {s}" for s in SUBJECTS for q in QUALIFIERS]
        count = min(len(names), 60 + self.n_users // 8)
        self.topic_base = _next_id(Topic)
        existing = set(Topic.objects.values_list("slug", flat=True))
        # Slugs as Topic.from_names makes them, so that a written entry finds these topics.
        self.topics = [
            (name, slugify(name)[:50])
            for name in names[:count]
            if slugify(name)[:50] not in existing
        ]
        # Zipf: the k-th topic is about 1/k as popular as the first.
        self.topic_weights = list(accumulate(1 / (k + 1) ** 1.07 for k in range(len(self.topics))))

    def plan_people(self):
        rng = self.rng
        base = _next_id(User)
        self.user_ids = list(range(base, base + self.n_users))
        zones, zone_weights = zip(*ZONES, strict=True)
        goals, goal_weights = zip(*GOALS, strict=True)
        self.zone = rng.choices(zones, zone_weights, k=self.n_users)
        self.goal = rng.choices(goals, goal_weights, k=self.n_users)
        # How active each person is: most write a little, a few a lot.
        self.activity = [rng.lognormvariate(0, 1.1) for _ in self.user_ids]
        self.entry_counts = _allocate(rng, self.n_entries, self.activity, int(SPAN_DAYS * 0.9))
        self.suspended = [rng.random() < 0.003 for _ in self.user_ids]
        self.favourites = [{self._topic() for _ in range(rng.randint(2, 5))} for _ in self.user_ids]
        # How much encouragement each person draws (mean 1), whatever how much they write.
        popularity = [rng.lognormvariate(0, 0.8) for _ in self.user_ids]
        mean = sum(popularity) / self.n_users
        self.popularity = [p / mean for p in popularity]
        self.popular_cum = list(accumulate(self.popularity))

    def _topic(self):
        return self.rng.choices(range(len(self.topics)), cum_weights=self.topic_weights)[0]

    def plan_entries(self):
        """Each person's days, minutes and topics; figures from the same days."""
        rng = self.rng
        self.entries = []
        self.stats = []
        self.joined = []
        today_utc = self.now.date()
        for index in self.progress(range(self.n_users), desc="journeys", unit=" people"):
            zone = zoneinfo.ZoneInfo(self.zone[index])
            yesterday = self.now.astimezone(zone).date() - dt.timedelta(days=1)
            count = self.entry_counts[index]
            days = _journey_days(rng, count, yesterday, today_utc - dt.timedelta(days=SPAN_DAYS))
            goal = self.goal[index]
            minutes = [_minutes(rng, goal) for _ in days]
            self.stats.append(compute_stats(zip(days, minutes, strict=True), goal))
            first = days[0] if days else today_utc - dt.timedelta(days=rng.randrange(SPAN_DAYS))
            self.joined.append(
                _local_time(first, zone, rng.randrange(7 * 60, 12 * 60), self.now)
                - dt.timedelta(days=rng.randrange(0, 3))
            )
            favourites = list(self.favourites[index])
            private_share = rng.choice([0, 0, 0, 0.05, 0.3])
            for number, (day, mins) in enumerate(zip(days, minutes, strict=True), start=1):
                created = _local_time(day, zone, rng.randrange(6 * 60, 24 * 60), self.now)
                topics = {rng.choice(favourites) if rng.random() < 0.8 else self._topic()}
                if rng.random() < 0.5:
                    topics.add(rng.choice(favourites))
                self.entries.append(
                    (index, day, number, mins, created, rng.random() < private_share, topics)
                )
        # Rows go in the order the app would have written them: by creation time.
        self.entries.sort(key=lambda entry: entry[4])

    # Writing

    def write_people(self):
        # Their public figures are counted once the entries are in (users_recount), as
        # which entries moderators hid is drawn with them.
        rng = self.rng
        password = make_password(self.password)
        staff = set(rng.sample(range(self.n_users), min(3, self.n_users)))
        fields = [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email",
            "is_staff", "is_active", "date_joined", "display_name", "bio", "learning_focus",
            "time_zone", "daily_goal_minutes", "is_suspended", "suspension_reason",
            "entry_count", "total_minutes", "longest_streak", "latest_run_length",
            "latest_run_end", "last_entry_day", "latest_run_start", "saved_days",
            "streak_alive_until", "public_entry_count", "public_minutes",
        ]  # fmt: skip
        rows = []
        for index, user_id in enumerate(self.user_ids):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            username = f"{first}_{last}{user_id}".lower()
            focus = self.topics[min(self.favourites[index])][0] if self.topics else ""
            s = self.stats[index]
            rows.append(
                (user_id, password, False, username, "", "", f"{username}@example.com",
                 index in staff, True, self.joined[index], f"{first} {last}",
                 f"Learning {focus} in public, one hour a day." if rng.random() < 0.6 else "",
                 focus.capitalize() if rng.random() < 0.7 else "", self.zone[index],
                 self.goal[index], self.suspended[index],
                 "Spam" if self.suspended[index] else "", s.entry_count, s.total_minutes,
                 s.longest_streak, s.latest_run_length, s.latest_run_end, s.last_entry_day,
                 s.latest_run_start, s.saved_days, s.streak_alive_until, 0, 0)
            )  # fmt: skip
        self.moderators = [self.user_ids[i] for i in sorted(staff)]
        self.copy(User, fields, rows)

    def write_topics(self):
        # Their counts of public entries are made once the entries are in (topics_recount).
        rows = [(self.topic_base + k, name, slug, 0) for k, (name, slug) in enumerate(self.topics)]
        self.copy(Topic, ["id", "name", "slug", "public_entry_count"], rows)

    def write_entries(self, shards):
        """Entries with their topics, cheers, comments and notifications, counts consistent."""
        self.entry_base = _next_id(Entry)
        self.comment_base = _next_id(Comment)
        self.hidden_entries, self.hidden_comments, self.public_entries = [], [], []
        seeds = [self.rng.random() for _ in range(shards)]
        with self.progress(total=len(self.entries), desc="entries", unit=" entries") as bar:
            if shards == 1:
                self.write_shard(0, 1, seeds[0], bar)
            else:
                with ThreadPoolExecutor(shards) as pool:
                    done = [
                        pool.submit(self.write_shard_alone, k, shards, seeds[k], bar)
                        for k in range(shards)
                    ]
                    for future in done:
                        future.result()
        # The shards finished in any order; what follows draws from these in a fixed one.
        for found in (self.hidden_entries, self.hidden_comments, self.public_entries):
            found.sort()

    def write_shard_alone(self, shard, shards, seed, bar):
        try:
            with bulk_writes():
                self.write_shard(shard, shards, seed, bar)
        finally:
            connection.close()

    def write_shard(self, shard, shards, seed, bar):
        """Every ``shards``-th entry from the ``shard``-th, with all that hangs on them."""
        rng = random.Random(seed)
        users = self.user_ids
        links, cheers, comments, notes = [], [], [], []
        comment_id = self.comment_base + shard
        fields = [
            "id", "author_id", "day", "number", "title", "minutes", "body", "key_lesson",
            "reflection", "body_html", "reflection_html", "excerpt", "visibility",
            "moderation_state", "moderation_reason", "cheer_count", "comment_count",
            "created_at", "updated_at",
        ]  # fmt: skip

        def rows():
            nonlocal comment_id
            for offset in range(shard, len(self.entries), shards):
                author, day, number, mins, created, private, topics = self.entries[offset]
                bar.update(1)
                entry_id = self.entry_base + offset
                author_id = users[author]
                hidden = rng.random() < 0.002
                public = not private and not hidden
                cheer_count = comment_count = 0
                if public:
                    self.public_entries.append((entry_id, author_id))
                    popularity = self.popularity[author]
                    n_cheers = int(rng.expovariate(1 / (CHEER_MEAN * popularity)))
                    for fan in _others(rng, n_cheers, author, users):
                        at = min(created + dt.timedelta(minutes=rng.expovariate(1 / 600)), self.now)
                        cheers.append((entry_id, users[fan], at))
                        notes.append((author_id, users[fan], "cheer", entry_id, None, at))
                        cheer_count += not self.suspended[fan]
                    n_comments = int(rng.expovariate(1 / (COMMENT_MEAN * popularity)))
                    for fan in _others(rng, n_comments, author, users):
                        at = min(created + dt.timedelta(minutes=rng.expovariate(1 / 900)), self.now)
                        text = rng.randrange(COMMENT_POOL)
                        comment_hidden = rng.random() < 0.01
                        if comment_hidden:
                            self.hidden_comments.append((comment_id, users[fan]))
                        comments.append(
                            (comment_id, entry_id, users[fan], text, comment_hidden, at)
                        )
                        notes.append((author_id, users[fan], "comment", entry_id, comment_id, at))
                        comment_count += not (comment_hidden or self.suspended[fan])
                        comment_id += shards
                elif hidden:
                    self.hidden_entries.append((entry_id, author_id))
                for topic in topics:
                    links.append((entry_id, self.topic_base + topic))
                body, body_html, excerpt = self.bodies[rng.randrange(BODY_POOL)]
                reflection = rng.randrange(REFLECTION_POOL)
                first_topic = self.topics[min(topics)][0]
                title = rng.choice(TITLE_TEMPLATES).format(
                    t=first_topic, T=first_topic.capitalize()
                )
                yield (
                    entry_id, author_id, day, number, title, mins, body,
                    rng.choice(LESSONS) if rng.random() < 0.8 else "",
                    self.reflection_texts[reflection], body_html, self.reflections[reflection],
                    excerpt, "private" if private else "public",
                    "hidden" if hidden else "visible",
                    "Off-topic promotion" if hidden else "", cheer_count, comment_count,
                    created, created,
                )  # fmt: skip

        self.copy(Entry, fields, rows())
        self.copy(Entry.topics.through, ["entry_id", "topic_id"], links)
        self.copy(Cheer, ["entry_id", "user_id", "created_at"], cheers)
        comment_rows = (
            (cid, entry, author, self.comment_texts[text], self.comment_htmls[text],
             "hidden" if hidden else "visible", "Rude" if hidden else "", at, at)
            for cid, entry, author, text, hidden, at in comments
        )  # fmt: skip
        self.copy(
            Comment,
            ["id", "entry_id", "author_id", "body", "body_html", "moderation_state",
             "moderation_reason", "created_at", "updated_at"],
            comment_rows,
        )  # fmt: skip
        self.notifications(notes, rng)

    def write_follows(self):
        rng = self.rng
        users = self.user_ids
        pairs, notes = set(), []
        for follower in range(self.n_users):
            wanted = min(int(rng.lognormvariate(1.8, 1.0)), self.n_users - 1, 300)
            chosen = rng.choices(range(self.n_users), cum_weights=self.popular_cum, k=wanted)
            for followed in set(chosen) - {follower}:
                pairs.add((follower, followed))
        rows = []
        for follower, followed in sorted(pairs):
            at = max(self.joined[follower], self.joined[followed]) + dt.timedelta(
                hours=rng.randrange(1, 24 * 30)
            )
            at = min(at, self.now)
            rows.append((users[follower], users[followed], at))
            notes.append((users[followed], users[follower], "follow", None, None, at))
        self.copy(Follow, ["follower_id", "followed_id", "created_at"], rows)
        self.notifications(notes, rng)

    def notifications(self, notes, rng):
        """Notifications as the services make them: read a while after, unread when recent."""
        recent = self.now - dt.timedelta(days=3)
        rows = (
            (recipient, actor, kind, entry, comment, "", at,
             None if at > recent else at + dt.timedelta(hours=rng.randrange(1, 48)))
            for recipient, actor, kind, entry, comment, at in notes
        )  # fmt: skip
        fields = ["recipient_id", "actor_id", "kind", "entry_id", "comment_id", "milestone"]
        self.copy(Notification, [*fields, "created_at", "read_at"], rows)

    def write_moderation(self):
        """Reports: resolved for what moderators hid or suspended, and a queue still open."""
        rng = self.rng
        users = self.user_ids
        reports, actions = [], []
        report_id = _next_id(Report)

        def reporter(owner):
            while True:
                candidate = rng.choice(users)
                if candidate != owner:
                    return candidate

        def resolved(target, owner, action, label):
            nonlocal report_id
            moderator = rng.choice(self.moderators)
            at = self.now - dt.timedelta(days=rng.randrange(1, 300))
            reports.append(
                (report_id, reporter(owner), *target, "spam", "", "resolved", moderator, at, at)
            )
            actions.append((moderator, action, *target, report_id, "", label, at))
            report_id += 1

        for entry, owner in self.hidden_entries:
            resolved((entry, None, None), owner, "hide_entry", f"entry {entry}")
        for comment, owner in self.hidden_comments:
            resolved((None, comment, None), owner, "hide_comment", f"comment {comment}")
        for index, suspended in enumerate(self.suspended):
            if suspended:
                resolved((None, None, users[index]), users[index], "suspend_user", "a spammer")
        waiting = min(len(self.public_entries), 50 + self.n_entries // 2000)
        for entry, owner in rng.sample(self.public_entries, waiting):
            at = self.now - dt.timedelta(minutes=rng.randrange(1, 60 * 24 * 14))
            reports.append(
                (report_id, reporter(owner), entry, None, None, "other", "", "open", None, None, at)
            )
            report_id += 1
        self.copy(
            Report,
            ["id", "reporter_id", "entry_id", "comment_id", "reported_user_id", "reason", "note",
             "state", "resolved_by_id", "resolved_at", "created_at"],
            reports,
        )  # fmt: skip
        self.copy(
            ModerationAction,
            ["moderator_id", "action", "entry_id", "comment_id", "user_id", "report_id",
             "reason", "target_label", "created_at"],
            actions,
        )  # fmt: skip

    def write_challenges(self):
        """Everyone in the site's own challenge, and challenges people started: public and
        invite-only, dated (running, finished, starting soon) and rolling, of every size.
        Their figures are counted afterwards by the services' own rules."""
        rng = self.rng
        users = self.user_ids
        site = Challenge.objects.site()
        participations = [
            (users[index], site.pk, self.joined[index], None)
            for index in range(self.n_users)
            if not self.suspended[index]
        ]
        base = _next_id(Challenge)
        challenges, links = [], []
        descriptions = [
            render_markdown(text)
            for text in (
                "One hour a day, **every day**, and one honest reflection.",
                "We read a chapter a day and write down what stuck.\n\n- one hour\n- notes",
                "For the study group: practise daily, share the key lesson.",
            )
        ]
        creators = [index for index in range(self.n_users) if not self.suspended[index]]
        today = self.now.date()
        for offset in range(min(CHALLENGES, len(creators) // 10)):
            challenge_id = base + offset
            creator = rng.choice(creators)
            topic = self._topic()
            length = rng.choice([None, 21, 30, 30, 66, 100, 100, 365])
            starts_on = None
            if length and rng.random() < 0.7:
                starts_on = today + dt.timedelta(days=rng.randrange(-2 * length, 14))
            ends_on = starts_on + dt.timedelta(days=length - 1) if starts_on else None
            created = min(
                self.now, _local_time(starts_on or today, UTC, 9 * 60, self.now)
            ) - dt.timedelta(days=rng.randrange(1, 30))
            name = self.topics[topic][0]
            title = f"{length} days of {name}" if length else f"{name.capitalize()} every day"
            description = descriptions[offset % len(descriptions)]
            links.append((challenge_id, self.topic_base + topic))
            size = min(int(rng.expovariate(1 / CHALLENGE_MEAN_SIZE)) + 1, CHALLENGE_MAX_SIZE)
            people = {creator} | set(
                rng.choices(range(self.n_users), cum_weights=self.popular_cum, k=size - 1)
            )
            members = [person for person in sorted(people) if not self.suspended[person]]
            for person in members:
                joined = max(created, self.joined[person])
                local_day = joined.astimezone(zoneinfo.ZoneInfo(self.zone[person])).date()
                participations.append((users[person], challenge_id, joined, local_day))
            challenges.append(
                (challenge_id, f"{slugify(title)[:45]}-{challenge_id}", users[creator], title,
                 description, description, rng.choice([30, 45, 60, 60, 60, 90]), length,
                 starts_on, ends_on, "public" if rng.random() < 0.85 else "invite",
                 f"bench-invite-{challenge_id}", "visible", "", created, len(members))
            )  # fmt: skip
        self.copy(
            Challenge,
            ["id", "slug", "creator_id", "title", "description", "description_html",
             "daily_minimum", "length_days", "starts_on", "ends_on", "visibility",
             "invite_token", "moderation_state", "moderation_reason", "created_at",
             "participant_count"],
            challenges,
        )  # fmt: skip
        self.copy(Challenge.topics.through, ["challenge_id", "topic_id"], links)
        # Their figures start at nothing: participations_recount_all counts them.
        self.copy(
            Participation,
            ["person_id", "challenge_id", "joined_at", "counts_from", "on_board",
             "days_counted", "longest_streak", "run_length", "saved_days"],
            ((*row, True, 0, 0, 0, 0) for row in participations),
        )  # fmt: skip
        Challenge.objects.filter(pk=site.pk).update(
            participant_count=F("participant_count") + sum(p[1] == site.pk for p in participations)
        )

    def copy(self, model, fields, rows):
        """Write ``rows`` (tuples in ``fields`` order) to ``model``'s table."""
        table = model._meta.db_table
        count = 0
        started = time.monotonic()
        if connection.vendor == "postgresql":
            columns = ", ".join(connection.ops.quote_name(field) for field in fields)
            sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            batch = []
            for row in rows:
                batch.append(model(**dict(zip(fields, row, strict=True))))
                if len(batch) == BULK_BATCH:
                    count += len(model.objects.bulk_create(batch))
                    batch = []
            count += len(model.objects.bulk_create(batch))
        name = table.removeprefix("journal_")
        with self.lock:
            self.counts[name] = self.counts.get(name, 0) + count
        self.say(f"{table}: {count} rows in {time.monotonic() - started:.1f} s")


def _may_skip_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return cursor.fetchone()[0]


def _next_id(model):
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _allocate(rng, total, weights, cap):
    """Split ``total`` into whole shares proportional to ``weights``, none above ``cap``."""
    scale = total / sum(weights)
    shares = [min(cap, int(w * scale)) for w in weights]
    people = list(range(len(weights)))
    # Rounding and the cap leave a remainder: hand it out one by one.
    while (missing := total - sum(shares)) > 0:
        rng.shuffle(people)
        for person in people[:missing]:
            if shares[person] < cap:
                shares[person] += 1
    return shares


def _split(rng, total, parts):
    """``total`` as ``parts`` positive whole numbers, at random."""
    if parts <= 1:
        return [total] if parts == 1 else []
    cuts = sorted(rng.sample(range(1, total), parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def _journey_days(rng, count, yesterday, earliest):
    """``count`` distinct days in runs and gaps, the last one on or before ``yesterday``."""
    if count == 0:
        return []
    available = (yesterday - earliest).days + 1
    # About half the people are still going; the others stopped some time ago.
    lapse = 0 if rng.random() < 0.5 else int(rng.expovariate(1 / 60)) + 2
    lapse = min(lapse, available - count)
    slack = available - lapse - count
    mean_run = rng.choice([3, 5, 8, 13, 21, 40])
    gaps = min(slack, count - 1, max(0, round(count / mean_run) - 1))
    gap_days = rng.randint(gaps, min(slack, gaps * 6)) if gaps else 0
    day = yesterday - dt.timedelta(days=lapse + count + gap_days - 1)
    days = []
    for run, gap in zip(
        _split(rng, count, gaps + 1), [*_split(rng, gap_days, gaps), 0], strict=True
    ):
        days.extend(day + dt.timedelta(days=k) for k in range(run))
        day += dt.timedelta(days=run + gap)
    return days


def _minutes(rng, goal):
    if rng.random() < 0.88:
        return min(1440, goal + rng.choice([0, 0, 0, 5, 10, 15, 30, 45, 60, 90]))
    return rng.randint(max(1, goal // 4), max(1, goal - 1))


def _local_time(day, zone, minute_of_day, now):
    hour, minute = divmod(minute_of_day, 60)
    moment = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
    return min(moment.astimezone(UTC), now)


def _others(rng, count, person, users):
    """Up to ``count`` distinct people other than ``person`` (indexes into ``users``)."""
    chosen = set()
    for _ in range(min(count, 200, len(users) - 1) * 2):
        if len(chosen) >= count:
            break
        other = rng.randrange(len(users))
        if other != person:
            chosen.add(other)
    return chosen


def _body(rng):
    source = rng.choice(SOURCES).format(n=rng.randint(1, 12))
    parts = [rng.choice(SENTENCES).format(s=source) for _ in range(rng.randint(3, 6))]
    blocks = [f"## {rng.choice(['What I studied', 'Today', 'Notes'])}", " ".join(parts)]
    if rng.random() < 0.5:
        blocks.append("\n".join(f"- {rng.choice(SENTENCES).format(s=source)}" for _ in range(3)))
    if rng.random() < 0.35:
        blocks.append(rng.choice(CODE_BLOCKS))
    blocks.append(
        " ".join(rng.choice(SENTENCES).format(s=source) for _ in range(rng.randint(3, 7)))
    )
    return "\n\n".join(blocks)


def _reflection(rng):
    return " ".join(rng.sample(REFLECTIONS, rng.randint(3, 8)))


def _rendered(body):
    """A body with its HTML and its excerpt, by the rule Entry.save() follows."""
    entry = Entry(body=body)
    entry.render()
    return body, entry.body_html, entry.excerpt


def _rendered_reflection(text):
    entry = Entry(reflection=text)
    entry.render()
    return entry.reflection_html


def _rendered_comment(text):
    comment = Comment(body=text)
    comment.render()
    return comment.body_html
