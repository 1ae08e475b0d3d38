"""The welcome step: a new person's first questions at /welcome/, asked once."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, days_ago, make_user, write_entry
from tests.test_accounts import confirmation_link, signup_data

WELCOME = reverse("journal:welcome")
WRITE = reverse("journal:write")
SETTINGS = reverse("journal:settings")
LOGIN = reverse("account_login")


@pytest.fixture
def newcomer(db):
    """Someone who signed up today, confirmed their address, and was not welcomed yet."""
    return make_user("nia", date_joined=timezone.now(), welcomed_at=None, time_zone="UTC")


def log_in(client, username="nia", password=PASSWORD, **query):
    url = f"{LOGIN}?next={query['next']}" if query else LOGIN
    return client.post(url, {"login": username, "password": password})


def welcome_data(**overrides):
    data = {
        "display_name": "Nia Okafor",
        "daily_goal_minutes": "45",
        "time_zone": "Asia/Tokyo",
        "learning_focus": "Linear algebra for machine learning",
        "reminder_time": "20:00",
    }
    data.update(overrides)
    return data


# Who is welcomed, and when


def test_confirming_the_address_in_another_browser_then_logging_in_welcomes(client, db):
    client.post(reverse("account_signup"), signup_data())
    client.logout()
    client.post(confirmation_link(mail.outbox[0]))
    assert client.session.get(SESSION_KEY) is None
    response = log_in(client, "dana", signup_data()["password1"])
    assert response["Location"] == WELCOME
    assert client.get(WELCOME).status_code == 200


def test_logging_in_leads_a_newcomer_to_the_welcome_until_they_answer(client, newcomer):
    assert log_in(client)["Location"] == WELCOME
    # Leaving without answering or skipping: the next log-in asks again.
    client.logout()
    assert log_in(client)["Location"] == WELCOME


def test_an_address_to_go_back_to_comes_first(client, newcomer):
    feed = reverse("journal:feed")
    assert log_in(client, next=feed)["Location"] == feed


def test_members_who_were_welcomed_log_in_to_the_home_page(client, alice):
    assert log_in(client, "alice")["Location"] == reverse("journal:home")


def test_people_already_here_when_the_step_came_are_not_welcomed(db):
    old = make_user("old", welcomed_at=None)
    migration = importlib.import_module("journal.migrations.0007_user_welcomed_at")
    migration.welcome_everyone_already_here(apps, None)
    old.refresh_from_db()
    assert old.welcomed_at == old.date_joined
    assert not old.needs_welcome


# The page


def test_the_welcome_asks_its_questions_with_the_goal_of_the_challenge(client, newcomer):
    client.force_login(newcomer)
    response = client.get(WELCOME)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields) == [
        "display_name",
        "daily_goal_minutes",
        "time_zone",
        "learning_focus",
        "remind_by_email",
        "reminder_time",
    ]
    assert form["remind_by_email"].value() is False
    assert form["daily_goal_minutes"].value() == 60
    page = response.content.decode()
    # Without JavaScript, the stored zone stays selected; site.js offers the browser's.
    assert '<select name="time_zone"' in page
    assert "data-time-zone" in page
    assert '<option value="UTC" selected>UTC</option>' in page
    assert '<option value="Europe/Paris">Europe/Paris</option>' in page
    assert "Skip for now" in page


def test_saving_stores_the_answers_and_starts_day_one(client, newcomer):
    client.force_login(newcomer)
    response = client.post(WELCOME, welcome_data(), follow=True)
    assert response.redirect_chain == [(WRITE, 302)]
    page = response.content.decode()
    assert "Welcome to the challenge, Nia Okafor." in page
    assert "Day 1: your first entry" in page
    newcomer.refresh_from_db()
    assert (
        newcomer.display_name,
        newcomer.daily_goal_minutes,
        newcomer.time_zone,
        newcomer.learning_focus,
    ) == ("Nia Okafor", 45, "Asia/Tokyo", "Linear algebra for machine learning")
    assert newcomer.welcomed_at is not None
    assert_never_asked_again(client, newcomer)


def test_the_welcome_offers_a_reminder_on_the_newcomers_clock(client, newcomer, clock):
    client.force_login(newcomer)
    client.post(WELCOME, welcome_data(remind_by_email="on", reminder_time="22:00"))
    newcomer.refresh_from_db()
    assert newcomer.remind_by_email
    # The clock says 21:00 in Tokyo: tonight's reminder is an hour away.
    assert newcomer.next_reminder_at == dt.datetime(2025, 6, 1, 13, 0, tzinfo=dt.UTC)


def test_skipping_changes_nothing_but_is_not_asked_again(client, newcomer):
    client.force_login(newcomer)
    response = client.post(WELCOME, welcome_data(skip="1"))
    assert response["Location"] == WRITE
    newcomer.refresh_from_db()
    assert (newcomer.display_name, newcomer.daily_goal_minutes, newcomer.time_zone) == (
        "",
        60,
        "UTC",
    )
    assert newcomer.welcomed_at is not None
    assert "Day 1: your first entry" in client.get(WRITE).content.decode()
    assert_never_asked_again(client, newcomer)


def assert_never_asked_again(client, person):
    answered = person.welcomed_at
    # The page itself sends them to their settings, where the same answers live.
    assert client.get(WELCOME)["Location"] == SETTINGS
    assert client.post(WELCOME, welcome_data(display_name="Again"))["Location"] == SETTINGS
    client.logout()
    assert log_in(client, person.username)["Location"] == reverse("journal:home")
    person.refresh_from_db()
    assert person.welcomed_at == answered
    assert person.display_name != "Again"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Mars/Olympus_Mons", "is not a time zone we know"),
        ("time_zone", "", "This field is required."),
        ("daily_goal_minutes", "0", "Ensure this value is greater than or equal to 1."),
        ("daily_goal_minutes", "1441", "Ensure this value is less than or equal to 1440."),
        ("daily_goal_minutes", "", "This field is required."),
        ("display_name", "N" * 81, "Ensure this value has at most 80 characters"),
        ("learning_focus", "L" * 141, "Ensure this value has at most 140 characters"),
    ],
)
def test_bad_answers_are_refused_and_the_step_stays(client, newcomer, field, value, message):
    client.force_login(newcomer)
    response = client.post(WELCOME, welcome_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    newcomer.refresh_from_db()
    assert (newcomer.display_name, newcomer.time_zone, newcomer.daily_goal_minutes) == (
        "",
        "UTC",
        60,
    )
    assert newcomer.needs_welcome


def test_a_new_goal_counts_the_days_already_written_again(client, db):
    # Someone who skipped the first questions, wrote, and was led back here is rare; the
    # goal still goes through the service that recounts the streaks, as in the settings.
    person = make_user("late", welcomed_at=None)
    write_entry(person, day=days_ago(person, 1), minutes=40)
    write_entry(person, minutes=40)
    client.force_login(person)
    client.post(WELCOME, welcome_data(daily_goal_minutes="30", time_zone="Europe/Paris"))
    person.refresh_from_db()
    assert (person.daily_goal_minutes, person.current_streak, person.longest_streak) == (30, 2, 2)


def test_the_welcome_needs_a_signed_in_person(client, db):
    response = client.get(WELCOME)
    assert response["Location"] == f"{LOGIN}?next={WELCOME}"
    assert client.post(WELCOME, welcome_data())["Location"] == f"{LOGIN}?next={WELCOME}"


def test_the_welcome_runs_a_fixed_number_of_queries(client, newcomer, django_assert_num_queries):
    client.force_login(newcomer)
    # The session, the person, and the unread count of the navigation.
    with django_assert_num_queries(3):
        assert client.get(WELCOME).status_code == 200
