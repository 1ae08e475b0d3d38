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
from journal.models import (
    Challenge,
    Entry,
    Participation,
    PushSubscription,
    User,
    Webhook,
    attach_topics,
)
from journal.services import rest
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
# A POST that changes something of the owner's only: a 404 to anyone else, whose it is not.
OWNERS_POST = participants(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT))
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
CERTIFICATE = lambda w: [w["finished"].challenge.slug, "owner"]  # noqa: E731


def challenge_image(world):
    challenge = world["finished"].challenge
    return [challenge.slug, sharecards.challenge_card(challenge, []).digest]


def certificate_image(world):
    participation = world["finished"]
    _, public_minutes = participation.finished_minutes()
    card = sharecards.certificate_card(participation, [], public_minutes)
    return [participation.pk, card.digest]


MY_TOKEN = lambda w: [w["token"].pk]  # noqa: E731
# Pages about accounts that allauth serves to anyone (the link in an email, the sign-up).
ACCOUNT_PAGE = same_for_all(OK, NOT_ALLOWED)
SIGNED_OUT_ONLY = members(REDIRECT, REDIRECT, anonymous=(OK, OK))

# The API's addresses: (their arguments, (GET, POST) with a session or nothing, and
# {token holder: (GET, POST)} with a token, TOKEN_HOLDERS below). An empty POST to a write
# is a body without its fields (422), or an action with its defaults.
UNAUTHORIZED, INVALID, CONFLICT = 401, 422, 409
TOKEN_HOLDERS = ["visitor", "other", "owner", "owner_read", "revoked", "suspended", "staff"]


def by_token(get, post, **overrides):
    """Every token holder gets (get, post); a revoked token or a suspended person's is
    refused, and a read token cannot write."""
    table = dict.fromkeys(TOKEN_HOLDERS, (get, post))
    # A method the address does not take is refused before anyone is asked who they are.
    refused = tuple(NOT_ALLOWED if seen == NOT_ALLOWED else UNAUTHORIZED for seen in (get, post))
    table["revoked"] = table["suspended"] = refused
    if post not in (NOT_ALLOWED, UNAUTHORIZED):
        table["owner_read"] = (get, FORBIDDEN)
    table.update(overrides)
    return table


def api_read(**overrides):
    return by_token(OK, NOT_ALLOWED, **overrides)


def api_write(post, **overrides):
    return by_token(NOT_ALLOWED, post, visitor=(NOT_ALLOWED, UNAUTHORIZED), **overrides)


