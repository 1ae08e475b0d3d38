"""The queries whose cost must not grow with the number of people, planned on PostgreSQL
with 10,000 of them: due reminders, and the board of the challenge everyone is in."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from journal.models import Challenge, Participation, User
from journal.services.reminders import due_people

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)

PEOPLE = 10_000


@pytest.fixture(scope="module")
def crowd(django_db_setup, django_db_blocker):
    """10,000 people, one in ten with reminders on, inside a transaction rolled back after
    the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_scale", users=PEOPLE, entries=20_000, seed=5, verbosity=0)
        soon = timezone.now() + dt.timedelta(hours=1)
        User.objects.filter(pk__in=User.objects.order_by("?").values("pk")[: PEOPLE // 10]).update(
            remind_by_email=True, next_reminder_at=soon + F("id") * dt.timedelta(seconds=1)
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield
        transaction.set_rollback(True)


def test_due_reminders_are_one_index_scan(crowd, db):
    assert User.objects.count() >= PEOPLE
    text = due_people(timezone.now() + dt.timedelta(hours=2)).explain()
    assert "user_reminder_due_idx" in text, text
    assert "Seq Scan" not in text, text


def test_the_biggest_boards_page_reads_its_index(crowd, db):
    site = Challenge.objects.site()
    assert site.participations.count() >= PEOPLE * 0.99
    # As journal/views/challenges.py _board_page reads it.
    board = (
        Participation.objects.filter(
            challenge=site, on_board=True, person__is_active=True, person__is_suspended=False
        )
        .select_related("person")
        .order_by("-days_counted", "-pk")[:51]
    )
    text = board.explain()
    assert "participation_board_idx" in text, text
    assert "Sort" not in text.split("participation_board_idx")[0], text
