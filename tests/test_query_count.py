"""The benchmark's X-Query-Count header, installed only when MOMENTUM_COUNT_QUERIES is set."""

from django.urls import reverse

COUNTER = "journal.middleware.QueryCountMiddleware"


def test_it_counts_the_queries_of_a_request(client, db, settings):
    settings.MIDDLEWARE = [COUNTER, *settings.MIDDLEWARE]
    response = client.get(reverse("journal:healthz"))
    assert response["X-Query-Count"] == "1"


def test_it_is_off_unless_asked_for(client, db, settings):
    assert COUNTER not in settings.MIDDLEWARE
    assert "X-Query-Count" not in client.get(reverse("journal:healthz"))
