"""Accounts: sign-up with a time zone, log in and out, password reset, email verification,
and the profile settings."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse

from journal.models import User
from tests.conftest import days_ago, make_user, write_entry

SIGNUP = reverse("account_signup")
LOGIN = reverse("account_login")
LOGOUT = reverse("account_logout")
SETTINGS = reverse("journal:settings")
PASSWORD = "a long and unusual passphrase"


def signup_data(**overrides):
    data = {
        "username": "dana",
        "email": "dana@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "time_zone": "Asia/Tokyo",
    }
    data.update(overrides)
    return data


def signed_in_user(client):
    return client.session.get(SESSION_KEY)


# Sign-up


def test_the_signup_form_asks_for_a_time_zone(client, db):
    page = client.get(SIGNUP).content.decode()
    assert 'name="time_zone"' in page
    assert "Europe/Paris" in page  # the searchable list of zones


def confirmation_link(message):
    link = re.search(
        re.escape(settings.MOMENTUM_SITE_URL) + r"(/accounts/confirm-email/[^/\s]+/)", message.body
    )
    assert link, message.body
    return link.group(1)


def test_signing_up_creates_a_learner_in_the_chosen_zone_with_the_hour_goal(client, db):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    dana = User.objects.get(username="dana")
    assert (dana.email, dana.time_zone, dana.daily_goal_minutes) == (
        "dana@example.com",
        "Asia/Tokyo",
        60,
    )
    assert (dana.entry_count, dana.current_streak, dana.longest_streak) == (0, 0, 0)
    assert dana.check_password(PASSWORD)
    assert signed_in_user(client) is None
    # The link, followed from the browser that signed up, logs in and starts the first day
    # with its welcome step (tests/test_welcome.py).
    response = client.post(confirmation_link(mail.outbox[0]))
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:welcome")
    assert signed_in_user(client) == str(dana.pk)


def test_signing_up_sends_a_verification_email(client, db):
    client.post(SIGNUP, signup_data())
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["dana@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "europe/paris", "", "CET; DROP TABLE"])
def test_an_unknown_time_zone_is_refused_with_a_clear_message(client, db, zone):
    response = client.post(SIGNUP, signup_data(time_zone=zone))
    assert response.status_code == 200
    page = response.content.decode()
    if zone:
        assert "is not a time zone we know. Pick one from the list" in page
    else:
        assert "This field is required." in page
    assert not User.objects.filter(username="dana").exists()
    assert signed_in_user(client) is None


def test_a_taken_username_is_refused(client, alice):
    response = client.post(SIGNUP, signup_data(username="alice"))
    assert response.status_code == 200
    assert "A user with that username already exists." in response.content.decode()
    assert User.objects.filter(username="alice").count() == 1


# Names that look like another: a Cyrillic a (U+0430) and full-width letters (U+FF41...).
CYRILLIC_ALICE = "\u0430lice"
FULL_WIDTH_ALICE = "\uff41lice"
CYRILLIC_STAFFER = "st\u0430ffer"
ASCII_ONLY = "A username uses only the letters a to z, digits, and . _ -"


@pytest.mark.parametrize(
    ("username", "message"),
    [
        (CYRILLIC_ALICE, ASCII_ONLY),
        (FULL_WIDTH_ALICE, "A user with that username already exists."),
        ("ALICE", "A user with that username already exists."),
        ("\uff21\uff2c\uff29\uff23\uff25", "A user with that username already exists."),
    ],
)
def test_a_username_that_looks_like_a_taken_one_is_refused(client, alice, username, message):
    response = client.post(SIGNUP, signup_data(username=username))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(User.objects.values_list("username", flat=True)) == ["alice"]
    assert signed_in_user(client) is None


def test_a_username_that_looks_like_a_staff_members_is_refused(client, moderator):
    make_user("staffer", is_staff=True)
    response = client.post(SIGNUP, signup_data(username=CYRILLIC_STAFFER))
    assert ASCII_ONLY in response.content.decode()
    assert not User.objects.filter(username=CYRILLIC_STAFFER).exists()
    assert User.objects.count() == 2


@pytest.mark.parametrize("username", ["\u0434\u0430\u043d\u0430", "dana@home", ".dana", "da na"])
def test_usernames_outside_the_ascii_rule_are_refused(client, db, username):
    response = client.post(SIGNUP, signup_data(username=username))
    assert ASCII_ONLY in response.content.decode()
    assert not User.objects.exists()


def test_a_full_width_username_is_stored_as_its_ordinary_letters(client, db):
    response = client.post(SIGNUP, signup_data(username="\uff44\uff41\uff4e\uff41"))
    assert response.status_code == 302
    assert list(User.objects.values_list("username", flat=True)) == ["dana"]


def test_reserved_usernames_are_refused(client, db):
    client.post(SIGNUP, signup_data(username="moderation"))
    assert not User.objects.filter(username="moderation").exists()


# Logging in and out


@pytest.mark.parametrize("login", ["alice", "alice@example.com"])
def test_logging_in_with_username_or_email(client, alice, login):
    response = client.post(LOGIN, {"login": login, "password": "correct horse battery"})
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:home")
    assert signed_in_user(client) == str(alice.pk)


def test_a_wrong_password_is_refused(client, alice):
    response = client.post(LOGIN, {"login": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "The username and/or password you specified are not correct." in (
        response.content.decode()
    )
    assert signed_in_user(client) is None


def test_logout_needs_a_post(client, alice):
    client.force_login(alice)
    response = client.get(LOGOUT)
    # A GET only asks; a link or an image tag on another site cannot log anyone out.
    assert response.status_code == 200
    assert signed_in_user(client) == str(alice.pk)
    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response["Location"] == reverse("journal:home")
    assert signed_in_user(client) is None


def test_every_page_logs_out_with_a_post_form(client, alice):
    client.force_login(alice)
    page = client.get(reverse("journal:feed")).content.decode()
    assert re.search(rf'<form method="post" action="{LOGOUT}"', page)


# Password reset


def test_password_reset_sends_a_working_link(client, alice):
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    link = re.search(
        re.escape(settings.MOMENTUM_SITE_URL) + r"(/accounts/password/reset/key/\S+/)", message.body
    )
    assert link, message.body
    # allauth moves the key into the session and redirects to a key-less URL.
    form_url = client.get(link.group(1))["Location"]
    response = client.post(
        form_url, {"password1": "a brand new passphrase", "password2": "a brand new passphrase"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a brand new passphrase")


def test_password_reset_for_an_unknown_address_sends_no_reset_link(client, db):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert all("/password/reset/key/" not in message.body for message in mail.outbox)


# Email verification


def test_a_new_account_waits_for_its_email(client, db):
    response = client.post(SIGNUP, signup_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    dana = User.objects.get(username="dana")
    assert not EmailAddress.objects.get(user=dana).verified

    # Logging in only sends the person back to the "check your email" page.
    response = client.post(LOGIN, {"login": "dana", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert signed_in_user(client) is None
    assert client.get(reverse("journal:write")).status_code == 302

    # Opening the link asks; confirming is a POST, so mail scanners cannot confirm.
    link = confirmation_link(mail.outbox[0])
    assert client.get(link).status_code == 200
    assert not EmailAddress.objects.get(user=dana).verified
    client.post(link)
    assert EmailAddress.objects.get(user=dana).verified

    # From another browser, confirming did not log in: the password does.
    client.logout()
    response = client.post(LOGIN, {"login": "dana", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == str(dana.pk)


def page_text(response, address):
    """What a page says, without its per-request parts (tokens, request ids) and with the
    address the visitor typed in as ADDRESS."""
    text = response.content.decode().replace(address.lower(), "ADDRESS")
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)
    return re.sub(r'content="[0-9a-f]{32}"', "", text)


def test_signing_up_tells_nobody_whether_an_address_has_an_account(client, alice):
    known = client.post(SIGNUP, signup_data(email="Alice@example.com"), follow=True)
    client.logout()
    unknown = client.post(
        SIGNUP, signup_data(username="erin", email="erin@example.com"), follow=True
    )
    assert known.status_code == unknown.status_code == 200
    assert (
        known.redirect_chain
        == unknown.redirect_chain
        == [(reverse("account_email_verification_sent"), 302)]
    )
    assert page_text(known, "Alice@example.com") == page_text(unknown, "erin@example.com")
    assert "Confirmation email sent to ADDRESS" in page_text(known, "Alice@example.com")
    assert "already" not in known.content.decode()
    # The owner of the known address hears of it; no second account shares it.
    assert [message.to for message in mail.outbox] == [["alice@example.com"], ["erin@example.com"]]
    assert "already" in mail.outbox[0].body.lower()
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    assert not User.objects.filter(username="dana").exists()
    assert signed_in_user(client) is None


# Profile settings


def test_settings_need_a_signed_in_person(client, db):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={SETTINGS}"
    response = client.post(SETTINGS, {"display_name": "Hacker"})
    assert response.status_code == 302


def test_settings_show_the_current_profile(client, alice):
    client.force_login(alice)
    response = client.get(SETTINGS)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["display_name"].value() == "Alice Martin"
    assert form["time_zone"].value() == "Europe/Paris"
    assert form["daily_goal_minutes"].value() == 60


def profile_data(**overrides):
    data = {
        "display_name": "Alice M.",
        "bio": "Learning machine learning in public.",
        "learning_focus": "Transformers from scratch",
        "time_zone": "America/Sao_Paulo",
        "daily_goal_minutes": "90",
    }
    data.update(overrides)
    return data


def test_settings_save_the_profile(client, alice):
    client.force_login(alice)
    response = client.post(SETTINGS, profile_data(), follow=True)
    assert response.redirect_chain == [(SETTINGS, 302)]
    assert "Your profile is saved." in response.content.decode()
    alice.refresh_from_db()
    assert alice.display_name == "Alice M."
    assert alice.bio == "Learning machine learning in public."
    assert alice.learning_focus == "Transformers from scratch"
    assert alice.time_zone == "America/Sao_Paulo"
    assert alice.daily_goal_minutes == 90
    page = client.get(reverse("journal:journey", args=["alice"])).content.decode()
    assert "Alice M." in page
    assert "Transformers from scratch" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("time_zone", "Atlantis/Capital", "is not a time zone we know"),
        ("daily_goal_minutes", "0", "Ensure this value is greater than or equal to 1."),
        ("daily_goal_minutes", "1441", "Ensure this value is less than or equal to 1440."),
        ("daily_goal_minutes", "lots", "Enter a whole number."),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(client, alice, field, value, message):
    client.force_login(alice)
    response = client.post(SETTINGS, profile_data(**{field: value}))
    assert response.status_code == 400
    assert message in response.content.decode()
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone, alice.daily_goal_minutes) == (
        "Alice Martin",
        "Europe/Paris",
        60,
    )


def test_changing_the_goal_recomputes_the_streaks(client, alice):
    write_entry(alice, day=days_ago(alice, 2), minutes=90)
    write_entry(alice, day=days_ago(alice, 1), minutes=45)
    write_entry(alice, day=days_ago(alice, 0), minutes=45)
    alice.refresh_from_db()
    assert (alice.current_streak, alice.longest_streak) == (0, 1)
    client.force_login(alice)
    client.post(SETTINGS, profile_data(daily_goal_minutes="45", time_zone="Europe/Paris"))
    alice.refresh_from_db()
    assert (alice.current_streak, alice.longest_streak) == (3, 3)
    client.post(SETTINGS, profile_data(daily_goal_minutes="91", time_zone="Europe/Paris"))
    alice.refresh_from_db()
    assert (alice.current_streak, alice.longest_streak) == (0, 0)
    # Totals do not depend on the goal.
    assert (alice.entry_count, alice.total_minutes) == (3, 180)


def test_settings_cannot_touch_the_streak_figures(client, alice):
    write_entry(alice, minutes=60)
    client.force_login(alice)
    client.post(
        SETTINGS,
        profile_data(daily_goal_minutes="60", longest_streak="999", entry_count="999"),
    )
    alice.refresh_from_db()
    assert (alice.longest_streak, alice.entry_count) == (1, 1)
