"""`manage.py seed_scale`: a community at scale for the benchmark and the query-plan tests.

The seeder is test code and lives with the benchmark, in tests/bench/seeding.py; this
command is only its door, and works from a checkout of the project.
"""

from django.core.management.base import BaseCommand, CommandError

from tests.bench.seeding import seed as seed_community


class Command(BaseCommand):
    help = (
        "Fill the database with N people and M entries (streaks, topics, cheers, comments, "
        "follows, notifications, reports) using bulk inserts. Every person's password is "
        "--password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, required=True)
        parser.add_argument("--entries", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same community.")
        parser.add_argument("--password", default="momentum-scale")

    def handle(self, *args, users, entries, seed, password, verbosity=1, **options):
        try:
            summary = seed_community(
                users=users,
                entries=entries,
                seed=seed,
                password=password,
                quiet=verbosity == 0,
                out=self.stdout,
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary))
