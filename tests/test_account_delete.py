import pytest
from django.urls import reverse

from journal.models import Cheer, Comment, Entry, Follow, User
from journal.services.figures import entries_refresh_counts
from tests.conftest import make_user, write_entry


@pytest.fixture
def community(alice, bob):
    """Alice and Bob each wrote, cheered, commented on and followed the other."""
    carol = make_user("carol")
    alices = write_entry(alice, title="Alice's day")
    bobs = write_entry(bob, title="Bob's day")
    for person, entry in ((alice, bobs), (bob, alices), (carol, bobs)):
        Cheer.objects.create(user=person, entry=entry)
        Comment.objects.create(entry=entry, author=person, body=f"Well done, from {person}")
    Follow.objects.create(follower=alice, followed=bob)
    Follow.objects.create(follower=bob, followed=alice)
    entries_refresh_counts(entry_ids=[alices.pk, bobs.pk])
    return alices, bobs


def test_deleting_needs_the_password(client, alice, community):
    client.force_login(alice)
    response = client.post(reverse("journal:account_delete"), {"password": "nope"})
    assert response.status_code == 400
    assert "not your password" in response.content.decode()
    assert User.objects.filter(username="alice").exists()


def test_delete_takes_my_things_and_nothing_else(client, alice, bob, community):
    alices, bobs = community
    client.force_login(alice)
    assert client.get(reverse("journal:account_delete")).status_code == 200
    response = client.post(
        reverse("journal:account_delete"), {"password": "correct horse battery"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("journal:home")
    assert not response.context["user"].is_authenticated

    assert not User.objects.filter(username="alice").exists()
    assert not Entry.objects.filter(pk=alices.pk).exists()
    assert not Cheer.objects.filter(user__username="alice").exists()
    assert not Follow.objects.filter(followed=bob).exists()
    # Bob's entry, and Bob's and Carol's words on it, stay; its counts forget Alice.
    bobs.refresh_from_db()
    assert Comment.objects.filter(entry=bobs).count() == 1
    assert (bobs.cheer_count, bobs.comment_count) == (1, 1)
    assert User.objects.filter(username__in=["bob", "carol"]).count() == 2


def test_visitors_are_asked_to_log_in(client, db):
    response = client.get(reverse("journal:account_delete"))
    assert response.status_code == 302
