"""The benchmark's X-Query-Count header, installed only when MOMENTUM_COUNT_QUERIES is set."""

import datetime as dt

import pytest
from django.urls import reverse

from journal import services
from journal.models import Challenge, Webhook
from journal.services import rest, webhooks

COUNTER = "journal.middleware.QueryCountMiddleware"


def test_it_counts_the_queries_of_a_request(client, db, settings):
    settings.MIDDLEWARE = [COUNTER, *settings.MIDDLEWARE]
    response = client.get(reverse("journal:healthz"))
    assert response["X-Query-Count"] == "1"


def test_it_is_off_unless_asked_for(client, db, settings):
    assert COUNTER not in settings.MIDDLEWARE
    assert "X-Query-Count" not in client.get(reverse("journal:healthz"))


# The API's endpoints (journal/api/): the same number of queries whatever the data size.
# With a token, one more: the token and its person (last_used_at is written at most once a
# minute, so not on the measured request).
API_READS = {
    "/api/v1/entries/": 2,
    "/api/v1/entries/?topic=python": 3,
    "/api/v1/people/alice/": 1,
    "/api/v1/people/alice/entries/": 3,
    "/api/v1/topics/python/entries/": 3,
    "/api/v1/challenges/": 1,
    "/api/v1/challenges/one-hour-a-day/": 1,
    "/api/v1/challenges/one-hour-a-day/entries/": 3,
    "/api/v1/challenges/one-hour-a-day/board/": 2,
}


def _grow(people, days):
    from journal import services
    from journal.models import Challenge
    from tests.conftest import days_ago, make_user, write_entry

    site = Challenge.objects.site()
    for index in range(people):
        person = make_user(f"reader{index}") if index else make_user("alice")
        services.challenge_join(person=person, challenge=site)
        for n in range(days):
            write_entry(person, day=days_ago(person, n), topics=["python", f"t{index}"])
        services.token_create(person=person, name="t", scope="read-write")


@pytest.mark.parametrize(("url", "queries"), sorted(API_READS.items()))
@pytest.mark.parametrize(("people", "days"), [(1, 1), (6, 4)])
def test_api_reads_run_constant_queries(
    client, db, django_assert_num_queries, url, queries, people, days
):
    from journal import services
    from journal.models import User

    _grow(people, days)
    _, secret = services.token_create(
        person=User.objects.get(username="alice"), name="q", scope="read"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get(url).status_code == 200
    assert client.get(url, **headers).status_code == 200
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(queries + 1):
        assert client.get(url, **headers).status_code == 200


@pytest.mark.parametrize(("people", "days"), [(1, 1), (6, 4)])
def test_api_own_reads_run_constant_queries(client, db, django_assert_num_queries, people, days):
    from journal import services
    from journal.models import User

    _grow(people, days)
    alice = User.objects.get(username="alice")
    _, secret = services.token_create(person=alice, name="q", scope="read")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    for url, queries in (("/api/v1/me/", 1), ("/api/v1/me/notifications/", 2)):
        assert client.get(url, **headers).status_code == 200
        with django_assert_num_queries(queries):
            assert client.get(url, **headers).status_code == 200


def test_the_webhooks_page_costs_four_queries_with_every_hook_full(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("journal:webhooks")
    for n in range(webhooks.MAX_WEBHOOKS):
        hook = Webhook.objects.create(person=alice, url=f"https://hooks.example.com/{n}")
        # One more than is kept: the oldest is pruned.
        for _ in range(webhooks.KEPT_DELIVERIES + 1):
            webhooks.webhook_ping(webhook=hook)
    # The session, the person, their hooks, and all their kept deliveries in one.
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()
    rows = page.count('<td class="import-day">')
    assert rows == webhooks.MAX_WEBHOOKS * webhooks.KEPT_DELIVERIES


def test_the_rest_days_page_runs_a_fixed_number_of_queries(
    client, alice, clock, django_assert_num_queries
):
    """The session, the person, their rest periods and their challenges (the navigation's
    figures come from the cache, warmed by a first request): the same with no declaration
    as with many, in one challenge as in several."""
    client.force_login(alice)
    url = reverse("journal:rest_settings")
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    for weekday in range(5):
        rest.rest_period_declare(person=alice, first_day=tomorrow, last_day=None, weekday=weekday)
    for n in range(3):
        services.challenge_create(
            challenge=Challenge(creator=alice, title=f"Challenge {n}"), topic_names=[]
        )
    client.get(url)
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200
