import pytest
from django.urls import reverse

from journal import services
from journal.models import Entry, Follow, Notification
from tests.conftest import days_ago, make_user, queries_for, write_entry


def follow_url(person):
    return reverse("journal:follow", args=[person.username])


def test_following_stores_the_follow_and_notifies(client, alice, bob):
    client.force_login(bob)
    response = client.post(follow_url(alice))
    assert response.status_code == 302
    assert response["Location"] == alice.get_absolute_url()
    assert Follow.objects.filter(follower=bob, followed=alice).exists()
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (
        alice,
        bob,
        Notification.Kind.FOLLOW,
    )


def test_unfollowing_removes_the_follow_and_its_notification(client, alice, bob):
    client.force_login(bob)
    client.post(follow_url(alice))
    client.post(follow_url(alice))
    assert not Follow.objects.exists()
    assert not Notification.objects.exists()
    client.post(follow_url(alice))
    assert Notification.objects.count() == 1


def test_nobody_follows_themselves(client, alice):
    client.force_login(alice)
    assert client.post(follow_url(alice)).status_code == 404
    assert "Follow Alice" not in client.get(alice.get_absolute_url()).content.decode()


def test_suspended_people_cannot_be_followed_or_follow(client, alice, bob, moderator):
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    client.force_login(bob)
    assert client.post(follow_url(alice)).status_code == 404
    client.force_login(alice)
    assert client.post(follow_url(bob)).status_code == 403
    assert not Follow.objects.exists()


def test_get_changes_nothing(client, alice, bob):
    client.force_login(bob)
    response = client.get(follow_url(alice))
    assert response["Location"] == alice.get_absolute_url()
    assert not Follow.objects.exists()


def test_visitors_are_sent_to_log_in_and_back(client, alice):
    page = client.get(alice.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next=/%40alice/" in page
    response = client.post(follow_url(alice))
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert not Follow.objects.exists()


def test_journey_shows_whether_i_follow(client, alice, bob):
    client.force_login(bob)
    page = client.get(alice.get_absolute_url()).content.decode()
    assert "Follow Alice Martin" in page
    services.follow_toggle(follower=bob, followed=alice)
    page = client.get(alice.get_absolute_url()).content.decode()
    assert "You follow Alice Martin." in page
    assert "Unfollow" in page


def test_following_shows_public_entries_of_people_i_follow(client, alice, bob, moderator):
    carol = make_user("carol")
    older = write_entry(alice, day=days_ago(alice, 1), title="Older lesson")
    newer = write_entry(alice, title="Newer lesson")
    write_entry(alice, day=days_ago(alice, 2), title="Secret", visibility=Entry.Visibility.PRIVATE)
    hidden = write_entry(alice, day=days_ago(alice, 3), title="Hidden one")
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True)
    write_entry(carol, title="Not followed")
    services.follow_toggle(follower=bob, followed=alice)
    client.force_login(bob)
    page = client.get(reverse("journal:following")).content.decode()
    assert newer.title in page
    assert older.title in page
    assert page.index("Newer lesson") < page.index("Older lesson")
    for absent in ("Secret", "Hidden one", "Not followed"):
        assert absent not in page


def test_following_leaves_out_suspended_people(client, alice, bob, moderator):
    write_entry(alice, title="Spam spam")
    services.follow_toggle(follower=bob, followed=alice)
    services.user_set_suspended(moderator=moderator, user=alice, suspended=True)
    client.force_login(bob)
    assert "Spam spam" not in client.get(reverse("journal:following")).content.decode()


def test_following_is_for_signed_in_people(client, db):
    response = client.get(reverse("journal:following"))
    assert response["Location"].startswith(reverse("account_login"))


def test_following_is_paginated(client, alice, bob):
    for n in range(21):
        write_entry(alice, day=days_ago(alice, n), title=f"Lesson number {n}")
    services.follow_toggle(follower=bob, followed=alice)
    client.force_login(bob)
    response = client.get(reverse("journal:following"))
    first = response.content.decode()
    older = {"before": response.context["page"].next_cursor}
    second = client.get(reverse("journal:following"), older).content.decode()
    # Newest written first: the first entry written is the one on page 2.
    assert "Lesson number 20<" in first
    assert "Lesson number 0<" not in first
    assert "Lesson number 0<" in second


@pytest.mark.parametrize("page", ["following", "journey"])
def test_pages_run_the_same_queries_for_1_and_25_entries(client, alice, bob, page):
    readers = [make_user(f"reader{n}") for n in range(3)]
    services.follow_toggle(follower=bob, followed=alice)
    url = reverse("journal:following") if page == "following" else alice.get_absolute_url()

    def add(n):
        entry = write_entry(alice, day=days_ago(alice, n), topics=["python", f"t{n}"])
        for person in [bob, *readers]:
            services.cheer_toggle(user=person, entry=entry)
            services.comment_create(author=person, entry=entry, body="Nice")

    add(0)
    client.force_login(bob)
    one = queries_for(client, url)
    for n in range(1, 25):
        add(n)
    assert queries_for(client, url) == one