OPEN_READ = ((OK, NOT_ALLOWED), api_read())
NOTHING_HERE = dict.fromkeys(TOKEN_HOLDERS, (NOT_FOUND, NOT_FOUND))
API = {
    "api:api-root": (NO_ARGS, (NOT_FOUND, NOT_FOUND), NOTHING_HERE),
    "api:unknown": (
        lambda w: ["v1/nothing/"],
        (NOT_FOUND, NOT_FOUND),
        NOTHING_HERE,
    ),
    "api:openapi-view": (
        NO_ARGS,
        (OK, NOT_ALLOWED),
        dict.fromkeys(TOKEN_HOLDERS, (OK, NOT_ALLOWED)),
    ),
    "api:openapi-json": (
        NO_ARGS,
        (OK, NOT_ALLOWED),
        dict.fromkeys(TOKEN_HOLDERS, (OK, NOT_ALLOWED)),
    ),
    # GET the feed, POST today's entry.
    "api:entries": (NO_ARGS, (OK, UNAUTHORIZED), by_token(OK, INVALID, visitor=(OK, UNAUTHORIZED))),
    "api:entry": (MY_ENTRY, *OPEN_READ),
    "api:person": (OWNER, *OPEN_READ),
    "api:journey": (OWNER, *OPEN_READ),
    "api:topic_entries": (TOPIC, *OPEN_READ),
    "api:challenges": (NO_ARGS, *OPEN_READ),
    "api:challenge": (CHALLENGE, *OPEN_READ),
    "api:challenge_entries": (CHALLENGE, *OPEN_READ),
    "api:challenge_board": (CHALLENGE, *OPEN_READ),
    "api:me": (NO_ARGS, (UNAUTHORIZED, NOT_ALLOWED), api_read(visitor=(UNAUTHORIZED, NOT_ALLOWED))),
    "api:notifications": (
        NO_ARGS,
        (UNAUTHORIZED, NOT_ALLOWED),
        api_read(visitor=(UNAUTHORIZED, NOT_ALLOWED)),
    ),
    "api:uploads": (NO_ARGS, (NOT_ALLOWED, UNAUTHORIZED), api_write(INVALID)),
    # The owner's own entry takes no cheer from them (404), as on the page.
    "api:cheer": (
        MY_ENTRY,
        (NOT_ALLOWED, UNAUTHORIZED),
        api_write(OK, owner=(NOT_ALLOWED, NOT_FOUND)),
    ),
    "api:comments": (MY_ENTRY, (NOT_ALLOWED, UNAUTHORIZED), api_write(INVALID)),
    "api:join": (CHALLENGE, (NOT_ALLOWED, UNAUTHORIZED), api_write(OK)),
    "api:leave": (CHALLENGE, (NOT_ALLOWED, UNAUTHORIZED), api_write(OK)),
}


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
    # A finisher's certificate, and the share images of a public challenge and of it
    # (invite-only ones: below, and test_share_cards.py).
    "journal:certificate": (CERTIFICATE, PUBLIC_PAGE),
    "journal:share_challenge": (challenge_image, PUBLIC_PAGE),
    "journal:share_certificate": (certificate_image, PUBLIC_PAGE),
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
    "journal:challenge_board": (CHALLENGE, OWNERS_POST),
    "journal:challenge_edit": (
        CHALLENGE,
        participants(NOT_FOUND, NOT_FOUND, owner=(OK, REDIRECT)),
    ),
    "journal:challenge_close": (CHALLENGE, OWNERS_POST),
    "journal:challenge_renew_invite": (CHALLENGE, OWNERS_POST),
    # Pages of one's own, which a suspended person still reads.
    "journal:following": (NO_ARGS, members(OK, NOT_ALLOWED)),
    "journal:notifications": (NO_ARGS, members(OK, NOT_ALLOWED)),
    "journal:notifications_mark_read": (NO_ARGS, members(NOT_ALLOWED, REDIRECT)),
    "journal:settings": (NO_ARGS, members(OK, BAD)),
    "journal:reminder_settings": (NO_ARGS, members(NOT_ALLOWED, BAD)),
    "journal:email_settings": (NO_ARGS, members(NOT_ALLOWED, REDIRECT)),
    # Rest days change the streak everyone sees: participants only, and one's own only.
    "journal:rest_settings": (NO_ARGS, participants(OK, BAD)),
    "journal:rest_period_end": (lambda w: [w["rest_period"].pk], OWNERS_POST),
    # Browser push (tests/test_push.py): an empty body is no subscription; a device is
    # removed by its owner only, whose it is whether suspended or not.
    "journal:push_subscribe": (NO_ARGS, members(NOT_ALLOWED, BAD)),
    "journal:push_unsubscribe": (NO_ARGS, members(NOT_ALLOWED, BAD)),
    "journal:push_device_remove": (
        lambda w: [w["push_device"].pk],
        members(NOT_ALLOWED, NOT_FOUND, owner=(NOT_ALLOWED, REDIRECT)),
    ),
    # The installable app: the same for everyone, and only for reading.
    "journal:service_worker": (NO_ARGS, PUBLIC_PAGE),
    "journal:manifest": (NO_ARGS, PUBLIC_PAGE),
    "journal:offline": (NO_ARGS, PUBLIC_PAGE),
    # An empty form is refused (400); suspended people make no tokens.
    "journal:tokens": (NO_ARGS, participants(OK, BAD)),
    "journal:token_revoke": (
        MY_TOKEN,
        participants(
            NOT_ALLOWED, REDIRECT, other=(NOT_ALLOWED, NOT_FOUND), staff=(NOT_ALLOWED, NOT_FOUND)
        ),
    ),
    # Webhooks: one's own only (anyone else's is a 404), and not while suspended.
    "journal:webhooks": (NO_ARGS, participants(OK, BAD)),
    "journal:webhook_ping": (MY_WEBHOOK, OWNERS_POST),
    "journal:webhook_active": (MY_WEBHOOK, OWNERS_POST),
    "journal:webhook_delete": (MY_WEBHOOK, OWNERS_POST),
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
    # A blog's posts become entries: participants only, as for an import.
    "journal:blog_settings": (NO_ARGS, participants(OK, BAD)),
    # Without an upload first there is nothing to preview: back to the upload page.
    "journal:import_preview": (NO_ARGS, participants(REDIRECT, REDIRECT)),
    # Encouraging: not oneself (tests/test_cheers.py). A GET only goes back to the entry or
    # journey; an empty cheer names no entry.
    "journal:cheer": (NO_ARGS, participants(REDIRECT, NOT_FOUND)),
    "journal:follow": (OWNER, participants(REDIRECT, REDIRECT, owner=(NOT_FOUND, NOT_FOUND))),
    "journal:comment_create": (MY_ENTRY, participants(REDIRECT, BAD)),
    "journal:comment_edit": (MY_COMMENT, participants(NOT_FOUND, NOT_FOUND, owner=(OK, BAD))),
    "journal:comment_delete": (MY_COMMENT, OWNERS_POST),
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
    # The API: a session opens nothing there, so every visitor here is a visitor to it
    # (who may use it with a token is API, above).
    **{name: (build, same_for_all(*session)) for name, (build, session, _) in API.items()},
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
    rest_period, _ = rest.rest_period_declare(
        person=owner, first_day=tomorrow, last_day=tomorrow, weekday=None
    )
    # A one-day challenge the owner finished with today's entry.
    sprint = services.challenge_create(
        challenge=Challenge(
            creator=owner, title="Owner's sprint", starts_on=owner.local_today(), length_days=1
        ),
        topic_names=[],
    )
    finished = Participation.objects.select_related("challenge__creator", "person").get(
        challenge=sprint, person=owner, finished_on__isnull=False
    )
    push_device = PushSubscription.objects.create(
        person=owner, endpoint="https://push.example.net/owner", p256dh="k", auth="a"
    )
    return {
        "anonymous": None,
        "rest_period": rest_period,
        "push_device": push_device,
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
        "finished": finished,
        "token": services.token_create(person=owner, name="owner's", scope="read")[0],
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


def seen_by_everyone(client, world, url, visitors=VISITORS):
    """What each visitor meets at ``url``: the (GET, POST) outcomes."""
    return {
        visitor: tuple(observe(client, world, url, visitor, method) for method in ("GET", "POST"))
        for visitor in visitors
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


def test_an_invite_only_certificate_opens_as_its_challenge_does(client, world):
    owner = world["owner"]
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=owner,
            title="Owner's group sprint",
            starts_on=owner.local_today(),
            length_days=1,
            visibility=Challenge.Visibility.INVITE,
        ),
        topic_names=[],
    )
    url = reverse("journal:certificate", args=[challenge.slug, "owner"])
    assert seen_by_everyone(client, world, url) == members(
        NOT_FOUND,
        NOT_ALLOWED,
        anonymous=(NOT_FOUND, NOT_ALLOWED),
        owner=(OK, NOT_ALLOWED),
    )
    assert seen_by_everyone(client, world, f"{url}?invite={challenge.invite_token}") == PUBLIC_PAGE
    # Its image opens to the same readers.
    participation = Participation.objects.get(challenge=challenge, person=owner)
    card = sharecards.certificate_card(participation, [], participation.finished_minutes()[1])
    image = reverse("journal:share_certificate", args=[participation.pk, card.digest])
    assert seen_by_everyone(client, world, image) == members(
        NOT_FOUND,
        NOT_ALLOWED,
        anonymous=(NOT_FOUND, NOT_ALLOWED),
        owner=(OK, NOT_ALLOWED),
    )
    assert seen_by_everyone(client, world, f"{image}?invite={challenge.invite_token}") == (
        PUBLIC_PAGE
    )


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


