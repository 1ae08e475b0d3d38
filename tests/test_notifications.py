import datetime as dt
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Notification
from tests.conftest import days_ago, make_user, write_entry

URL = reverse("journal:notifications")


def nav_count(page):
    match = re.search(r'<span class="nav-count">(\d+)', page)
    return int(match.group(1)) if match else 0


def test_cheers_comments_and_follows_are_listed_newest_first(client, alice, bob):
    carol = make_user("carol", display_name="Carol Diaz")
    write_entry(alice, day=days_ago(alice, 1))
    entry = write_entry(alice, title="Transformers")
    services.cheer_toggle(user=bob, entry=entry)
    services.comment_create(author=carol, entry=entry, body="Lovely summary")
    services.follow_toggle(follower=carol, followed=alice)
    for age, item in enumerate(Notification.objects.order_by("-pk")):
        Notification.objects.filter(pk=item.pk).update(
            created_at=timezone.now() - dt.timedelta(minutes=age)
        )
    client.force_login(alice)
    page = client.get(URL).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "Bob Stone cheered your Day 2" in text
    assert "Carol Diaz commented on your Day 2" in text
    assert "Lovely summary" in text
    assert "Carol Diaz followed you" in text
    assert text.index("followed you") < text.index("commented on") < text.index("cheered")
    assert f"{entry.get_absolute_url()}#comment-" in page


def test_reading_the_list_marks_nothing_read(client, alice, bob):
    entry = write_entry(alice)
    services.cheer_toggle(user=bob, entry=entry)
    services.follow_toggle(follower=bob, followed=alice)
    client.force_login(alice)
    assert nav_count(client.get(reverse("journal:feed")).content.decode()) == 2
    for _ in range(2):
        page = client.get(URL).content.decode()
        assert page.count("notification-unread") == 2
        assert page.count('<span class="badge badge-new">New</span>') == 2
        assert nav_count(page) == 2
        assert "Mark all read" in page
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    client.post(reverse("journal:notifications_mark_read"))
    page = client.get(URL).content.decode()
    assert "notification-unread" not in page
    assert "Mark all read" not in page
    assert nav_count(page) == 0


def test_an_image_of_the_list_in_a_comment_marks_nothing_read(client, alice, bob):
    # The reader's browser fetches the image with the reader's cookies.
    entry = write_entry(alice)
    services.follow_toggle(follower=bob, followed=alice)
    services.comment_create(author=bob, entry=entry, body=f"Look: ![]({URL})")
    client.force_login(alice)
    page = client.get(entry.get_absolute_url()).content.decode()
    assert f'src="{URL}"' in page
    assert client.get(URL).status_code == 200
    assert Notification.objects.filter(recipient=alice, read_at__isnull=True).count() == 2


def test_mark_all_read(client, alice, bob):
    services.follow_toggle(follower=bob, followed=alice)
    client.force_login(alice)
    url = reverse("journal:notifications_mark_read")
    assert client.get(url).status_code == 405
    assert Notification.objects.filter(read_at__isnull=True).exists()
    response = client.post(url)
    assert response["Location"] == URL
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_mark_all_read_reaches_past_the_first_page(client, alice, bob):
    # Short days, which reach no milestone of their own to announce.
    entries = [write_entry(alice, day=days_ago(alice, n), minutes=20) for n in range(25)]
    for entry in entries:
        services.cheer_toggle(user=bob, entry=entry)
    client.force_login(alice)
    assert Notification.objects.filter(read_at__isnull=True).count() == 25
    assert nav_count(client.get(reverse("journal:feed")).content.decode()) == 25
    client.post(reverse("journal:notifications_mark_read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_each_person_sees_only_their_own(client, alice, bob):
    services.follow_toggle(follower=bob, followed=alice)
    client.force_login(bob)
    page = client.get(URL).content.decode()
    assert "followed you" not in page
    assert nav_count(page) == 0


def test_signed_in_only(client, alice):
    assert client.get(URL)["Location"].startswith(reverse("account_login"))
    assert client.post(reverse("journal:notifications_mark_read"))["Location"].startswith(
        reverse("account_login")
    )
    assert URL not in client.get(reverse("journal:feed")).content.decode()


def test_suspended_people_notifications_are_not_shown(client, alice, bob, moderator):
    services.follow_toggle(follower=bob, followed=alice)
    services.user_set_suspended(moderator=moderator, user=bob, suspended=True)
    client.force_login(alice)
    assert nav_count(client.get(reverse("journal:feed")).content.decode()) == 0
    assert "Bob Stone" not in client.get(URL).content.decode()


def test_nothing_about_my_own_actions(alice):
    entry = write_entry(alice)
    services.comment_create(author=alice, entry=entry, body="Note to self")
    assert not Notification.objects.exists()


def test_list_runs_the_same_queries_for_1_and_25_notifications(
    client, alice, django_assert_num_queries
):
    entry = write_entry(alice, topics=["python"])
    people = [make_user(f"reader{n}") for n in range(25)]
    client.force_login(alice)
    client.get(reverse("journal:feed"))
    services.follow_toggle(follower=people[0], followed=alice)
    with CaptureQueriesContext(connection) as one:
        assert client.get(URL).status_code == 200
    for person in people[1:]:
        services.comment_create(author=person, entry=entry, body="Well done")
        services.cheer_toggle(user=person, entry=entry)
        services.follow_toggle(follower=person, followed=alice)
    with django_assert_num_queries(len(one)):
        assert client.get(URL).status_code == 200
