"""Every URL of the project, with every kind of visitor and every HTTP method.

The table below is the access policy. A URL that is not in it fails the test, so a new
page cannot ship without someone deciding who may use it.
"""

import datetime as dt

import pytest
from django.db import transaction
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from journal import services, sharecards
from journal.emails import unsubscribe_token
from journal.models import Challenge, Entry, User, Webhook, attach_topics
from tests.conftest import make_user, write_entry

VISITORS = ["anonymous", "other", "owner", "suspended", "suspended_staff", "staff"]

# Shorthands for the outcomes.
OK, REDIRECT, LOGIN, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, BAD = 200, 302, "login", 403, 404, 405, 400
MOVED = 301


def same_for_all(get, post):
    return dict.fromkeys(VISITORS, (get, post))


def members(get, post, *, anonymous=(LOGIN, LOGIN), **overrides):
    """Signed-in people get (get, post); visitors are sent to log in."""
    table = dict.fromkeys(VISITORS, (get, post))
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def participants(get, post, **overrides):
    """Like members, but a suspended person, staff or not, is told why they cannot."""
    refused = (FORBIDDEN, FORBIDDEN)
    return members(get, post, suspended=refused, suspended_staff=refused, **overrides)


def editor_requests(post):
    refused = (NOT_ALLOWED, FORBIDDEN)
    return members(NOT_ALLOWED, post, anonymous=refused, suspended=refused, suspended_staff=refused)


PUBLIC_PAGE = same_for_all(OK, NOT_ALLOWED)
NO_ARGS = lambda w: []  # noqa: E731
OWNER = lambda w: ["owner"]  # noqa: E731
MY_ENTRY = lambda w: [w["entry"].pk]  # noqa: E731
MY_COMMENT = lambda w: [w["comment"].pk]  # noqa: E731
MY_WEBHOOK = lambda w: [w["webhook"].pk]  # noqa: E731
TOPIC = lambda w: ["python"]  # noqa: E731


def entry_image(world):
    """The owner's entry and what its share image shows now."""
    entry = Entry.objects.for_cards().get(pk=world["entry"].pk)
    attach_topics([entry])
    return [entry.pk, sharecards.entry_card(entry).digest]


def journey_image(world):
    return ["owner", sharecards.person_card(User.objects.get(username="owner")).digest]


CHALLENGE = lambda w: [w["challenge"].slug]  # noqa: E731
# Pages about accounts that allauth serves to anyone (the link in an email, the sign-up).
ACCOUNT_PAGE = same_for_all(OK, NOT_ALLOWED)
SIGNED_OUT_ONLY = members(REDIRECT, REDIRECT, anonymous=(OK, OK))

