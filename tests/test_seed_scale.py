"""seed_scale: a community whose stored figures agree with its rows."""

import datetime as dt
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from journal import services
from journal.models import (
    PROGRESS_FIELDS,
    Challenge,
    Cheer,
    Comment,
    Entry,
    Follow,
    Notification,
    Participation,
    Report,
    Topic,
    User,
)
from journal.streaks import compute_stats
from tests.conftest import make_user, write_entry

pytestmark = pytest.mark.django_db


def seed(users=40, entries=1500, seed=7):
    call_command("seed_scale", users=users, entries=entries, seed=seed, verbosity=0)


def test_it_makes_the_people_and_entries_asked_for():
    seed()
    assert User.objects.count() == 40
    assert Entry.objects.count() == 1500
    assert Topic.objects.exists()
    assert Cheer.objects.exists()
    assert Comment.objects.exists()
    assert Follow.objects.exists()
    assert Report.objects.filter(state=Report.State.OPEN).exists()


def test_stored_stats_are_those_of_each_persons_entries():
    seed()
    days = defaultdict(list)
    for author, day, minutes in Entry.objects.values_list("author", "day", "minutes"):
        days[author].append((day, minutes))
    for user in User.objects.all():
        assert user.stored_stats() == compute_stats(days[user.pk], user.daily_goal_minutes)


def test_public_figures_count_each_persons_public_entries():
    seed()
    shown = defaultdict(list)
    for author, minutes in Entry.objects.filter(
        visibility="public", moderation_state="visible"
    ).values_list("author", "minutes"):
        shown[author].append(minutes)
    people = User.objects.all()
    for user in people:
        assert (user.public_entry_count, user.public_minutes) == (
            len(shown[user.pk]),
            sum(shown[user.pk]),
        )
    assert any(user.public_entry_count < user.entry_count for user in people)


def test_day_n_counts_each_persons_entries_in_day_order():
    seed()
    numbers = defaultdict(list)
    for author, number in Entry.objects.order_by("day").values_list("author", "number"):
        numbers[author].append(number)
    assert numbers
    for sequence in numbers.values():
        assert sequence == list(range(1, len(sequence) + 1))


def test_cheer_and_comment_counts_match_what_the_public_sees():
    seed(users=60, entries=2500)
    counted = Entry.objects.annotate(
        cheers_seen=Count("cheers", filter=Q(cheers__user__is_suspended=False), distinct=True),
        comments_seen=Count(
            "comments",
            filter=Q(comments__moderation_state="visible", comments__author__is_suspended=False),
            distinct=True,
        ),
    )
    for entry in counted:
        assert (entry.cheer_count, entry.comment_count) == (entry.cheers_seen, entry.comments_seen)
    assert sum(entry.cheer_count for entry in counted) > 0


def test_journeys_end_by_yesterday_with_runs_and_gaps():
    seed()
    for user in User.objects.exclude(last_entry_day=None):
        assert user.last_entry_day < user.local_today()
    people = User.objects.exclude(entry_count=0)
    # Real journeys: some people's streaks are alive, some have gaps, nobody is perfect.
    assert any(user.current_streak > 0 for user in people)
    assert any(user.longest_streak < user.entry_count for user in people)
    assert Entry.objects.filter(created_at__gt=timezone.now()).count() == 0


def test_reactions_and_notifications_are_about_other_peoples_entries():
    seed()
    assert not Cheer.objects.filter(user=F("entry__author")).exists()
    assert not Comment.objects.filter(author=F("entry__author")).exists()
    assert not Notification.objects.filter(recipient=F("actor")).exists()
    assert Notification.objects.filter(kind="cheer").count() == Cheer.objects.count()
    assert Notification.objects.filter(kind="follow").count() == Follow.objects.count()


def test_topics_have_a_long_tail():
    seed(users=80, entries=4000)
    sizes = sorted(
        Topic.objects.annotate(n=Count("entries")).values_list("n", flat=True), reverse=True
    )
    assert sizes[0] > 10 * sizes[len(sizes) // 2]


def test_the_same_seed_makes_the_same_community():
    seed(users=10, entries=200, seed=3)
    first = list(Entry.objects.order_by("pk").values_list("author__username", "day", "minutes"))
    Entry.objects.all().delete()
    User.objects.all().delete()
    Topic.objects.all().delete()
    seed(users=10, entries=200, seed=3)
    again = list(Entry.objects.order_by("pk").values_list("author__username", "day", "minutes"))
    # Usernames carry the row id, which moved on; the journeys are the same.
    assert [row[1:] for row in first] == [row[1:] for row in again]


def test_it_adds_to_a_database_with_people_in_it(alice):
    write_entry(alice, day=alice.local_today() - dt.timedelta(days=1))
    seed(users=10, entries=100)
    assert User.objects.count() == 11
    assert Entry.objects.count() == 101
    # New rows get new ids after the seeded ones: the sequences were moved on.
    bob = make_user("bob")
    assert bob.pk > max(User.objects.exclude(pk=bob.pk).values_list("pk", flat=True))
    entry = write_entry(bob)
    assert entry.number == 1


def test_an_impossible_request_is_refused():
    with pytest.raises(CommandError):
        call_command("seed_scale", users=2, entries=5000, verbosity=0)


def test_challenges_have_their_people_and_the_figures_the_services_count():
    seed(users=60, entries=2500)
    site = Challenge.objects.site()
    assert site.participations.count() == User.objects.filter(is_suspended=False).count()
    started = Challenge.objects.exclude(pk=site.pk)
    assert started.count() == 6
    for challenge in Challenge.objects.annotate(n=Count("participations")):
        assert challenge.participant_count == challenge.n
    fields = ["pk", *PROGRESS_FIELDS, "finished_on"]
    seeded = list(Participation.objects.order_by("pk").values_list(*fields))
    assert any(row[1] for row in seeded), "some days count"
    for person in User.objects.all():
        services.participations_recount(person=person)
    assert list(Participation.objects.order_by("pk").values_list(*fields)) == seeded
