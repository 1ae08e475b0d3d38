"""A few demo learners and entries, so that a newcomer running `make run` sees a living site."""

import datetime as dt
import random

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction

from journal import services
from journal.models import Entry, Topic, User

LEARNERS = [
    ("ada", "Ada Park", "Europe/Paris", "Computer vision, one paper a week", ["computer-vision", "pytorch"]),
    ("malik", "Malik Osei", "Africa/Accra", "Rust and systems programming", ["rust", "systems"]),
    ("sofia", "Sofía Ruiz", "America/Mexico_City", "LLMOps in production", ["llmops", "python"]),
    ("kenji", "Kenji Mori", "Asia/Tokyo", "Statistics from first principles", ["statistics", "math"]),
]  # fmt: skip

# What each learner studies, by their first topic: (title, what I studied, key lesson).
STUDIES = {
    "computer-vision": [
        ("Convolutions, finally clicked", "Worked through the CS231n notes on convolutions and "
         "re-implemented a 3×3 kernel by hand.", "Padding is a choice about the edges, not a detail."),
        ("Reading a paper properly", "Three passes over the ResNet paper: skim, read, reproduce a "
         "figure.", "The figures tell you what the authors think matters."),
        ("Data augmentation", "Compared flips, crops and colour jitter on a small CIFAR-10 run.",
         "Augmentation is a prior about what should not change the answer."),
    ],
    "rust": [
        ("Ownership and borrowing", "Chapters 4 and 5 of the Rust book, with the exercises.",
         "A borrow is a promise the compiler can check."),
        ("Iterators all the way down", "Rewrote a loop-heavy parser with iterator adaptors.",
         "Lazy evaluation makes the shape of the data visible."),
        ("Lifetimes without fear", "Annotated lifetimes in a small tokenizer until it compiled.",
         "A lifetime names how long a borrow may live, nothing more."),
    ],
    "llmops": [
        ("Evaluating prompts", "Built a small evaluation harness with twenty golden answers.",
         "Without a test set, every prompt change is a guess."),
        ("Caching model calls", "Added a response cache in front of the model API and measured it.",
         "Most of the latency was asking the same question twice."),
        ("Tracing a RAG pipeline", "Logged each retrieval step with its scores for one question.",
         "When answers are wrong, look at what was retrieved first."),
    ],
    "statistics": [
        ("Bayes by hand", "Derived the posterior for a coin with a Beta prior on paper.",
         "Conjugate priors turn algebra into bookkeeping."),
        ("Confidence intervals, honestly", "Simulated 1,000 intervals and counted how many missed.",
         "95% is a property of the procedure, not of one interval."),
        ("The bootstrap", "Resampled a small data set to estimate the median's spread.",
         "When the formula is hard, let the data stand in for the population."),
    ],
}  # fmt: skip

CODE = "```python\nminutes = [60, 75, 45, 90]\nprint(sum(minutes) / len(minutes))\n```"


class Command(BaseCommand):
    help = "Create demo learners with a few weeks of entries (password: momentum-demo)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when any user exists already."
        )
        parser.add_argument("--days", type=int, default=21)

    def handle(self, *args, if_empty=False, days=21, **options):
        if if_empty and User.objects.exists():
            self.stdout.write("The database has users already; no demo data added.")
            return
        rng = random.Random(2026)
        with transaction.atomic():
            for username, name, zone, focus, topic_slugs in LEARNERS:
                self._learner(rng, username, name, zone, focus, topic_slugs, days)
            # The entries keep their own creation times, past the service that counts them.
            services.topics_recount()
        self.stdout.write(
            self.style.SUCCESS(f"Demo learners: {', '.join(learner[0] for learner in LEARNERS)}.")
        )

    def _learner(self, rng, username, name, zone, focus, topic_slugs, days):
        learner, created = User.objects.get_or_create(
            username=username,
            defaults={"display_name": name, "time_zone": zone, "learning_focus": focus,
                      "email": f"{username}@example.com",
                      "bio": f"Learning in public with the Momentum challenge. {focus}."},
        )  # fmt: skip
        if not created:
            return
        learner.set_password("momentum-demo")
        learner.save()
        # Verified, so that the demo accounts log in without waiting for an email.
        EmailAddress.objects.create(user=learner, email=learner.email, primary=True, verified=True)
        topics = Topic.from_names(topic_slugs)
        today = learner.local_today()
        # Most days written, a few missed, the latest run alive today.
        written = [
            today - dt.timedelta(days=offset)
            for offset in range(days)
            if offset < 4 or rng.random() > 0.2
        ]
        for number, day in enumerate(sorted(written), start=1):
            title, body, lesson = rng.choice(STUDIES[topic_slugs[0]])
            entry = Entry(
                author=learner, day=day, number=number, title=title,
                minutes=rng.choice([45, 60, 60, 75, 90, 120]),
                body=f"{body}\n\n{CODE if rng.random() < 0.3 else ''}",
                key_lesson=lesson,
                reflection="Harder than I expected, but *worth it*. Tomorrow: more practice.",
                created_at=dt.datetime.combine(day, dt.time(20, rng.randrange(60)), learner.zone),
            )  # fmt: skip
            entry.save()
            entry.topics.set(topics)
        services.user_refresh_stats(user=learner)
