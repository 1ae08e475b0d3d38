"""Honest figures: the totals others see count public entries only; a person sees all of theirs.

Streaks are the same for everyone: a private or hidden entry is still a day of learning.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from journal import services
from journal.models import Entry, User
from journal.porting.posts import Draft
from tests.conftest import days_ago, make_user, write_entry


def figures(person):
    person.refresh_from_db()
    return (
        person.entry_count,
        person.total_minutes,
        person.public_entry_count,
        person.public_minutes,
    )


def header(client, person):
    """The figures at the top of ``person``'s journey, as the client sees them."""
    html = client.get(reverse("journal:journey", args=[person.username])).content.decode()
    start = html.index('<dl class="stats"')
    return html[start : html.index("</dl>", start)]


@pytest.fixture
def private_day(alice):
    """Alice's public hour today and 80 private minutes yesterday: 2.3 hours in all."""
    write_entry(alice, minutes=60, title="Out loud")
    write_entry(alice, day=days_ago(alice, 1), minutes=80, visibility="private")
    return alice


def test_a_private_entry_counts_for_its_author_only(alice):
    write_entry(alice, day=days_ago(alice, 1), minutes=80, visibility="private")
    write_entry(alice, minutes=60)
    assert figures(alice) == (2, 140, 1, 60)


def test_other_readers_see_the_public_figures_on_a_journey(client, bob, private_day):
    for viewer in (None, bob):
        if viewer:
            client.force_login(viewer)
        html = header(client, private_day)
        assert "<dt>Total learning</dt><dd>1.0 <small>hours</small></dd>" in html
        assert "<dt>Entries</dt><dd>1</dd>" in html
        assert "2.3" not in html
        assert "public" not in html


def test_the_author_sees_their_whole_figures_and_what_others_see(client, private_day):
    client.force_login(private_day)
    html = header(client, private_day)
    assert (
        '<dt>Total learning</dt><dd>2.3 <small>hours</small> <small class="stat-note">'
        "1.0 public</small></dd>"
    ) in html
    assert '<dt>Entries</dt><dd>2 <small class="stat-note">1 public</small></dd>' in html
    # The streak counts the private day, for the author and for everyone else alike.
    assert "<dt>Current streak</dt><dd>2 <small>days</small>" in html


def test_an_author_with_nothing_private_sees_no_second_figure(client, alice):
    write_entry(alice, minutes=90)
    client.force_login(alice)
    html = header(client, alice)
    assert "<dt>Total learning</dt><dd>1.5 <small>hours</small></dd>" in html
    assert "stat-note" not in html


def test_people_and_the_landing_page_count_public_entries_only(client, bob, private_day):
    write_entry(bob, minutes=30, visibility="private")
    for viewer in (None, bob, private_day):
        if viewer:
            client.force_login(viewer)
        html = client.get(reverse("journal:people")).content.decode()
        assert "<dt>Total learning</dt><dd>1.0 <small>h</small>" in html
        assert "2.3 <small>" not in html
    client.logout()
    landing = client.get(reverse("journal:home")).context
    assert (landing["entries_written"], landing["hours_learned"]) == (1, 1)


def test_people_by_longest_streak_are_not_ordered_by_private_minutes(client, alice, bob):
    write_entry(alice, minutes=60)
    write_entry(bob, minutes=90)
    write_entry(alice, day=days_ago(alice, 1), minutes=59, visibility="private")
    names = [
        person.username
        for person in client.get(reverse("journal:people"), {"sort": "longest"}).context["page"]
    ]
    # Same longest streak; Alice's 119 minutes would come first, her 60 public ones do not.
    assert names == ["bob", "alice"]


def test_hiding_and_restoring_an_entry_moves_the_public_figures(client, alice, bob, moderator):
    write_entry(alice, day=days_ago(alice, 1), minutes=60)
    reported = write_entry(alice, minutes=90)
    streaks = (alice.current_streak, alice.longest_streak)

    services.entry_set_hidden(moderator=moderator, entry=reported, hidden=True, reason="spam")
    assert figures(alice) == (2, 150, 1, 60)
    assert (alice.current_streak, alice.longest_streak) == streaks
    client.force_login(bob)
    assert "<dt>Total learning</dt><dd>1.0 <small>hours</small></dd>" in header(client, alice)

    services.entry_set_hidden(moderator=moderator, entry=reported, hidden=False)
    assert figures(alice) == (2, 150, 2, 150)
    assert "<dt>Total learning</dt><dd>2.5 <small>hours</small></dd>" in header(client, alice)


def test_editing_the_visibility_and_deleting_move_the_public_figures(alice):
    entry = write_entry(alice, minutes=45)
    entry.visibility = Entry.Visibility.PRIVATE
    services.entry_save(entry=entry, topic_names=[])
    assert figures(alice) == (1, 45, 0, 0)
    entry.visibility = Entry.Visibility.PUBLIC
    entry.minutes = 50
    services.entry_save(entry=entry, topic_names=[])
    assert figures(alice) == (1, 50, 1, 50)
    services.entry_delete(entry=entry)
    assert figures(alice) == (0, 0, 0, 0)


def test_an_import_counts_its_private_entries_for_the_author_only(alice):
    drafts = [
        Draft(source="a.md", day=days_ago(alice, 3), title="Open", minutes=40, body="x"),
        Draft(
            source="b.md", day=days_ago(alice, 2), title="Mine", minutes=70, body="x",
            visibility=Entry.Visibility.PRIVATE,
        ),
    ]  # fmt: skip
    services.journal_import(user=alice, items=drafts)
    assert figures(alice) == (2, 110, 1, 40)


def test_suspension_leaves_the_figures_to_come_back_unchanged(alice, moderator):
    write_entry(alice, minutes=60)
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    assert figures(alice) == (1, 60, 1, 60)
    assert not User.objects.public().filter(pk=alice.pk).exists()


def test_a_recount_finds_the_figures_the_services_keep(alice, bob, moderator):
    write_entry(alice, minutes=60)
    write_entry(alice, day=days_ago(alice, 1), minutes=80, visibility="private")
    hidden = write_entry(bob, minutes=30)
    write_entry(bob, day=days_ago(bob, 1), minutes=20)
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True)
    make_user("carol")
    kept = {user.pk: figures(user) for user in User.objects.all()}
    User.objects.update(public_entry_count=99, public_minutes=99)
    services.users_recount()
    assert {user.pk: figures(user) for user in User.objects.all()} == kept

    User.objects.update(public_entry_count=0, public_minutes=0)
    migration = importlib.import_module("journal.migrations.0006_user_public_figures")
    migration.count_public_figures(apps, None)
    assert {user.pk: figures(user) for user in User.objects.all()} == kept