# name: (how to build its URL from the world, {visitor: (GET outcome, POST outcome)}).
# "owner" owns the entry, the comment (on other's entry) and the journey in the URL; an
# empty POST is a form without data, so forms answer 400 and toggles act.
POLICY = {
    # Reading: open to everyone, and only for reading.
    "journal:home": (NO_ARGS, PUBLIC_PAGE),
    "journal:healthz": (NO_ARGS, PUBLIC_PAGE),
    "journal:feed": (NO_ARGS, PUBLIC_PAGE),
    "journal:atom": (NO_ARGS, PUBLIC_PAGE),
    "journal:journey": (OWNER, PUBLIC_PAGE),
    "journal:journey_atom": (OWNER, PUBLIC_PAGE),
    "journal:entry_detail": (lambda w: ["owner", w["entry"].day], PUBLIC_PAGE),
    # An entry's old address, by Day N: to its own, for whoever may read it.
    "journal:entry_by_number": (lambda w: ["owner", 1], same_for_all(MOVED, NOT_ALLOWED)),
    # Share images of what everyone may see (hidden, private and suspended: test_share_cards.py).
    "journal:share_entry": (entry_image, PUBLIC_PAGE),
    "journal:share_person": (journey_image, PUBLIC_PAGE),
    "journal:encourage": (NO_ARGS, PUBLIC_PAGE),
    "journal:topics": (NO_ARGS, PUBLIC_PAGE),
    "journal:topic": (TOPIC, PUBLIC_PAGE),
    "journal:topic_atom": (TOPIC, PUBLIC_PAGE),
    "journal:search": (NO_ARGS, PUBLIC_PAGE),
    "journal:people": (NO_ARGS, PUBLIC_PAGE),
    "journal:challenges": (NO_ARGS, PUBLIC_PAGE),
    "journal:challenge_detail": (CHALLENGE, PUBLIC_PAGE),
    "journal:challenge_atom": (CHALLENGE, PUBLIC_PAGE),
    # An invite link leads to its challenge's page, for whoever holds it.
    "journal:challenge_invite": (
        lambda w: [w["invite_only"].invite_token],
        same_for_all(REDIRECT, NOT_ALLOWED),
    ),
    # Challenges: joining asks to confirm (the owner, already in, goes back to the page);
    # only the creator edits, closes or renews the invite, before the start for an edit.
    "journal:challenges_mine": (NO_ARGS, members(OK, NOT_ALLOWED)),
    "journal:challenge_new": (NO_ARGS, participants(OK, BAD)),
    "journal:challenge_join": (
        CHALLENGE,
        participants(OK, REDIRECT, owner=(REDIRECT, REDIRECT)),
    ),
    "journal:challenge_leave": (CHALLENGE, participants(REDIRECT, REDIRECT)),
    # Only one's own place on a board: others are in no such participation.
    "journal:challenge_board": (
        CHALLENGE,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    "journal:challenge_edit": (
        CHALLENGE,
        participants(NOT_FOUND, NOT_FOUND, owner=(OK, REDIRECT)),
    ),
    "journal:challenge_close": (
        CHALLENGE,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    "journal:challenge_renew_invite": (
        CHALLENGE,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    # Pages of one's own, which a suspended person still reads.
    "journal:following": (NO_ARGS, members(OK, NOT_ALLOWED)),
    "journal:notifications": (NO_ARGS, members(OK, NOT_ALLOWED)),
    "journal:notifications_mark_read": (NO_ARGS, members(NOT_ALLOWED, REDIRECT)),
    "journal:settings": (NO_ARGS, members(OK, BAD)),
    "journal:reminder_settings": (NO_ARGS, members(NOT_ALLOWED, BAD)),
    "journal:email_settings": (NO_ARGS, members(NOT_ALLOWED, REDIRECT)),
    # Webhooks: one's own only (anyone else's is a 404), and not while suspended.
    "journal:webhooks": (NO_ARGS, participants(OK, BAD)),
    "journal:webhook_ping": (
        MY_WEBHOOK,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    "journal:webhook_active": (
        MY_WEBHOOK,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    "journal:webhook_delete": (
        MY_WEBHOOK,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    # The signed token in the link is the authorization: no login, no CSRF (RFC 8058).
    "journal:unsubscribe": (
        lambda w: [unsubscribe_token(w["owner"], "reminder")],
        same_for_all(OK, OK),
    ),
    # Everyone here was welcomed when they joined: the step sends them to their settings
    # (a newcomer's own answers are in tests/test_welcome.py).
    "journal:welcome": (NO_ARGS, members(REDIRECT, REDIRECT)),
    # Leaving and taking one's data are open to suspended people too.
    "journal:account_delete": (NO_ARGS, members(OK, BAD)),
    "journal:export": (NO_ARGS, members(NOT_ALLOWED, OK)),
    # Writing: participants only. Other has written today, so /write/ sends them to edit.
    "journal:write": (NO_ARGS, participants(OK, BAD, other=(REDIRECT, BAD), owner=(REDIRECT, BAD))),
    "journal:entry_edit": (
        MY_ENTRY,
        participants(NOT_FOUND, NOT_FOUND, owner=(OK, BAD)),
    ),
    "journal:entry_delete": (
        MY_ENTRY,
        participants(NOT_FOUND, NOT_FOUND, owner=(OK, REDIRECT)),
    ),
    # The editor's own requests: refused with a 403 the editor shows, not the log-in page.
    "journal:markdown_preview": (NO_ARGS, editor_requests(OK)),
    "journal:image_upload": (NO_ARGS, editor_requests(BAD)),
    "journal:import_upload": (NO_ARGS, participants(OK, BAD)),
    # Without an upload first there is nothing to preview: back to the upload page.
    "journal:import_preview": (NO_ARGS, participants(REDIRECT, REDIRECT)),
    # Encouraging: not oneself (tests/test_cheers.py). A GET only goes back to the entry or
    # journey; an empty cheer names no entry.
    "journal:cheer": (NO_ARGS, participants(REDIRECT, NOT_FOUND)),
    "journal:follow": (OWNER, participants(REDIRECT, REDIRECT, owner=(NOT_FOUND, NOT_FOUND))),
    "journal:comment_create": (MY_ENTRY, participants(REDIRECT, BAD)),
    "journal:comment_edit": (MY_COMMENT, participants(NOT_FOUND, NOT_FOUND, owner=(OK, BAD))),
    "journal:comment_delete": (
        MY_COMMENT,
        participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    "journal:report": (
        lambda w: ["entry", w["entry"].pk],
        participants(OK, BAD, owner=(NOT_FOUND, NOT_FOUND)),
    ),
    # Moderation: staff only, and suspension ends it; others are told the page does not
    # exist, suspended people that they are suspended.
    "journal:moderation": (
        NO_ARGS,
        participants(NOT_FOUND, NOT_FOUND, staff=(OK, NOT_ALLOWED)),
    ),
    "journal:moderation_hidden": (
        NO_ARGS,
        participants(NOT_FOUND, NOT_FOUND, staff=(OK, NOT_ALLOWED)),
    ),
    "journal:moderation_act": (
        NO_ARGS,
        participants(NOT_FOUND, NOT_FOUND, staff=(NOT_ALLOWED, REDIRECT)),
    ),
    # Accounts (allauth).
    "account_signup": (NO_ARGS, SIGNED_OUT_ONLY),
    "account_login": (NO_ARGS, SIGNED_OUT_ONLY),
    "account_logout": (NO_ARGS, members(OK, REDIRECT, anonymous=(REDIRECT, REDIRECT))),
    "account_inactive": (NO_ARGS, ACCOUNT_PAGE),
    "account_email_verification_sent": (NO_ARGS, ACCOUNT_PAGE),
    "account_reset_password_done": (NO_ARGS, ACCOUNT_PAGE),
    "account_reset_password_from_key_done": (NO_ARGS, ACCOUNT_PAGE),
    "account_reset_password": (NO_ARGS, same_for_all(OK, OK)),
    # A wrong key shows a page that says so; nothing is confirmed or reset.
    "account_confirm_email": (lambda w: ["wrong-key"], same_for_all(OK, NOT_FOUND)),
    "account_reset_password_from_key": (lambda w: ["1", "wrong-key"], same_for_all(OK, OK)),
    "account_email": (NO_ARGS, members(OK, REDIRECT)),
    "account_change_password": (NO_ARGS, members(OK, OK)),
    "account_reauthenticate": (NO_ARGS, members(OK, OK)),
    # Password set is for accounts without one, login codes are off: both send people on.
    "account_set_password": (NO_ARGS, members(REDIRECT, REDIRECT)),
    "account_confirm_login_code": (NO_ARGS, members(REDIRECT, REDIRECT)),
}


@pytest.fixture
def world(db):
    owner = make_user("owner")
    other = make_user("other")
    suspended = make_user("suspended")
    staff = make_user("staff", is_staff=True)
    # A superuser, so that nothing but the suspension keeps them out of the admin.
    suspended_staff = make_user("suspended_staff", is_staff=True, is_superuser=True)
    mine = write_entry(owner, title="Owner's entry", topics=["python"])
    theirs = write_entry(other, title="Other's entry")
    comment = services.comment_create(author=owner, entry=theirs, body="Nice work")
    services.user_set_suspended(moderator=staff, user=suspended, suspended=True)
    services.user_set_suspended(moderator=staff, user=suspended_staff, suspended=True)
    report = services.report_create(reporter=other, target=mine, reason="spam")
    tomorrow = owner.local_today() + dt.timedelta(days=1)
    challenge = services.challenge_create(
        challenge=Challenge(creator=owner, title="Owner's challenge", starts_on=tomorrow),
        topic_names=[],
    )
    invite_only = services.challenge_create(
        challenge=Challenge(
            creator=owner, title="Owner's study group", visibility=Challenge.Visibility.INVITE
        ),
        topic_names=[],
    )
    return {
        "anonymous": None,
        "other": other,
        "owner": owner,
        "suspended": suspended,
        "suspended_staff": suspended_staff,
        "staff": staff,
        "entry": mine,
        "other_entry": theirs,
        "comment": comment,
        "report": report,
        "challenge": challenge,
        "invite_only": invite_only,
        "webhook": Webhook.objects.create(person=owner, url="https://hooks.example.com/owner"),
    }


def project_url_names(patterns=None, namespace=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"unnamed:{pattern.pattern}"
            yield f"{namespace}:{name}" if namespace else name


def outcome(response):
    if response.status_code == 302 and reverse("account_login") in response["Location"]:
        return LOGIN
    return response.status_code


class Rollback(Exception):
    """Undoes one request's writes, so that every visitor meets the same world."""


def seen_by_everyone(client, world, url):
    """What each visitor meets at ``url``: the (GET, POST) outcomes."""
    return {
        visitor: tuple(observe(client, world, url, visitor, method) for method in ("GET", "POST"))
        for visitor in VISITORS
    }


def observe(client, world, url, visitor, method):
    client.logout()
    try:
        with transaction.atomic():
            if world[visitor]:
                client.force_login(world[visitor])
            seen = outcome(client.generic(method, url))
            raise Rollback
    except Rollback:
        return seen


@pytest.mark.parametrize("name", sorted(POLICY))
def test_access_policy(client, world, name):
    build, expected = POLICY[name]
    url = reverse(name, args=build(world))
    assert seen_by_everyone(client, world, url) == expected


@pytest.mark.parametrize(
    ("address", "opens"),
    [
        (lambda entry: entry.get_absolute_url(), OK),
        (lambda entry: reverse("journal:entry_by_number", args=["owner", entry.number]), MOVED),
    ],
)
def test_a_hidden_entry_opens_for_its_author_and_staff_only(client, world, address, opens):
    # Moderation: the page of what a moderator hid, which staff open to judge and restore.
    entry = world["entry"]
    services.entry_set_hidden(moderator=world["staff"], entry=entry, hidden=True, reason="Spam")
    assert seen_by_everyone(client, world, address(entry)) == members(
        NOT_FOUND,
        NOT_ALLOWED,
        anonymous=(NOT_FOUND, NOT_ALLOWED),
        owner=(opens, NOT_ALLOWED),
        staff=(opens, NOT_ALLOWED),
    )


def test_an_invite_only_challenge_opens_to_its_members_and_invite_holders_only(client, world):
    challenge = world["invite_only"]
    page = challenge.get_absolute_url()
    invited = f"{page}?invite={challenge.invite_token}"

    assert seen_by_everyone(client, world, page) == members(
        NOT_FOUND,
        NOT_ALLOWED,
        anonymous=(NOT_FOUND, NOT_ALLOWED),
        owner=(OK, NOT_ALLOWED),
    )
    assert seen_by_everyone(client, world, invited) == PUBLIC_PAGE
    assert seen_by_everyone(client, world, f"{page}?invite=not-the-token") == seen_by_everyone(
        client, world, page
    )
    join = reverse("journal:challenge_join", args=[challenge.slug])
    assert seen_by_everyone(client, world, join) == participants(
        NOT_FOUND, NOT_FOUND, owner=(REDIRECT, REDIRECT)
    )
    assert seen_by_everyone(
        client, world, f"{join}?invite={challenge.invite_token}"
    ) == participants(OK, REDIRECT, owner=(REDIRECT, REDIRECT))


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE", "OPTIONS"])
def test_other_methods_are_refused_everywhere(client, world, method):
    client.force_login(world["owner"])
    entries = Entry.objects.count()
    for name, (build, _) in POLICY.items():
        response = client.generic(method, reverse(name, args=build(world)))
        assert response.status_code == NOT_ALLOWED, name
    assert Entry.objects.count() == entries


def test_every_url_is_in_the_policy():
    journal_and_accounts = {
        name for name in project_url_names() if not name.startswith(("admin:", "unnamed:"))
    }
    assert journal_and_accounts == set(POLICY)
    # The one unnamed pattern outside the admin: uploaded images, public files.
    unnamed = [name for name in project_url_names() if name.startswith("unnamed:")]
    assert unnamed == ["unnamed:^media/(?P<path>uploads/.+\\.(?:png|jpg|webp))$"]


def test_uploaded_images_are_served_to_everyone_for_reading_only(client, db):
    assert client.get("/media/uploads/2026/11/none.png").status_code == NOT_FOUND
    assert client.get("/media/uploads/../settings.py").status_code == NOT_FOUND
    assert client.post("/media/uploads/2026/11/none.png").status_code == NOT_FOUND


def admin_urls():
    for name in sorted(set(project_url_names())):
        if name.startswith("admin:") and ":unnamed:" not in name:
            yield name, _reverse_with_some_arguments(name)


def _reverse_with_some_arguments(name):
    for args in ([], ["1"], ["journal"], ["1", "1"], ["1", "1", "1"]):
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    raise AssertionError(f"cannot build {name}")


def test_the_admin_is_closed_to_everyone_but_staff(client, world):
    admin_login = reverse("admin:login")
    for visitor in ("anonymous", "other", "suspended", "suspended_staff"):
        client.logout()
        if world[visitor]:
            client.force_login(world[visitor])
        for name, url in admin_urls():
            if name in ("admin:login", "admin:logout"):
                continue
            for method in ("GET", "POST"):
                response = client.generic(method, url)
                assert response.status_code == 302, (visitor, name, method)
                assert response["Location"].startswith(admin_login), (visitor, name)
        login = client.get(admin_login)
        expected = LOGIN if visitor == "anonymous" else FORBIDDEN
        assert outcome(login) == expected, visitor
    # Staff without permissions get the admin's own refusals, never a page of data.
    client.force_login(world["staff"])
    for name, url in admin_urls():
        if name.startswith("admin:journal_") and name.endswith(("_changelist", "_change")):
            assert client.get(url).status_code in (403, 302), name