# Challenges: every challenge URL, by every kind of reader, for every kind of challenge.
# The creator made it; the participant and the suspended person joined it (the latter was
# suspended since); the non-participant is a stranger to it; staff moderate. Each starts
# tomorrow, so that its creator may still edit it.
READERS = ["anonymous", "participant", "creator", "non_participant", "suspended", "staff"]
# Whether the challenge is on a list (/challenges/ in any tab, /challenges/mine/).
LISTED, ABSENT = "listed", "absent"


def readers(default, **overrides):
    table = dict.fromkeys(READERS, default)
    table.update(overrides)
    return table


def joined(default, *, creator=None, participant=None, suspended=(FORBIDDEN, FORBIDDEN)):
    """Signed-in readers get ``default``; the creator and the participant ``creator`` and
    ``participant``; a suspended person is told why they cannot; visitors log in."""
    return readers(
        default,
        anonymous=(LOGIN, LOGIN),
        creator=creator or default,
        participant=participant or default,
        suspended=suspended,
    )


UNSEEN = (NOT_FOUND, NOT_ALLOWED)
GONE = (NOT_FOUND, NOT_FOUND)
IN_IT = (REDIRECT, REDIRECT)
POSTED = (NOT_ALLOWED, REDIRECT)
CREATORS_ONLY = joined((NOT_ALLOWED, NOT_FOUND), creator=POSTED)
# What does not depend on the kind of challenge.
ANY_CHALLENGE = {
    "new": joined((OK, BAD)),
    # One's own place on the board.
    "board": joined((NOT_ALLOWED, NOT_FOUND), creator=POSTED, participant=POSTED),
    "edit": joined(GONE, creator=(OK, REDIRECT)),
    "close": CREATORS_ONLY,
    "renew_invite": CREATORS_ONLY,
}
MINE = readers(ABSENT, anonymous=LOGIN, creator=LISTED, participant=LISTED, suspended=LISTED)

