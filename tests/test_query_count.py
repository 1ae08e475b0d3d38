"""The benchmark's X-Query-Count header, installed only when MOMENTUM_COUNT_QUERIES is set."""

from django.urls import reverse

from journal.models import Webhook
from journal.services import webhooks

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
