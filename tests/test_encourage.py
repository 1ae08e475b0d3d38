import datetime as dt

from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Entry
from tests.conftest import days_ago, make_user, queries_for, write_entry

URL = reverse("journal:encourage")


def test_lists_recent_public_entries_nobody_encouraged_yet(client, alice, bob, moderator):
    carol = make_user("carol")
    waiting = write_entry(alice, title="Waiting for a word")
    cheered = write_entry(alice, day=days_ago(alice, 1), title="Already cheered")
    services.cheer_toggle(user=carol, entry=cheered)
    commented = write_entry(alice, day=days_ago(alice, 2), title="Already commented")
    services.comment_create(author=carol, entry=commented, body="Nice")
    old = write_entry(alice, day=days_ago(alice, 3), title="Long ago")
    Entry.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    write_entry(alice, day=days_ago(alice, 4), title="Private one", visibility="private")
    hidden = write_entry(alice, day=days_ago(alice, 5), title="Hidden one")
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True)
    write_entry(bob, title="Bob's own")
    client.force_login(bob)
    page = client.get(URL).content.decode()
    assert waiting.title in page
    for absent in (
        "Already cheered",
        "Already commented",
        "Long ago",
        "Private one",
        "Hidden one",
        "Bob&#x27;s own",
    ):
        assert absent not in page


def test_visitors_see_it_too(client, alice):
    write_entry(alice, title="Waiting for a word")
    page = client.get(URL).content.decode()
    assert "Waiting for a word" in page
    assert 'aria-current="page">Needs encouragement' in page


def test_suspended_authors_are_left_out(client, alice, moderator):
    write_entry(alice, title="Spam spam")
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    assert "Spam spam" not in client.get(URL).content.decode()


def test_an_entry_leaves_once_cheered_and_returns_when_uncheered(client, alice, bob):
    entry = write_entry(alice, title="Waiting for a word")
    services.cheer_toggle(user=bob, entry=entry)
    assert "Waiting for a word" not in client.get(URL).content.decode()
    services.cheer_toggle(user=bob, entry=entry)
    assert "Waiting for a word" in client.get(URL).content.decode()


def test_runs_the_same_queries_for_1_and_25_entries(client, bob):
    people = [make_user(f"writer{n}") for n in range(25)]
    write_entry(people[0], topics=["python"])
    client.force_login(bob)
    one = queries_for(client, URL)
    for person in people[1:]:
        write_entry(person, topics=["python", person.username])
    assert queries_for(client, URL) == one