CHALLENGE_POLICY = {
    "public": {
        **ANY_CHALLENGE,
        "list": readers(LISTED),
        "mine": MINE,
        "detail": readers((OK, NOT_ALLOWED)),
        "invite": readers((REDIRECT, NOT_ALLOWED)),
        "join": joined((OK, REDIRECT), creator=IN_IT, participant=IN_IT),
        "leave": joined(IN_IT),
        "atom": readers((OK, NOT_ALLOWED)),
        "report": joined((OK, BAD), creator=GONE),
    },
    # Found only through its link, by its members and whoever holds the link.
    "invite_only": {
        **ANY_CHALLENGE,
        "list": readers(ABSENT),
        "mine": MINE,
        "detail": readers(
            UNSEEN,
            creator=(OK, NOT_ALLOWED),
            participant=(OK, NOT_ALLOWED),
            suspended=(OK, NOT_ALLOWED),
        ),
        "invite": readers((REDIRECT, NOT_ALLOWED)),
        "join": joined(GONE, creator=IN_IT, participant=IN_IT),
        "leave": joined(GONE, creator=IN_IT, participant=IN_IT),
        "atom": readers(UNSEEN),
        "report": joined(GONE, participant=(OK, BAD)),
    },
    # Gone from everywhere but its creator's pages and the moderators' view of it; its
    # participants are still in it, for when it is restored.
    "hidden": {
        **ANY_CHALLENGE,
        "board": CREATORS_ONLY,
        "list": readers(ABSENT),
        "mine": readers(ABSENT, anonymous=LOGIN, creator=LISTED),
        "detail": readers(UNSEEN, creator=(OK, NOT_ALLOWED), staff=(OK, NOT_ALLOWED)),
        "invite": readers(UNSEEN, creator=(REDIRECT, NOT_ALLOWED)),
        "join": joined(GONE, creator=IN_IT),
        "leave": joined(GONE, creator=IN_IT),
        "atom": readers(UNSEEN),
        "report": joined(GONE),
    },
    # Over: still read everywhere, joined by no one new, edited no more.
    "closed": {
        **ANY_CHALLENGE,
        "list": readers(LISTED),
        "mine": MINE,
        "detail": readers((OK, NOT_ALLOWED)),
        "invite": readers((REDIRECT, NOT_ALLOWED)),
        "join": joined(IN_IT),
        "leave": joined(IN_IT),
        "edit": joined(GONE, creator=IN_IT),
        "atom": readers((OK, NOT_ALLOWED)),
        "report": joined((OK, BAD), creator=GONE),
    },
    # Its creator is suspended: it leaves public places and takes no one new, but stays
    # for the people in it; the moderators open it to judge.
    "suspended_creator": {
        **{
            name: {**table, "creator": (FORBIDDEN, FORBIDDEN)}
            for name, table in ANY_CHALLENGE.items()
        },
        "list": readers(ABSENT),
        "mine": MINE,
        "detail": readers(
            UNSEEN,
            creator=(OK, NOT_ALLOWED),
            participant=(OK, NOT_ALLOWED),
            suspended=(OK, NOT_ALLOWED),
            staff=(OK, NOT_ALLOWED),
        ),
        "invite": readers(
            UNSEEN,
            creator=(REDIRECT, NOT_ALLOWED),
            participant=(REDIRECT, NOT_ALLOWED),
            suspended=(REDIRECT, NOT_ALLOWED),
        ),
        "join": joined(GONE, creator=(FORBIDDEN, FORBIDDEN), participant=IN_IT),
        "leave": joined(GONE, creator=(FORBIDDEN, FORBIDDEN), participant=IN_IT),
        "atom": readers(UNSEEN),
        "report": joined(GONE, creator=(FORBIDDEN, FORBIDDEN), participant=(OK, BAD)),
    },
}

