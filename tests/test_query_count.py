"""The benchmark's X-Query-Count header, installed only when MOMENTUM_COUNT_QUERIES is set."""

import datetime as dt

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


def test_the_webhooks_page_costs_five_queries_with_every_hook_full(
    client, alice, django_assert_num_queries
):
    client.force_login(alice)
    url = reverse("journal:webhooks")
    for n in range(webhooks.MAX_WEBHOOKS):
        hook = Webhook.objects.create(person=alice, url=f"https://hooks.example.com/{n}")
        # One more than is kept: the oldest is pruned.
        for _ in range(webhooks.KEPT_DELIVERIES + 1):
            webhooks.webhook_ping(webhook=hook)
    # The session, the person, their hooks, all their kept deliveries in one, and the
    # navigation's unread count.
    with django_assert_num_queries(5):
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
