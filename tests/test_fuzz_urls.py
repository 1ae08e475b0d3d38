"""Random addresses and query parameters on every page: a 4xx, a redirect or the page,
never a server error.

Every path and parameter value is sent percent-encoded from bytes, so NUL, encoded
surrogates and invalid UTF-8 reach the server as a hostile visitor would send them.
"""

import itertools
import re
from urllib.parse import quote_from_bytes

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal import services, sharecards
from journal.emails import unsubscribe_token
from journal.models import Challenge, Entry, Participation, User, Webhook, attach_topics
from journal.urls import urlpatterns
from tests.conftest import days_ago, write_entry

# The query parameters each page reads (request.GET in its view, ?next= where a GET goes
# back to a page); the path's own parameters come from its route.
QUERY = {
    "journal:home": ["topic", "before"],
    "journal:healthz": [],
    "journal:atom": [],
    "journal:feed": ["topic", "before"],
    "journal:journey_atom": [],
    "journal:journey": ["before"],
    "journal:entry_detail": [],
    "journal:entry_by_number": [],
    "journal:share_entry": [],
    "journal:share_person": [],
    "journal:share_challenge": [],
    "journal:share_certificate": [],
    "journal:certificate": ["invite"],
    "journal:follow": ["next"],
    "journal:following": ["before"],
    "journal:encourage": ["before"],
    "journal:cheer": ["next", "entry"],
    "journal:comment_create": [],
    "journal:comment_edit": [],
    "journal:comment_delete": [],
    "journal:notifications": ["page"],
    "journal:notifications_mark_read": [],
    "journal:topics": [],
    "journal:topic_atom": [],
    "journal:topic": ["before"],
    "journal:search": ["q", "page"],
    "journal:people": ["sort", "page"],
    "journal:challenges": ["status", "page"],
    "journal:challenges_mine": [],
    "journal:challenge_new": [],
    "journal:challenge_invite": [],
    "journal:challenge_detail": ["after", "invite"],
    "journal:challenge_atom": [],
    "journal:challenge_join": ["invite"],
    "journal:challenge_leave": ["invite"],
    "journal:challenge_board": [],
    "journal:challenge_edit": [],
    "journal:challenge_close": [],
    "journal:challenge_renew_invite": [],
    "journal:write": ["day"],
    "journal:entry_edit": [],
    "journal:entry_delete": [],
    "journal:markdown_preview": [],
    "journal:image_upload": [],
    "journal:settings": [],
    "journal:reminder_settings": [],
    "journal:email_settings": [],
    "journal:rest_settings": [],
    "journal:rest_period_end": [],
    "journal:blog_settings": [],
    "journal:push_subscribe": [],
    "journal:push_unsubscribe": [],
    "journal:push_device_remove": [],
    "journal:service_worker": [],
    "journal:manifest": [],
    "journal:offline": [],
    "journal:webhooks": [],
    "journal:webhook_ping": [],
    "journal:webhook_active": [],
    "journal:webhook_delete": [],
    "journal:tokens": [],
    "journal:token_revoke": [],
    "journal:unsubscribe": [],
    "journal:welcome": [],
    "journal:account_delete": [],
    "journal:export": [],
    "journal:import_upload": [],
    "journal:import_preview": [],
    "journal:report": [],
    "journal:moderation": [],
    "journal:moderation_hidden": ["before"],
    "journal:moderation_act": [],
    "account_login": ["next"],
    "account_signup": ["next"],
    "account_logout": ["next"],
    "account_reset_password": [],
}
ROUTES = {f"journal:{pattern.name}": str(pattern.pattern) for pattern in urlpatterns}
PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")

values = st.one_of(
    st.text(max_size=300).map(str.encode),
    st.binary(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1000, max_size=5000).map(str.encode),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: str(n).encode()),
    # Encoded surrogates, an overlong NUL and bytes that are not UTF-8: what no browser
    # sends.
    st.sampled_from([b"\xed\xa0\x80", b"\xed\xbf\xbf", b"\xc0\x80", b"\xff\xfe", b"\x00"]),
    st.builds(
        lambda day, sign, hours, minutes, pk: (
            f"{day.isoformat()}T00:00:00{sign}{hours:02}:{minutes:02}_{pk}".encode()
        ),
        st.dates(),
        st.sampled_from("+-"),
        st.integers(0, 23),
        st.integers(0, 59),
        st.integers(-(10**20), 10**20),
    ),
    st.dates().map(lambda day: day.isoformat().encode()),
    st.sampled_from(
        [b"", b"0001-01-01", b"9999-12-31", b"2025-02-30", b"0000-00-00",
         b"0001-01-01T00:00:00-23:59_-5", b"yesterday", b"current", b"longest", b"newest",
         b"python", b"alice", b"-" * 200, b"- " * 100, b'"', b"%", b"//evil.example/",
         b"javascript:alert(1)", b"1e9", b"NaN"]
    ),
)  # fmt: skip


# Appended to a name or id that exists, or alone.
HOSTILE = [b"\x00", b"\xed\xa0\x80", b"\xff", b" ", b"/", b"%00", b"0" * 30, b"x" * 3000]


def encoded(value):
    return quote_from_bytes(value, safe="")