CHALLENGE_URLS = {
    "new": lambda c: reverse("journal:challenge_new"),
    "detail": lambda c: reverse("journal:challenge_detail", args=[c.slug]),
    "invite": lambda c: reverse("journal:challenge_invite", args=[c.invite_token]),
    "join": lambda c: reverse("journal:challenge_join", args=[c.slug]),
    "leave": lambda c: reverse("journal:challenge_leave", args=[c.slug]),
    "board": lambda c: reverse("journal:challenge_board", args=[c.slug]),
    "edit": lambda c: reverse("journal:challenge_edit", args=[c.slug]),
    "close": lambda c: reverse("journal:challenge_close", args=[c.slug]),
    "renew_invite": lambda c: reverse("journal:challenge_renew_invite", args=[c.slug]),
    "atom": lambda c: reverse("journal:challenge_atom", args=[c.slug]),
    "report": lambda c: reverse("journal:report", args=["challenge", c.slug]),
}


@pytest.fixture(params=sorted(CHALLENGE_POLICY))
def challenge_world(request, db):
    kind = request.param
    people = {
        "anonymous": None,
        "creator": make_user("creator"),
        "participant": make_user("participant"),
        "non_participant": make_user("stranger"),
        "suspended": make_user("suspended"),
        "staff": make_user("moderator", is_staff=True),
    }
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=people["creator"],
            title="Thirty days of Rust",
            starts_on=people["creator"].local_today() + dt.timedelta(days=1),
            length_days=30,
            visibility=Challenge.Visibility.INVITE
            if kind == "invite_only"
            else Challenge.Visibility.PUBLIC,
        ),
        topic_names=[],
    )
    for person in ("participant", "suspended"):
        services.challenge_join(person=people[person], challenge=challenge)
    staff = people["staff"]
    services.user_set_suspended(moderator=staff, user=people["suspended"], suspended=True)
    if kind == "hidden":
        services.challenge_set_hidden(moderator=staff, challenge=challenge, hidden=True)
    elif kind == "closed":
        services.challenge_close(challenge=challenge, by=people["creator"])
    elif kind == "suspended_creator":
        services.user_set_suspended(moderator=staff, user=people["creator"], suspended=True)
    return kind, challenge, people


