"""The Django admin: every registered model's list (searched and filtered) and change page."""

import datetime as dt
import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.urls import reverse

from journal import services
from journal.models import (
    Comment,
    Delivery,
    Entry,
    ModerationAction,
    Report,
    RestPeriod,
    User,
    Webhook,
)
from journal.services import rest, webhooks
from journal.tasks import send_reminder
from tests.conftest import PASSWORD, make_user, write_entry


@pytest.fixture
def superuser(db):
    return make_user("root", is_staff=True, is_superuser=True)


@pytest.fixture
def one_of_each(superuser, alice, bob):
    """At least one row of every model the admin shows."""
    entry = write_entry(alice, topics=["python"], key_lesson="Keep going")
    comment = services.comment_create(author=bob, entry=entry, body="Nice work")
    services.cheer_toggle(user=bob, entry=entry)
    services.follow_toggle(follower=bob, followed=alice)
    report = services.report_create(reporter=bob, target=entry, reason=Report.Reason.SPAM)
    services.report_dismiss(moderator=superuser, report=report)
    services.comment_set_hidden(moderator=superuser, comment=comment, hidden=True, reason="x")
    Group.objects.create(name="Moderators")
    # A reminder queued for the worker, and one it sent.
    send_reminder.enqueue(alice.pk, alice.local_today().isoformat())
    Delivery.objects.create(kind=Delivery.Kind.REMINDER, person=alice, day=alice.local_today())
    # Rest days alice declared: every Sunday from next week.
    rest.rest_period_declare(
        person=alice,
        first_day=alice.local_today() + dt.timedelta(days=7),
        last_day=None,
        weekday=RestPeriod.Weekday.SUNDAY,
    )
    # A webhook with a delivery waiting for the worker.
    webhooks.webhook_ping(
        webhook=Webhook.objects.create(person=alice, url="https://hooks.example.com/alice")
    )


def registered():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def staff_client(client, superuser, one_of_each):
    client.force_login(superuser)
    return client


def filter_links(page):
    """The query strings of every choice in the changelist's filter sidebar."""
    sidebar = re.search(r'<search id="changelist-filter".*?</search>', page, re.S)
    if not sidebar:
        return []
    links = re.findall(r'href="(\?[^"]+)"', sidebar.group(0))
    return sorted({html.unescape(link) for link in links})


@pytest.mark.parametrize("model", registered(), ids=lambda model: model._meta.label)
def test_the_changelist_loads_searched_and_filtered(staff_client, model):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = staff_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1, f"no {model._meta.label} row to show"
    links = filter_links(response.content.decode())
    model_admin = admin.site._registry[model]

    if model_admin.search_fields:
        assert staff_client.get(url, {"q": "alice"}).status_code == 200
        response = staff_client.get(url, {"q": "no such thing anywhere"})
        assert response.status_code == 200
        assert response.context["cl"].result_count == 0

    assert bool(links) == bool(model_admin.list_filter)
    for link in links:
        response = staff_client.get(url + link)
        assert response.status_code == 200, link
        if model_admin.search_fields:
            assert staff_client.get(url + link + "&q=alice").status_code == 200, link


@pytest.mark.parametrize("model", registered(), ids=lambda model: model._meta.label)
def test_the_change_page_loads(staff_client, model):
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {model._meta.label} row to open"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert str(obj) in html.unescape(response.content.decode())


