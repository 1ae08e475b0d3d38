import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Comment, Entry, Notification
from tests.conftest import days_ago, make_user, queries_for, write_entry


@pytest.fixture
def entry(alice):
    return write_entry(alice, title="Attention is all you need")


def create_url(entry):
    return reverse("journal:comment_create", args=[entry.pk])


def test_commenting_stores_the_comment_the_count_and_a_notification(client, bob, entry):
    client.force_login(bob)
    response = client.post(create_url(entry), {"body": "Great *lesson*!"})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{entry.get_absolute_url()}#comment-{comment.pk}"
    assert (comment.author, comment.entry) == (bob, entry)
    assert comment.body_html == "<p>Great <em>lesson</em>!</p>"
    entry.refresh_from_db()
    assert entry.comment_count == 1
    notification = Notification.objects.get()
    assert (notification.recipient, notification.actor, notification.kind) == (
        entry.author,
        bob,
        Notification.Kind.COMMENT,
    )
    assert notification.comment == comment


def test_comments_are_sanitised_markdown(client, bob, entry):
    client.force_login(bob)
    client.post(
        create_url(entry),
        {"body": "**Bold** <script>alert(1)</script> [x](javascript:alert(2)) <b onclick=y>b</b>"},
    )
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in page
    assert "<script>alert(1)" not in page
    assert "javascript:alert" not in page
    assert "onclick" not in page


def test_an_empty_comment_is_refused(client, bob, entry):
    client.force_login(bob)
    response = client.post(create_url(entry), {"body": "  "})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()
    entry.refresh_from_db()
    assert entry.comment_count == 0


def test_commenting_on_my_own_entry_notifies_nobody(client, alice, entry):
    client.force_login(alice)
    client.post(create_url(entry), {"body": "Thanks all"})
    assert Comment.objects.count() == 1
    assert not Notification.objects.exists()


def test_comments_are_shown_newest_last_with_the_count(client, alice, bob, entry):
    services.comment_create(author=bob, entry=entry, body="First word")
    later = services.comment_create(author=alice, entry=entry, body="Second word")
    Comment.objects.filter(pk=later.pk).update(created_at=timezone.now() + dt.timedelta(minutes=1))
    page = client.get(entry.get_absolute_url()).content.decode()
    assert page.index("First word") < page.index("Second word")
    feed = client.get(reverse("journal:feed")).content.decode()
    assert "2 comments" in feed


def test_visitors_read_comments_and_are_asked_to_log_in_to_write(client, bob, entry):
    services.comment_create(author=bob, entry=entry, body="Keep going")
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Keep going" in page
    assert "Log in to comment" in page
    assert create_url(entry) not in page
    response = client.post(create_url(entry), {"body": "Hi"})
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert Comment.objects.count() == 1


def test_get_on_the_comment_address_goes_back_to_the_entry(client, bob, entry):
    client.force_login(bob)
    response = client.get(create_url(entry))
    assert response["Location"] == f"{entry.get_absolute_url()}#comments"
    assert not Comment.objects.exists()


def test_no_comments_on_what_i_cannot_see(client, alice, bob, moderator):
    private = write_entry(alice, visibility=Entry.Visibility.PRIVATE)
    hidden = write_entry(alice, day=days_ago(alice, 1))
    services.entry_set_hidden(moderator=moderator, entry=hidden, hidden=True)
    client.force_login(bob)
    for entry in (private, hidden):
        assert client.post(create_url(entry), {"body": "Hi"}).status_code == 404
    assert not Comment.objects.exists()


def test_the_author_edits_their_comment(client, bob, entry):
    comment = services.comment_create(author=bob, entry=entry, body="Nice")
    client.force_login(bob)
    url = reverse("journal:comment_edit", args=[comment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Very **nice**"})
    assert response["Location"] == f"{entry.get_absolute_url()}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body_html == "<p>Very <strong>nice</strong></p>"
    entry.refresh_from_db()
    assert entry.comment_count == 1


def test_the_author_deletes_their_comment(client, bob, entry):
    comment = services.comment_create(author=bob, entry=entry, body="Nice")
    client.force_login(bob)
    url = reverse("journal:comment_delete", args=[comment.pk])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == f"{entry.get_absolute_url()}#comments"
    assert not Comment.objects.exists()
    assert not Notification.objects.exists()
    entry.refresh_from_db()
    assert entry.comment_count == 0


@pytest.mark.parametrize("name", ["journal:comment_edit", "journal:comment_delete"])
def test_nobody_else_edits_or_deletes_a_comment(client, alice, bob, moderator, entry, name):
    comment = services.comment_create(author=bob, entry=entry, body="Nice")
    url = reverse(name, args=[comment.pk])
    for person in (alice, moderator):
        client.force_login(person)
        assert client.get(url).status_code in (404, 405)
        assert client.post(url, {"body": "Mine now"}).status_code == 404
    client.logout()
    assert client.post(url, {"body": "Mine now"})["Location"].startswith(reverse("account_login"))
    comment.refresh_from_db()
    assert comment.body == "Nice"


def test_edit_and_delete_links_only_on_my_comments(client, alice, bob, entry):
    mine = services.comment_create(author=bob, entry=entry, body="Mine")
    theirs = services.comment_create(author=alice, entry=entry, body="Theirs")
    client.force_login(bob)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert reverse("journal:comment_edit", args=[mine.pk]) in page
    assert reverse("journal:comment_edit", args=[theirs.pk]) not in page


def test_hidden_comments_leave_every_public_place(client, alice, bob, moderator, entry):
    comment = services.comment_create(author=bob, entry=entry, body="Buy cheap pills")
    services.comment_set_hidden(moderator=moderator, comment=comment, hidden=True, reason="Spam")
    entry.refresh_from_db()
    assert entry.comment_count == 0
    assert "Buy cheap pills" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(alice)
    assert "Buy cheap pills" not in client.get(entry.get_absolute_url()).content.decode()
    assert "Buy cheap pills" not in client.get(reverse("journal:notifications")).content.decode()
    client.force_login(bob)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "Buy cheap pills" in page
    assert "A moderator hid this comment: Spam" in page


def test_deleting_a_hidden_comment_keeps_the_count_right(bob, moderator, entry):
    kept = services.comment_create(author=bob, entry=entry, body="Kept")
    hidden = services.comment_create(author=bob, entry=entry, body="Hidden")
    services.comment_set_hidden(moderator=moderator, comment=hidden, hidden=True)
    services.comment_delete(comment=hidden)
    entry.refresh_from_db()
    assert entry.comment_count == 1
    assert list(entry.comments.all()) == [kept]


def test_comments_of_suspended_people_are_not_shown(client, bob, moderator, entry):
    services.comment_create(author=bob, entry=entry, body="Spammy")
    services.user_set_suspended(moderator=moderator, user=bob, suspended=True)
    assert "Spammy" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert client.post(create_url(entry), {"body": "More"}).status_code == 403


def test_entry_page_runs_the_same_queries_for_1_and_25_comments(client, alice, bob):
    entry = write_entry(alice, topics=["python"])
    people = [make_user(f"reader{n}") for n in range(25)]

    def add(person):
        services.comment_create(author=person, entry=entry, body=f"Go **{person}**")
        services.cheer_toggle(user=person, entry=entry)

    add(people[0])
    client.force_login(bob)
    url = entry.get_absolute_url()
    one = queries_for(client, url)
    for person in people[1:]:
        add(person)
    assert queries_for(client, url) == one
    assert "25 cheers" in client.get(url).content.decode()