def listed(client, challenge, reader, name):
    """Whether ``reader`` finds ``challenge`` on the list ``name`` (every tab of it)."""
    client.logout()
    if reader:
        client.force_login(reader)
    if name == "mine":
        addresses = [reverse("journal:challenges_mine")]
    else:
        addresses = [
            f"{reverse('journal:challenges')}?status={s}" for s in ("running", "soon", "finished")
        ]
    found = False
    for address in addresses:
        response = client.get(address)
        if outcome(response) == LOGIN:
            return LOGIN
        assert response.status_code == OK, address
        found |= challenge.get_absolute_url() in response.text
    return LISTED if found else ABSENT


def test_challenge_access_policy(client, challenge_world):
    kind, challenge, people = challenge_world
    seen = {}
    for name in ("list", "mine"):
        seen[name] = {reader: listed(client, challenge, people[reader], name) for reader in READERS}
    for name, address in CHALLENGE_URLS.items():
        seen[name] = seen_by_everyone(client, people, address(challenge), READERS)
    assert seen == CHALLENGE_POLICY[kind]


def token_holders(world):
    """Each holder's Authorization header: read-write tokens, but for owner_read; the
    suspended person's was made before the suspension."""
    secrets = {
        holder: services.token_create(person=world[holder], name=holder, scope="read-write")[1]
        for holder in ("other", "owner", "staff")
    }
    secrets["owner_read"] = services.token_create(person=world["owner"], name="read", scope="read")[
        1
    ]
    revoked, secrets["revoked"] = services.token_create(
        person=world["owner"], name="gone", scope="read-write"
    )
    services.token_revoke(token=revoked)
    suspended = world["suspended"]
    services.user_set_suspended(moderator=world["staff"], user=suspended, suspended=False)
    secrets["suspended"] = services.token_create(person=suspended, name="s", scope="read-write")[1]
    services.user_set_suspended(moderator=world["staff"], user=suspended, suspended=True)
    return {
        holder: {"HTTP_AUTHORIZATION": f"Bearer {secret}"} for holder, secret in secrets.items()
    }


@pytest.mark.parametrize("name", sorted(API))
def test_api_access_policy_by_token(client, world, name):
    build, _, expected = API[name]
    url = reverse(name, args=build(world))
    headers = {"visitor": {}, **token_holders(world)}
    seen = {}
    for holder in TOKEN_HOLDERS:
        outcomes = []
        for method in ("GET", "POST"):
            try:
                with transaction.atomic():
                    outcomes.append(
                        client.generic(
                            method, url, content_type="application/json", **headers[holder]
                        ).status_code
                    )
                    raise Rollback
            except Rollback:
                pass
        seen[holder] = tuple(outcomes)
    assert seen == expected


def test_the_api_hides_what_its_pages_hide(client, world):
    """Private, hidden and invite-only things never appear to another token holder."""
    owner, other = world["owner"], world["other"]
    private = write_entry(
        owner, day=owner.local_today() - dt.timedelta(days=1), visibility="private"
    )
    secret = services.token_create(person=other, name="o", scope="read")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    invite_only = world["invite_only"]
    for url in (
        reverse("api:entry", args=[private.pk]),
        reverse("api:challenge", args=[invite_only.slug]),
        reverse("api:challenge_board", args=[invite_only.slug]),
        reverse("api:person", args=["suspended"]),
    ):
        assert client.get(url, **headers).status_code == NOT_FOUND, url
    services.entry_set_hidden(
        moderator=world["staff"], entry=world["entry"], hidden=True, reason="x"
    )
    staff = services.token_create(person=world["staff"], name="s", scope="read")[1]
    # A token is no moderator's: staff see through the API what everyone sees.
    assert (
        client.get(
            reverse("api:entry", args=[world["entry"].pk]), HTTP_AUTHORIZATION=f"Bearer {staff}"
        ).status_code
        == NOT_FOUND
    )
