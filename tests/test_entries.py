"""Writing, editing and deleting entries: /write/, /entries/<id>/edit/ and delete."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from journal import services
from journal.models import Challenge, Entry, Topic, User
from tests.conftest import days_ago, make_user, write_entry

WRITE = reverse("journal:write")


def entry_data(**overrides):
    data = {
        "title": "Convolutions by hand",
        "minutes": "75",
        "topic_names": "Computer Vision, python",
        "body": "Worked through **chapter 3**.",
        "key_lesson": "Padding keeps the size.",
        "reflection": "Slow but worth it.",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def login_url(next_url):
    return f"{reverse('account_login')}?next={next_url}"


# /write/


def test_visitors_are_sent_to_log_in(client, db):
    response = client.get(WRITE)
    assert response.status_code == 302
    assert response["Location"] == login_url(WRITE)
    assert client.post(WRITE, entry_data()).status_code == 302
    assert not Entry.objects.exists()


def test_the_form_offers_today_and_yesterday(client, alice):
    client.force_login(alice)
    response = client.get(WRITE)
    assert response.status_code == 200
    page = response.content.decode()
    assert days_ago(alice, 0).isoformat() in page
    assert days_ago(alice, 1).isoformat() in page
    assert days_ago(alice, 2).isoformat() not in page
    assert "Record yesterday" in page


def test_writing_today_creates_day_one_and_shows_it_with_the_streak(client, alice):
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat()), follow=True)
    entry = Entry.objects.get(author=alice)
    assert response.redirect_chain == [(entry.get_absolute_url(), 302)]
    assert (entry.day, entry.number, entry.minutes) == (days_ago(alice, 0), 1, 75)
    assert entry.title == "Convolutions by hand"
    assert entry.body_html == "<p>Worked through <strong>chapter 3</strong>.</p>"
    page = response.content.decode()
    assert "Day 1 is written. Your streak: 1 day." in page
    assert "Day 1" in page
    assert "Convolutions by hand" in page
    alice.refresh_from_db()
    assert (alice.entry_count, alice.current_streak, alice.longest_streak) == (1, 1, 1)


def test_the_second_day_shows_day_two_and_a_streak_of_two(client, alice):
    write_entry(alice, day=days_ago(alice, 1))
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat()), follow=True)
    assert "Day 2 is written. Your streak: 2 days." in response.content.decode()
    assert Entry.objects.get(author=alice, day=days_ago(alice, 0)).number == 2


def test_day_defaults_to_today(client, alice):
    client.force_login(alice)
    data = entry_data()
    response = client.get(WRITE)
    assert response.context["form"]["day"].value() == days_ago(alice, 0)
    data["day"] = response.context["form"]["day"].value().isoformat()
    client.post(WRITE, data)
    assert Entry.objects.get(author=alice).day == days_ago(alice, 0)


def test_record_yesterday(client, alice):
    client.force_login(alice)
    response = client.get(WRITE, {"day": "yesterday"})
    assert response.status_code == 200
    assert response.context["form"]["day"].value() == days_ago(alice, 1)
    client.post(f"{WRITE}?day=yesterday", entry_data(day=days_ago(alice, 1).isoformat()))
    assert Entry.objects.get(author=alice).day == days_ago(alice, 1)


def test_write_redirects_to_edit_when_today_is_written(client, alice):
    entry = write_entry(alice)
    client.force_login(alice)
    response = client.get(WRITE)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:entry_edit", kwargs={"pk": entry.pk})


def test_yesterday_redirects_to_its_edit_page_when_written(client, alice):
    entry = write_entry(alice, day=days_ago(alice, 1))
    client.force_login(alice)
    response = client.get(WRITE, {"day": "yesterday"})
    assert response["Location"] == reverse("journal:entry_edit", kwargs={"pk": entry.pk})
    # Today is still open, and the form no longer offers the written day.
    response = client.get(WRITE)
    assert response.status_code == 200
    assert days_ago(alice, 1).isoformat() not in response.content.decode()
    assert "Record yesterday" not in response.content.decode()


@pytest.mark.parametrize("offset", [-1, -30, 2, 400])
def test_future_and_older_days_are_refused(client, alice, offset):
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, offset).isoformat()))
    assert response.status_code == 400
    assert "You can write today&#x27;s entry, or yesterday&#x27;s" in response.content.decode()
    assert not Entry.objects.exists()
    alice.refresh_from_db()
    assert alice.entry_count == 0


# Yesterday belongs only to someone whose account existed then.

JOINED_TODAY = "You joined Momentum today, so there is no yesterday to record"


@pytest.fixture
def newcomer(db):
    return make_user("nia", date_joined=timezone.now(), welcomed_at=None)


def test_a_newcomer_is_offered_today_only_with_a_day_one_prompt(client, newcomer):
    client.force_login(newcomer)
    page = client.get(WRITE).content.decode()
    assert "Day 1: your first entry" in page
    assert days_ago(newcomer, 0).isoformat() in page
    assert days_ago(newcomer, 1).isoformat() not in page
    assert "Record yesterday" not in page
    # Asking for yesterday by its address gets today's form.
    response = client.get(WRITE, {"day": "yesterday"})
    assert response.status_code == 200
    assert response.context["form"]["day"].value() == days_ago(newcomer, 0)
    assert "Record yesterday" not in response.content.decode()


def test_a_newcomers_entry_for_yesterday_is_refused_with_the_reason(client, newcomer):
    client.force_login(newcomer)
    response = client.post(
        f"{WRITE}?day=yesterday", entry_data(day=days_ago(newcomer, 1).isoformat())
    )
    assert response.status_code == 400
    assert JOINED_TODAY in response.content.decode().replace("&#x27;", "'")
    assert not Entry.objects.exists()
    newcomer.refresh_from_db()
    assert newcomer.entry_count == 0


def test_the_day_one_prompt_is_for_a_first_entry_only(client, alice):
    client.force_login(alice)
    assert "Day 1: your first entry" in client.get(WRITE).content.decode()
    write_entry(alice, day=days_ago(alice, 1))
    page = client.get(WRITE).content.decode()
    assert "Write your entry" in page
    assert "Day 1: your first entry" not in page


@pytest.mark.parametrize(
    ("zone", "last_joined_day", "first_next_day"),
    [
        # Joined at 23:30 UTC on 1 June: 01:30 on 2 June in Paris, 19:30 on 1 June in New York.
        ("Europe/Paris", dt.datetime(2025, 6, 2, 21, 59), dt.datetime(2025, 6, 2, 22, 1)),
        ("America/New_York", dt.datetime(2025, 6, 2, 3, 59), dt.datetime(2025, 6, 2, 4, 1)),
    ],
)
def test_yesterday_opens_at_the_newcomers_own_midnight(
    client, db, clock, zone, last_joined_day, first_next_day
):
    clock.instant = dt.datetime(2025, 6, 1, 23, 30, tzinfo=dt.UTC)
    person = make_user("nia", date_joined=clock.instant, time_zone=zone)
    client.force_login(person)
    clock.instant = last_joined_day.replace(tzinfo=dt.UTC)
    joined_day = person.local_today()
    assert "Record yesterday" not in client.get(WRITE).content.decode()
    clock.instant = first_next_day.replace(tzinfo=dt.UTC)
    assert person.local_today() == joined_day + dt.timedelta(days=1)
    assert "Record yesterday" in client.get(WRITE).content.decode()
    response = client.post(WRITE, entry_data(day=joined_day.isoformat()), follow=True)
    assert response.status_code == 200
    assert Entry.objects.get(author=person).day == joined_day


def test_a_second_entry_for_the_same_day_gets_a_clear_message(client, alice):
    entry = write_entry(alice, minutes=30, title="First")
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=entry.day.isoformat()))
    assert response.status_code == 400
    assert "You already have an entry for" in response.content.decode()
    assert Entry.objects.get(author=alice).title == "First"
    alice.refresh_from_db()
    assert (alice.entry_count, alice.total_minutes) == (1, 30)


def test_a_second_entry_for_yesterday_after_today_is_refused_and_changes_nothing(client, alice):
    # Yesterday comes before the latest day: the database's constraint decides.
    write_entry(alice, day=days_ago(alice, 1), minutes=30, title="Yesterday")
    write_entry(alice, day=days_ago(alice, 0), minutes=30, title="Today")
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, 1).isoformat()))
    assert response.status_code == 400
    assert "You already have an entry for" in response.content.decode()
    assert sorted(Entry.objects.filter(author=alice).values_list("title", flat=True)) == [
        "Today",
        "Yesterday",
    ]
    alice.refresh_from_db()
    assert (alice.entry_count, alice.total_minutes) == (2, 60)


def test_writing_todays_entry_runs_a_fixed_number_of_queries(
    client, alice, bob, django_assert_num_queries
):
    # The session, the person, the author's lock and their rest days, the entry, its topics
    # found, linked and counted, the author's figures, their participations read and their
    # figures stored in each challenge the entry counts for, and the savepoint pair of the
    # test's own transaction: the same for a first entry as after a long journal, and one
    # more for each challenge (bob is in the site's own, alice in three more).
    Topic.from_names(["Computer Vision", "python"])
    carol = make_user("carol")
    for title in ("Rust", "Go", "Zig"):
        challenge = Challenge(creator=carol, title=title, starts_on=carol.local_today())
        services.challenge_join(
            person=alice, challenge=services.challenge_create(challenge=challenge, topic_names=[])
        )
    for day in range(2, 40):
        Entry.objects.create(
            author=alice, day=days_ago(alice, day), number=0, minutes=60, title="Old", body="."
        )
    services.user_refresh_stats(user=User.objects.get(pk=alice.pk))
    write_entry(alice, day=days_ago(alice, 1))
    for person, challenges in ((bob, 1), (alice, 4)):
        client.force_login(person)
        with django_assert_num_queries(12 + challenges):
            response = client.post(WRITE, entry_data(day=days_ago(person, 0).isoformat()))
        assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.entry_count, alice.current_streak) == (40, 40)
    assert Entry.objects.get(author=alice, day=days_ago(alice, 0)).number == 40


@pytest.mark.parametrize("minutes", ["0", "-5", "1441", "100000", "", "an hour"])
def test_minutes_out_of_range_are_refused(client, alice, minutes):
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat(), minutes=minutes))
    assert response.status_code == 400
    assert 'class="error" id="id_minutes_error"' in response.content.decode()
    assert not Entry.objects.exists()


@pytest.mark.parametrize("minutes", [1, 1440])
def test_minutes_at_the_bounds_are_accepted(client, alice, minutes):
    client.force_login(alice)
    client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat(), minutes=str(minutes)))
    assert Entry.objects.get(author=alice).minutes == minutes


def test_a_suspended_person_cannot_write(client, alice):
    User.objects.filter(pk=alice.pk).update(is_suspended=True)
    client.force_login(alice)
    response = client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat()))
    assert response.status_code == 403
    assert not Entry.objects.exists()


# Topics


def test_topics_are_created_on_first_use_and_reused_by_slug(client, alice, bob):
    client.force_login(alice)
    client.post(WRITE, entry_data(day=days_ago(alice, 0).isoformat()))
    assert sorted(Topic.objects.values_list("slug", "name")) == [
        ("computer-vision", "Computer Vision"),
        ("python", "python"),
    ]
    client.force_login(bob)
    client.post(
        WRITE,
        entry_data(day=days_ago(bob, 0).isoformat(), topic_names="computer vision, PYTHON, llmops"),
    )
    assert Topic.objects.count() == 3
    # The first spelling stays the topic's name.
    assert Topic.objects.get(slug="computer-vision").name == "Computer Vision"
    alices = Entry.objects.get(author=alice)
    bobs = Entry.objects.get(author=bob)
    assert set(alices.topics.values_list("slug", flat=True)) == {"computer-vision", "python"}
    assert set(bobs.topics.values_list("slug", flat=True)) == {
        "computer-vision",
        "python",
        "llmops",
    }


def test_blank_and_repeated_topic_names_are_ignored(client, alice):
    client.force_login(alice)
    client.post(
        WRITE, entry_data(day=days_ago(alice, 0).isoformat(), topic_names=" , Rust,rust ,, !!")
    )
    entry = Entry.objects.get(author=alice)
    assert list(entry.topics.values_list("slug", flat=True)) == ["rust"]


# Editing


def test_the_author_edits_an_entry(client, alice):
    entry = write_entry(alice, minutes=30, topics=["python"])
    client.force_login(alice)
    url = reverse("journal:entry_edit", kwargs={"pk": entry.pk})
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["form"]["topic_names"].value() == "python"
    response = client.post(url, entry_data(title="Better title", minutes="90", topic_names="go"))
    assert response.status_code == 302
    assert response["Location"] == entry.get_absolute_url()
    entry.refresh_from_db()
    assert (entry.title, entry.minutes, entry.number) == ("Better title", 90, 1)
    assert list(entry.topics.values_list("slug", flat=True)) == ["go"]
    alice.refresh_from_db()
    assert (alice.total_minutes, alice.current_streak) == (90, 1)


def test_editing_cannot_move_an_entry_to_another_day(client, alice):
    entry = write_entry(alice)
    client.force_login(alice)
    client.post(
        reverse("journal:entry_edit", kwargs={"pk": entry.pk}),
        entry_data(day=days_ago(alice, 1).isoformat()),
    )
    entry.refresh_from_db()
    assert entry.day == days_ago(alice, 0)


def test_editing_with_bad_minutes_changes_nothing(client, alice):
    entry = write_entry(alice, minutes=30)
    client.force_login(alice)
    response = client.post(
        reverse("journal:entry_edit", kwargs={"pk": entry.pk}), entry_data(minutes="0")
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.minutes == 30


def test_nobody_else_can_edit(client, alice, bob):
    entry = write_entry(alice, title="Mine")
    url = reverse("journal:entry_edit", kwargs={"pk": entry.pk})
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url, entry_data(title="Hijacked")).status_code == 404
    client.logout()
    response = client.post(url, entry_data(title="Hijacked"))
    assert response.status_code == 302
    assert response["Location"] == login_url(url)
    entry.refresh_from_db()
    assert entry.title == "Mine"


# Deleting


def test_delete_asks_for_confirmation_on_get(client, alice):
    entry = write_entry(alice, title="Convolutions")
    client.force_login(alice)
    response = client.get(reverse("journal:entry_delete", kwargs={"pk": entry.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Delete Day 1?" in page
    assert "Convolutions" in page
    assert 'method="post"' in page
    assert Entry.objects.filter(pk=entry.pk).exists()


def test_the_author_deletes_with_a_post_and_figures_follow(client, alice):
    first = write_entry(alice, day=days_ago(alice, 1), minutes=40)
    second = write_entry(alice, day=days_ago(alice, 0), minutes=70)
    client.force_login(alice)
    response = client.post(reverse("journal:entry_delete", kwargs={"pk": first.pk}))
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:journey", kwargs={"username": "alice"})
    assert not Entry.objects.filter(pk=first.pk).exists()
    second.refresh_from_db()
    assert second.number == 1
    alice.refresh_from_db()
    assert (alice.entry_count, alice.total_minutes, alice.current_streak) == (1, 70, 1)


def test_nobody_else_can_delete(client, alice, bob):
    entry = write_entry(alice)
    url = reverse("journal:entry_delete", kwargs={"pk": entry.pk})
    client.force_login(bob)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    client.logout()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == login_url(url)
    assert Entry.objects.filter(pk=entry.pk).exists()
    alice.refresh_from_db()
    assert alice.entry_count == 1


# Local days


def test_the_day_is_the_authors_local_day(client, clock, alice, bob):
    # 23:30 UTC on 1 June: already 2 June in Paris, still 1 June in New York.
    clock.instant = dt.datetime(2025, 6, 1, 23, 30, tzinfo=dt.UTC)
    for person in (alice, bob):
        client.force_login(person)
        response = client.get(WRITE)
        day = response.context["form"]["day"].value()
        client.post(WRITE, entry_data(day=day.isoformat()))
    assert Entry.objects.get(author=alice).day == dt.date(2025, 6, 2)
    assert Entry.objects.get(author=bob).day == dt.date(2025, 6, 1)


def test_write_follows_the_authors_midnight(client, clock, alice):
    clock.instant = dt.datetime(2025, 6, 1, 21, 59, tzinfo=dt.UTC)  # 23:59 in Paris
    client.force_login(alice)
    client.post(WRITE, entry_data(day="2025-06-01"))
    assert client.get(WRITE).status_code == 302
    clock.instant += dt.timedelta(minutes=2)  # 00:01 in Paris: a new day to write
    response = client.get(WRITE)
    assert response.status_code == 200
    assert response.context["form"]["day"].value() == dt.date(2025, 6, 2)
    # 1 June is now "yesterday": still written, and 31 May is out of reach.
    assert client.post(WRITE, entry_data(day="2025-05-31")).status_code == 400
    assert Entry.objects.filter(author=alice).count() == 1


def test_a_later_time_zone_change_does_not_move_the_day(client, clock, alice):
    clock.instant = dt.datetime(2025, 6, 1, 23, 30, tzinfo=dt.UTC)
    client.force_login(alice)
    client.post(WRITE, entry_data(day="2025-06-02"))
    entry = Entry.objects.get(author=alice)
    response = client.post(
        reverse("journal:settings"),
        {"time_zone": "America/Los_Angeles", "daily_goal_minutes": "60"},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.time_zone == "America/Los_Angeles"
    client.post(reverse("journal:entry_edit", kwargs={"pk": entry.pk}), entry_data(title="Edited"))
    entry.refresh_from_db()
    assert (entry.day, entry.title) == (dt.date(2025, 6, 2), "Edited")
    # It is 1 June in Los Angeles: a new entry lands on that day, before the other in order.
    client.post(WRITE, entry_data(day="2025-06-01"))
    assert list(Entry.objects.filter(author=alice).order_by("number").values_list("day")) == [
        (dt.date(2025, 6, 1),),
        (dt.date(2025, 6, 2),),
    ]