@pytest.fixture
def world(alice, bob, moderator):
    """Alice's days on a topic with a cheer, a comment, a follow and a report, so that
    pages hold data."""
    earlier = write_entry(alice, day=days_ago(alice, 1), title="Chain rule", topics=["python"])
    entry = write_entry(alice, title="Backpropagation", topics=["python"])
    services.cheer_toggle(user=bob, entry=entry)
    comment = services.comment_create(author=bob, entry=entry, body="Well done")
    services.follow_toggle(follower=bob, followed=alice)
    services.report_create(reporter=alice, target=comment, reason="spam", note="")
    # What the share images show now, as their pages name them.
    shown = Entry.objects.for_cards().get(pk=entry.pk)
    attach_topics([shown])
    images = [sharecards.entry_card(shown), sharecards.person_card(User.objects.get(pk=alice.pk))]
    challenge = services.challenge_create(
        challenge=Challenge(
            creator=alice, title="Study group", visibility=Challenge.Visibility.INVITE
        ),
        topic_names=["python"],
    )
    services.challenge_join(person=bob, challenge=challenge)
    # A one-day challenge Alice finished with today's entry: a certificate and its image.
    sprint = services.challenge_create(
        challenge=Challenge(
            creator=alice, title="Sprint", starts_on=alice.local_today(), length_days=1
        ),
        topic_names=["python"],
    )
    finished = Participation.objects.select_related("challenge__creator", "person").get(
        challenge=sprint, person=alice, finished_on__isnull=False
    )
    topics = list(sprint.topics.all())
    images += [
        sharecards.challenge_card(sprint, topics),
        sharecards.certificate_card(finished, topics, finished.finished_minutes()[1]),
    ]
    webhook = Webhook.objects.create(person=alice, url="https://hooks.example.com/alice")
    return {
        "visitor": None,
        "alice": alice,
        "moderator": moderator,
        # What each path parameter may be, besides random bytes: what exists.
        "known": {
            "username": [b"alice", b"bob"],
            "day": [earlier.day.isoformat().encode(), entry.day.isoformat().encode()],
            "number": [b"1", b"2"],
            "slug": [b"python", challenge.slug.encode(), b"one-hour-a-day", sprint.slug.encode()],
            "pk": [
                str(entry.pk).encode(),
                str(comment.pk).encode(),
                str(finished.pk).encode(),
                str(webhook.pk).encode(),
            ],
            "kind": [b"entry", b"comment", b"person", b"challenge"],
            "key": [
                b"alice",
                b"bob",
                str(entry.pk).encode(),
                str(comment.pk).encode(),
                challenge.slug.encode(),
            ],
            "digest": [image.digest.encode() for image in images],
            "token": [challenge.invite_token.encode(), unsubscribe_token(alice, "digest").encode()],
        },
    }


def addresses(name, known):
    """Addresses of page ``name``: its route with random path parameters, and a random
    query string of the parameters it reads."""
    if name in ROUTES:
        route = ROUTES[name]
        path = st.fixed_dictionaries(
            {parameter: st.one_of(_near(known[parameter]), values) for parameter in _names(route)}
        ).map(lambda chosen: _address(route, chosen))
    else:
        path = st.just(reverse(name))
    parameters = st.lists(
        st.tuples(st.sampled_from([*QUERY[name], "unexpected"]), values),
        max_size=len(QUERY[name]) + 1,
    ).map(lambda pairs: "&".join(f"{key}={encoded(value)}" for key, value in pairs))
    return st.tuples(path, parameters).map(lambda both: f"{both[0]}?{both[1]}")


def _near(known):
    """A name or id that exists, alone or with something hostile after it."""
    return st.builds(bytes.__add__, st.sampled_from(known), st.sampled_from([b"", *HOSTILE]))


def _names(route):
    return [name for _, name in PARAMETER.findall(route)]


def _address(route, chosen):
    """``route`` with each parameter replaced by its ``chosen`` bytes, percent-encoded."""
    return "/" + PARAMETER.sub(lambda match: encoded(chosen[match[2]]), route)


def _browser(world, audience):
    browser = Client(raise_request_exception=False)
    if world[audience]:
        browser.force_login(world[audience])
    return browser


def assert_no_server_error(browser, address):
    # A savepoint per request: after a failed query PostgreSQL refuses the next ones.
    with transaction.atomic():
        response = browser.get(address)
        assert response.status_code < 500, (address, response.status_code)
        transaction.set_rollback(True)


def test_every_page_is_fuzzed():
    names = {f"journal:{pattern.name}" for pattern in urlpatterns}
    assert names <= set(QUERY), names - set(QUERY)


AUDIENCES = ["visitor", "alice", "moderator"]


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("name", sorted(QUERY))
def test_random_addresses_never_break_the_server(world, name, audience):
    browser = _browser(world, audience)

    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(address=addresses(name, world["known"]))
    def get_random(address):
        assert_no_server_error(browser, address)

    get_random()


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("name", sorted(name for name in ROUTES if _names(ROUTES[name])))
def test_each_hostile_path_parameter_never_breaks_the_server(world, name, audience):
    # Each parameter in turn, with the others naming what exists in every combination:
    # what random examples rarely draw (/report/person/%00/ needs the kind right).
    browser = _browser(world, audience)
    known = world["known"]
    route = ROUTES[name]
    for hostile_name in _names(route):
        others = [parameter for parameter in _names(route) if parameter != hostile_name]
        for combination in itertools.product(*(known[parameter] for parameter in others)):
            for existing in [b"", *known[hostile_name]]:
                for hostile in HOSTILE:
                    chosen = dict(zip(others, combination, strict=True))
                    chosen[hostile_name] = existing + hostile
                    assert_no_server_error(browser, _address(route, chosen))
