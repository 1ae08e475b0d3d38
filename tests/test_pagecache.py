"""Visitors' pages come from the cache, and a write shows on the very next request."""

import pytest
from django.urls import reverse

from journal import services
from tests.conftest import write_entry


@pytest.fixture
def cached(settings, django_capture_on_commit_callbacks):
    settings.MOMENTUM_PAGE_CACHE = True

    def write(action):
        # The cache hears of a write when its transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return write


def test_a_cached_feed_costs_no_query(client, alice, cached, django_assert_num_queries):
    cached(lambda: write_entry(alice, title="First light"))
    first = client.get(reverse("journal:feed"))
    with django_assert_num_queries(0):
        again = client.get(reverse("journal:feed"))
    assert again.content == first.content
    assert "First light" in again.content.decode()


def test_a_new_entry_shows_at_once(client, alice, bob, cached):
    cached(lambda: write_entry(alice, title="First light"))
    client.get(reverse("journal:feed"))
    client.get(reverse("journal:home"))
    cached(lambda: write_entry(bob, title="Second wind"))
    assert "Second wind" in client.get(reverse("journal:feed")).content.decode()
    assert "Second wind" in client.get(reverse("journal:home")).content.decode()


def test_moderation_shows_at_once(client, alice, moderator, cached):
    entry = cached(lambda: write_entry(alice, title="Buy pills"))
    assert "Buy pills" in client.get(reverse("journal:feed")).content.decode()
    cached(lambda: services.entry_set_hidden(moderator=moderator, entry=entry, hidden=True))
    assert "Buy pills" not in client.get(reverse("journal:feed")).content.decode()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_signed_in_readers_are_never_served_a_cached_page(client, alice, bob, cached):
    cached(lambda: write_entry(alice, title="First light"))
    client.get(reverse("journal:feed"))
    client.force_login(bob)
    page = client.get(reverse("journal:feed")).content.decode()
    assert "Log out" in page and "Join the challenge" not in page


def test_pages_with_a_message_are_not_cached(client, alice, cached):
    cached(lambda: write_entry(alice, title="First light"))
    client.force_login(alice)
    client.post(reverse("account_logout"))
    after_logout = client.get(reverse("journal:home")).content.decode()
    assert "You have signed out" in after_logout
    assert "You have signed out" not in client.get(reverse("journal:home")).content.decode()


def test_each_query_string_is_its_own_page(client, alice, bob, cached):
    cached(lambda: write_entry(alice, title="Python day", topics=["python"]))
    cached(lambda: write_entry(bob, title="Rust day", topics=["rust"]))
    python = client.get(reverse("journal:feed") + "?topic=python").content.decode()
    rust = client.get(reverse("journal:feed") + "?topic=rust").content.decode()
    assert "Python day" in python and "Rust day" not in python
    assert "Rust day" in rust and "Python day" not in rust
