"""`manage.py seed_demo`, which `make run` calls so a newcomer sees a living site."""

from django.core.management import call_command
from django.urls import reverse

from journal import streaks
from journal.models import Entry, Topic, User


def test_demo_learners_have_journeys_with_consistent_figures(db):
    call_command("seed_demo", "--if-empty", "--days", "30")
    learners = User.objects.filter(username__in=["ada", "malik", "sofia", "kenji"])
    assert learners.count() == 4
    for learner in learners:
        entries = list(Entry.objects.filter(author=learner).order_by("day"))
        assert entries, learner
        assert [entry.number for entry in entries] == list(range(1, len(entries) + 1))
        expected = streaks.compute_stats(
            [(entry.day, entry.minutes) for entry in entries], learner.daily_goal_minutes
        )
        assert learner.stored_stats() == expected
        # Every demo entry is public.
        assert (learner.public_entry_count, learner.public_minutes) == (
            expected.entry_count,
            expected.total_minutes,
        )
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
