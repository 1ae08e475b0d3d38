import logging
from unittest import mock

from django.db import OperationalError
from django.urls import reverse

from journal.middleware import RequestIdFilter


def test_healthz_reports_the_database(client, db):
    response = client.get(reverse("journal:healthz"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_says_when_the_database_is_down(client, db):
    with mock.patch("journal.views.health.connection.cursor", side_effect=OperationalError("down")):
        response = client.get(reverse("journal:healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_a_database_outage_gets_the_friendly_503(client, db):
    with mock.patch("journal.views.reading.render", side_effect=OperationalError("gone")):
        response = client.get(reverse("journal:feed"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "Back in a moment" in response.content.decode()


def test_an_outage_while_filling_a_readers_parts_gets_the_503_too(client, alice):
    # A page from the cache needs no database, but the reader's own figures may.
    client.force_login(alice)
    with mock.patch("journal.caching.reader.own", side_effect=OperationalError("gone")):
        response = client.get(reverse("journal:feed"))
    assert response.status_code == 503
    assert "Back in a moment" in response.content.decode()


def test_every_response_has_a_request_id_in_its_header_and_log(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="momentum.access"):
        response = client.get(reverse("journal:feed"), HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    record = next(r for r in caplog.records if r.name == "momentum.access")
    assert record.getMessage().startswith("GET /feed/ 200")


def test_log_lines_carry_the_request_id(client, db, settings):
    stamped = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.emit = lambda record: stamped.append(record.request_id)
    logger = logging.getLogger("momentum.access")
    logger.addHandler(handler)
    try:
        client.get(reverse("journal:feed"), HTTP_X_REQUEST_ID="req-42")
    finally:
        logger.removeHandler(handler)
    assert stamped == ["req-42"]


def test_a_hostile_request_id_is_replaced(client, db):
    response = client.get(reverse("journal:feed"), HTTP_X_REQUEST_ID="<script>\n")
    assert len(response["X-Request-ID"]) == 32
    assert "<" not in response["X-Request-ID"]