def test_staff_without_rights_and_visitors_are_kept_out(client, alice, moderator):
    url = reverse("admin:journal_entry_changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(alice)
    assert client.get(url).status_code == 302
    # Staff status alone opens the admin, not every model in it.
    client.force_login(moderator)
    assert client.get(url).status_code == 403


def test_entries_cannot_be_added_and_the_log_cannot_be_edited(staff_client):
    assert staff_client.get(reverse("admin:journal_entry_add")).status_code == 403
    assert staff_client.get(reverse("admin:journal_moderationaction_add")).status_code == 403


def test_the_admins_login_page_checks_no_password(client, superuser):
    admin_login = reverse("admin:login")
    account_login = reverse("account_login")
    for password in [*(f"guess {n}" for n in range(40)), PASSWORD]:
        response = client.post(admin_login, {"username": "root", "password": password})
        assert response.status_code == 302
        assert response["Location"] == f"{account_login}?next={reverse('admin:index')}"
        assert SESSION_KEY not in client.session


def test_staff_log_in_to_the_admin_through_the_sites_log_in(client, superuser):
    response = client.get(reverse("admin:journal_entry_changelist"), follow=True)
    assert response.redirect_chain[-1][0] == (
        f"{reverse('account_login')}?next=/admin/journal/entry/"
    )
    assert "Welcome back" in response.content.decode()
    response = client.post(
        response.redirect_chain[-1][0], {"login": "root", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("admin:journal_entry_changelist")
    assert response.status_code == 200
    # Signed in, the admin's log-in page sends them on rather than asking again.
    response = client.get(reverse("admin:login"), {"next": "/admin/journal/"})
    assert response["Location"] == "/admin/journal/"


def test_the_admin_log_in_is_limited_like_the_sites(client, superuser, settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    login = f"{reverse('account_login')}?next=/admin/"
    for _ in range(3):
        client.post(login, {"login": "root", "password": "wrong"})
    response = client.post(login, {"login": "root", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert SESSION_KEY not in client.session


# Moderation happens through the actions, which log it; the change pages cannot do it.


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def user_form(person, **fields):
    """What the admin's change page for ``person`` posts when saved unchanged."""
    return {
        "username": person.username, "email": person.email, "is_active": "on",
        "date_joined_0": "2025-01-01", "date_joined_1": "00:00:00", **fields,
    }  # fmt: skip


def test_suspension_and_the_profile_cannot_be_changed_on_the_change_page(staff_client, alice):
    page = staff_client.get(change_url(alice)).content.decode()
    assert 'name="username"' in page
    for field in ("is_suspended", "suspension_reason", "display_name", "bio", "daily_goal_minutes"):
        assert f'name="{field}"' not in page, field
    response = staff_client.post(
        change_url(alice),
        user_form(
            alice, is_suspended="on", suspension_reason="silently", display_name="Rewritten",
            bio="Words put in her mouth", daily_goal_minutes="5",
        ),
    )  # fmt: skip
    assert response.status_code == 302
    alice.refresh_from_db()
    assert not alice.is_suspended
    assert (alice.display_name, alice.bio, alice.daily_goal_minutes) == ("Alice Martin", "", 60)
    assert not ModerationAction.objects.filter(user=alice).exists()


@pytest.mark.parametrize("model", [Entry, Comment, Report])
def test_what_people_wrote_and_its_moderation_are_read_only(staff_client, model):
    obj = model.objects.order_by("pk").first()
    before = model.objects.filter(pk=obj.pk).values().get()
    page = staff_client.get(change_url(obj)).content.decode()
    assert 'name="moderation_state"' not in page
    assert 'name="body"' not in page
    response = staff_client.post(
        change_url(obj),
        {
            "moderation_state": "hidden", "moderation_reason": "quietly", "state": "dismissed",
            "title": "Rewritten", "body": "Rewritten", "key_lesson": "Rewritten",
        },
    )  # fmt: skip
    assert response.status_code == 403
    assert model.objects.filter(pk=obj.pk).values().get() == before
    delete = reverse(f"admin:journal_{model._meta.model_name}_delete", args=[obj.pk])
    assert staff_client.post(delete, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


@pytest.mark.parametrize("username", ["\u0430lice", "\uff41lice", "ALICE"])
def test_staff_cannot_rename_anyone_to_look_like_someone_else(staff_client, alice, bob, username):
    response = staff_client.post(change_url(bob), user_form(bob, username=username))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["username"]
    bob.refresh_from_db()
    assert bob.username == "bob"
    response = staff_client.post(
        reverse("admin:journal_user_add"),
        {"username": username, "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not User.objects.exclude(username__in=["alice", "bob", "root"]).exists()


def test_staff_can_still_rename_someone(staff_client, bob):
    response = staff_client.post(change_url(bob), user_form(bob, username="robert"))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.username == "robert"
