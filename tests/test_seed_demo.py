"""`manage.py seed_demo`, which `make run` calls so a newcomer sees a living site."""

import re
import time

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.urls import reverse

from journal import streaks
from journal.models import Cheer, Comment, Entry, Follow, Notification, Topic, User

DEMO = ["ada", "malik", "sofia", "kenji"]


def test_demo_learners_have_journeys_with_consistent_figures(db):
    call_command("seed_demo", "--if-empty", "--days", "30")
    learners = User.objects.filter(username__in=DEMO)
    assert learners.count() == 4
    for learner in learners:
        entries = list(Entry.objects.filter(author=learner).order_by("day"))
        assert entries, learner
        assert [entry.number for entry in entries] == list(range(1, len(entries) + 1))
        expected = streaks.compute_stats(
            [(entry.day, entry.minutes) for entry in entries], learner.daily_goal_minutes
        )
        assert learner.stored_stats() == expected
        public = [entry.minutes for entry in entries if entry.is_public]
        assert (learner.public_entry_count, learner.public_minutes) == (len(public), sum(public))
        assert learner.check_password("momentum-demo")
        assert all(entry.topics.exists() for entry in entries)


def test_the_demo_topics_are_counted_and_open(client, db):
    call_command("seed_demo", "--if-empty", "--days", "30")
    for topic in Topic.objects.all():
        public = Entry.objects.public().filter(topics=topic).count()
        assert topic.public_entry_count == public
        if public:
            assert client.get(topic.get_absolute_url()).status_code == 200
    assert Topic.objects.in_use().exists()
    assert len(client.get(reverse("journal:topics")).context["page"]) == (
        Topic.objects.in_use().count()
    )


def test_demo_learners_log_in_with_the_documented_password(client, db):
    call_command("seed_demo", "--days", "3")
    response = client.post(reverse("account_login"), {"login": "ada", "password": "momentum-demo"})
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:home")


def test_if_empty_leaves_a_used_database_alone(alice):
    call_command("seed_demo", "--if-empty")
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]


def test_demo_journeys_differ_in_what_they_say_and_how_they_run(db):
    started = time.perf_counter()
    call_command("seed_demo", "--if-empty", "--days", "30")
    assert time.perf_counter() - started < 2
    entries = Entry.objects.all()
    for field in ("title", "body", "key_lesson", "reflection"):
        values = list(entries.values_list(field, flat=True))
        assert len(set(values)) == len(values), field
    html = " ".join(entry.body_html + entry.reflection_html for entry in entries)
    for element in ("<ul>", "<ol>", "<pre>", "<table>", "<a href="):
        assert element in html, element
    assert len(set(entries.values_list("minutes", flat=True))) >= 8
    assert entries.filter(visibility=Entry.Visibility.PRIVATE).count() == 3
    learners = User.objects.filter(username__in=DEMO)
    for learner in learners:
        first_day = learner.entries.order_by("day").first().day
        assert learner.date_joined.astimezone(learner.zone).date() <= first_day
        assert not learner.needs_welcome
    # A gap, a short day or a missed today: no two learners are at the same point.
    assert len({learner.current_streak for learner in learners}) == 4
    assert any(learner.current_streak < learner.longest_streak for learner in learners)


def test_demo_learners_cheer_comment_and_follow_each_other(client, db):
    call_command("seed_demo", "--if-empty", "--days", "30")
    cheers = Cheer.objects.select_related("user", "entry__author")
    comments = Comment.objects.select_related("author", "entry__author")
    assert cheers.count() > 40
    assert comments.count() > 10
    assert len(set(comments.values_list("body", flat=True))) > 10
    # Nobody cheers their own entry; authors answer some of their comments.
    assert all(cheer.user != cheer.entry.author for cheer in cheers)
    assert all(cheer.entry.is_public for cheer in cheers)
    assert any(comment.author == comment.entry.author for comment in comments)
    assert Follow.objects.count() == 7
    # The newest entry still waits for its first cheer.
    newest = Entry.objects.public().newest_first().first()
    assert (newest.cheer_count, newest.comment_count) == (0, 0)
    assert newest in client.get(reverse("journal:encourage")).context["page"]
    feed = client.get(reverse("journal:feed")).content.decode()
    assert re.search(r"\b[1-9] cheers?\b", feed)


@pytest.mark.parametrize("days", ["3", "30"])
def test_demo_figures_agree_with_the_rows(db, days):
    call_command("seed_demo", "--if-empty", "--days", days)
    counted = Entry.objects.annotate(
        rows_cheers=Count("cheers", distinct=True), rows_comments=Count("comments", distinct=True)
    )
    for entry in counted:
        assert (entry.cheer_count, entry.comment_count) == (entry.rows_cheers, entry.rows_comments)
    notified = Notification.objects.values_list("kind").annotate(n=Count("pk"))
    others_comments = Comment.objects.exclude(author_id=F("entry__author_id")).count()
    assert dict(notified) == {
        Notification.Kind.CHEER: Cheer.objects.count(),
        Notification.Kind.COMMENT: others_comments,
        Notification.Kind.FOLLOW: Follow.objects.count(),
    }


def fingerprint():
    entries = Entry.objects.order_by("author__username", "day")
    return (
        list(entries.values_list("author__username", "day", "title", "minutes", "visibility")),
        sorted(Cheer.objects.values_list("user__username", "entry__title")),
        sorted(Comment.objects.values_list("author__username", "entry__title", "body")),
    )


def test_seeding_is_deterministic(db):
    call_command("seed_demo", "--days", "30")
    first = fingerprint()
    User.objects.all().delete()
    call_command("seed_demo", "--days", "30")
    assert fingerprint() == first
