"""Pages come from the cache, for visitors and signed-in readers alike. What a write takes
away shows on the very next request; what it adds shows at once to its writer and within
seconds to everyone else."""

import re
import time
from unittest import mock

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from journal import services
from journal.caching import cards, pages
from journal.caching.reader import MARK
from tests.conftest import days_ago, make_user, write_entry


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


def later(settings):
    """The clock once the pages cached now are past the time they may lag behind."""
    moved = time.time() + settings.MOMENTUM_PAGE_STALE_SECONDS + 1
    return mock.patch("journal.caching.pages.time.time", return_value=moved)


def test_a_new_entry_shows_to_its_author_at_once_and_to_others_within_seconds(
    client, alice, bob, cached, settings
):
    cached(lambda: write_entry(alice, title="First light"))
    author = Client()
    author.force_login(bob)
    for reader in (client, author):
        reader.get(reverse("journal:feed"))
        reader.get(reverse("journal:home"))
    cached(lambda: write_entry(bob, title="Second wind"))
    assert "Second wind" in author.get(reverse("journal:feed")).content.decode()
    # Everyone else gets the copy rendered before it, while it is young.
    assert "Second wind" not in client.get(reverse("journal:feed")).content.decode()
    with later(settings):
        assert "Second wind" in client.get(reverse("journal:feed")).content.decode()
        assert "Second wind" in client.get(reverse("journal:home")).content.decode()


def test_a_cheer_counts_at_once_for_who_cheered_and_within_seconds_for_others(
    client, alice, bob, cached, settings
):
    entry = cached(lambda: write_entry(alice, title="First light"))
    cheerer = Client()
    cheerer.force_login(bob)
    for reader in (client, cheerer):
        assert "0 cheers" in reader.get(reverse("journal:feed")).content.decode()
    cached(lambda: services.cheer_toggle(user=bob, entry=entry))
    assert "1 cheer<" in cheerer.get(reverse("journal:feed")).content.decode()
    assert "0 cheers" in client.get(reverse("journal:feed")).content.decode()
    with later(settings):
        assert "1 cheer<" in client.get(reverse("journal:feed")).content.decode()


@pytest.mark.parametrize(
    "take_away",
    [
        lambda entry: services.entry_save(entry=_with(entry, visibility="private"), topic_names=[]),
        lambda entry: services.entry_delete(entry=entry),
        lambda entry: services.entry_save(entry=_with(entry, title="Renamed"), topic_names=[]),
    ],
    ids=["made private", "deleted", "edited"],
)
def test_what_a_write_takes_away_or_changes_shows_at_once(client, alice, bob, cached, take_away):
    entry = cached(lambda: write_entry(alice, title="First light"))
    client.force_login(bob)
    assert "First light" in client.get(reverse("journal:feed")).content.decode()
    visitor = Client()
    assert "First light" in visitor.get(reverse("journal:feed")).content.decode()
    cached(lambda: take_away(entry))
    # Read by people other than its author, within the seconds an addition may lag.
    assert "First light" not in client.get(reverse("journal:feed")).content.decode()
    assert "First light" not in visitor.get(reverse("journal:feed")).content.decode()


def test_edits_and_deletions_outside_the_services_show_at_once(client, alice, bob, cached):
    # As the admin site makes them: the models' own signals, with no service around them.
    entry = cached(lambda: write_entry(alice, title="First light"))
    comment = cached(lambda: services.comment_create(author=bob, entry=entry, body="Well done"))
    journey = reverse("journal:journey", args=["alice"])
    assert "Well done" in client.get(entry.get_absolute_url()).content.decode()
    assert "Alice Martin" in client.get(journey).content.decode()

    comment.body = "Nicely done"
    cached(comment.save)
    assert "Nicely done" in client.get(entry.get_absolute_url()).content.decode()
    alice.display_name = "Alice Rivers"
    cached(alice.save)
    assert "Alice Martin" not in client.get(journey).content.decode()
    cached(entry.delete)
    assert "First light" not in client.get(journey).content.decode()


def _with(entry, **fields):
    for name, value in fields.items():
        setattr(entry, name, value)
    return entry


def test_moderation_shows_at_once(client, alice, moderator, cached):
    entry = cached(lambda: write_entry(alice, title="Buy pills"))
    assert "Buy pills" in client.get(reverse("journal:feed")).content.decode()
    cached(lambda: services.entry_set_hidden(moderator=moderator, entry=entry, hidden=True))
    assert "Buy pills" not in client.get(reverse("journal:feed")).content.decode()
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_readers_share_one_rendering_and_each_sees_their_own_parts(
    client, alice, bob, cached, django_assert_num_queries
):
    carol = make_user("carol", display_name="Carol Reed")
    entry = cached(lambda: write_entry(alice, title="First light"))
    cached(lambda: services.cheer_toggle(user=carol, entry=entry))
    client.force_login(bob)
    for_bob = client.get(reverse("journal:feed")).content.decode()
    assert "@bob" in for_bob
    assert 'aria-pressed="false"' in for_bob

    client.force_login(carol)
    # Session, person, their cheers among the cards, their unread count, their progress in
    # their challenges (the day's part): the page itself comes from the cache.
    with django_assert_num_queries(5):
        for_carol = client.get(reverse("journal:feed")).content.decode()
    assert "@carol" in for_carol
    assert "@bob" not in for_carol
    assert 'aria-pressed="true"' in for_carol
    assert MARK.decode() not in for_carol

    client.force_login(alice)
    own = client.get(reverse("journal:feed")).content.decode()
    assert "First light" in own
    assert 'form="cheer-form"' not in own


def test_a_reader_posts_with_their_own_csrf_token(alice, bob, cached):
    entry = cached(lambda: write_entry(alice, title="First light"))
    first = Client()
    first.force_login(make_user("carol"))
    first.get(reverse("journal:feed"))
    reader = Client(enforce_csrf_checks=True)
    reader.force_login(bob)
    page = reader.get(reverse("journal:feed")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
    response = reader.post(
        reverse("journal:cheer"), {"csrfmiddlewaretoken": token, "entry": entry.pk}
    )
    assert response.status_code == 302
    assert entry.cheers.filter(user=bob).exists()


def test_a_journey_is_shared_with_readers_but_not_its_owner(client, alice, bob, cached):
    cached(lambda: write_entry(alice, title="Out loud"))
    cached(
        lambda: write_entry(
            alice, title="Just for me", visibility="private", day=days_ago(alice, 1)
        )
    )
    carol = make_user("carol")
    cached(lambda: services.follow_toggle(follower=carol, followed=alice))
    url = reverse("journal:journey", args=["alice"])
    client.force_login(bob)
    for_bob = client.get(url).content.decode()
    assert "Follow Alice Martin" in for_bob
    assert "Just for me" not in for_bob

    client.force_login(carol)
    assert "You follow Alice Martin" in client.get(url).content.decode()

    client.force_login(alice)
    own = client.get(url).content.decode()
    assert "Just for me" in own
    assert "Edit profile" in own
    assert "Follow Alice" not in own


def test_only_the_owners_copy_of_a_journey_has_their_private_minutes(client, alice, bob, cached):
    cached(lambda: write_entry(alice, minutes=60))
    cached(lambda: write_entry(alice, minutes=90, visibility="private", day=days_ago(alice, 1)))
    url = reverse("journal:journey", args=["alice"])
    client.force_login(alice)
    assert "<dd>2.5 <small>hours</small>" in client.get(url).content.decode()
    for reader in (bob, None):
        client.logout()
        if reader:
            client.force_login(reader)
        page = client.get(url).content.decode()
        assert "<dd>1.0 <small>hours</small></dd>" in page
        assert "2.5 <small>" not in page


def test_a_follow_shows_at_once_on_a_cached_journey(
    client, alice, bob, cached, django_assert_num_queries
):
    cached(lambda: write_entry(alice, title="Out loud"))
    url = reverse("journal:journey", args=["alice"])
    client.force_login(make_user("carol"))
    client.get(url)
    client.force_login(bob)
    assert "Follow Alice Martin" in client.get(url).content.decode()
    cached(lambda: services.follow_toggle(follower=bob, followed=alice))
    page = client.get(url).content.decode()
    assert "You follow Alice Martin" in page
    assert "Follow Alice Martin" not in page
    # Then only the session and the person: the page and whom Bob follows are cached.
    with django_assert_num_queries(2):
        assert "You follow Alice Martin" in client.get(url).content.decode()
    cached(lambda: services.follow_toggle(follower=bob, followed=alice))
    page = client.get(url).content.decode()
    assert "Follow Alice Martin" in page
    assert "You follow" not in page


def test_an_entry_is_personal_to_those_who_commented(client, alice, bob, moderator, cached):
    entry = cached(lambda: write_entry(alice, title="First light"))
    cached(lambda: services.comment_create(author=bob, entry=entry, body="Well done"))
    client.force_login(make_user("carol"))
    for_carol = client.get(entry.get_absolute_url()).content.decode()
    assert "Well done" in for_carol
    assert "Edit or delete" not in for_carol

    client.force_login(bob)
    assert "Edit or delete" in client.get(entry.get_absolute_url()).content.decode()

    spam = cached(lambda: services.comment_create(author=bob, entry=entry, body="Buy pills"))
    cached(lambda: services.comment_set_hidden(moderator=moderator, comment=spam, hidden=True))
    client.force_login(make_user("dan"))
    assert "Buy pills" not in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(bob)
    assert (
        "Only you and the moderators can see it"
        in client.get(entry.get_absolute_url()).content.decode()
    )


def test_an_entry_is_shared_with_readers_but_not_its_author(client, alice, bob, cached):
    entry = cached(lambda: write_entry(alice, title="First light"))
    client.force_login(bob)
    assert "Report this entry" in client.get(entry.get_absolute_url()).content.decode()
    client.force_login(alice)
    own = client.get(entry.get_absolute_url()).content.decode()
    assert "Delete" in own
    assert "Report this entry" not in own


def test_staff_pages_are_their_own(client, alice, bob, moderator, cached):
    cached(lambda: write_entry(alice, title="First light"))
    cached(
        lambda: services.user_set_suspended(
            moderator=moderator, user=alice, suspended=True, reason="spam"
        )
    )
    url = reverse("journal:journey", args=["alice"])
    client.force_login(moderator)
    assert client.get(url).status_code == 200
    client.force_login(bob)
    assert client.get(url).status_code == 404


def test_what_staff_see_of_hidden_things_is_served_to_nobody_else(
    client, alice, bob, moderator, cached
):
    spam = cached(lambda: write_entry(alice, day=days_ago(alice, 1), title="Spam day"))
    entry = cached(lambda: write_entry(alice, title="First light"))
    rude = cached(lambda: services.comment_create(author=bob, entry=entry, body="Buy pills"))
    cached(lambda: services.comment_set_hidden(moderator=moderator, comment=rude, hidden=True))
    cached(lambda: services.entry_set_hidden(moderator=moderator, entry=spam, hidden=True))
    reader = Client()
    reader.force_login(make_user("carol"))
    # The readers' copy is in the cache first: staff are not served it.
    assert "Buy pills" not in reader.get(entry.get_absolute_url()).content.decode()
    client.force_login(moderator)
    assert "Restore comment" in client.get(entry.get_absolute_url()).content.decode()
    assert "Restore entry" in client.get(spam.get_absolute_url()).content.decode()
    # Nor is what was rendered for staff kept for anyone.
    for other in (reader, Client()):
        page = other.get(entry.get_absolute_url()).content.decode()
        assert "First light" in page
        assert "Buy pills" not in page
        assert "Restore comment" not in page
        assert other.get(spam.get_absolute_url()).status_code == 404


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
    assert "Python day" in python
    assert "Rust day" not in python
    assert "Rust day" in rust
    assert "Python day" not in rust


def test_logging_in_keeps_the_cache(client, alice, bob, cached, django_assert_num_queries):
    cached(lambda: write_entry(alice, title="First light"))
    client.get(reverse("journal:feed"))
    cached(lambda: Client().force_login(bob))
    with django_assert_num_queries(0):
        client.get(reverse("journal:feed"))


def test_a_journeys_cards_outlive_their_authors_streak_and_feed_cards_do_not(alice):
    entry = write_entry(alice, title="First light")
    with mock.patch.object(cards, "render_to_string", wraps=cards.render_to_string) as render:
        cards.prepare_cards([entry], with_author=False)
        cards.prepare_cards([entry])
        assert render.call_count == 2
        # A new name (and a streak, which moves every day) is only on the author line.
        entry.author.display_name = "Alice M."
        journey_card = cards.prepare_cards([entry], with_author=False)[0].card_html
        feed_card = cards.prepare_cards([entry])[0].card_html
        assert render.call_count == 3
    assert "Alice M." in feed_card
    assert "Alice M." not in journey_card


def test_a_new_release_renders_its_own_pages(
    client, alice, cached, monkeypatch, django_assert_num_queries
):
    # A deploy brings static files under new names, which a page cached before it would
    # still link to.
    storage = staticfiles_storage.__class__
    monkeypatch.setattr(storage, "manifest_hash", "release-1", raising=False)
    cached(lambda: write_entry(alice, title="First light"))
    client.get(reverse("journal:feed"))
    with django_assert_num_queries(0):
        client.get(reverse("journal:feed"))
    monkeypatch.setattr(storage, "manifest_hash", "release-2", raising=False)
    with CaptureQueriesContext(connection) as rendering:
        again = client.get(reverse("journal:feed"))
    assert len(rendering) > 0
    assert "First light" in again.content.decode()


def test_parameters_a_page_does_not_read_never_miss_the_cache(
    client, alice, cached, django_assert_num_queries
):
    cached(lambda: write_entry(alice, title="First light", topics=["rust"]))
    client.get("/topics/")
    client.get("/feed/?topic=rust")
    # A visitor adding random parameters, repeating or reordering real ones, or leaving
    # them empty, gets the one cached copy: no query, the same bytes.
    with django_assert_num_queries(0):
        assert client.get("/topics/?x=31337&utm_source=a").status_code == 200
        assert client.get("/feed/?zzz=1&topic=rust&before=").status_code == 200
        assert client.get("/feed/?topic=nope&topic=rust").status_code == 200


def test_a_page_is_rendered_with_only_the_parameters_it_reads(client, alice, cached):
    cached(lambda: write_entry(alice, title="First light"))
    page = client.get("/feed/?next=%2F%2Fevil.example&x=%3Cmarker%3E").content.decode()
    # Links back to the page (log in to cheer, say) name only what the page reads.
    assert "evil.example" not in page
    assert "marker" not in page
    assert "?next=/feed/" in page.replace("%2F", "/")


def test_an_entry_about_csrf_tokens_reaches_readers_as_written(alice, bob, cached):
    text = 'name="csrfmiddlewaretoken" value="written-by-alice"'
    entry = cached(lambda: write_entry(alice, title="CSRF", body=f"See `{text}` here."))
    for person in ("carol", "bob"):
        reader = Client()
        reader.force_login(make_user(person) if person == "carol" else bob)
        page = reader.get(entry.get_absolute_url()).content.decode()
        assert "written-by-alice" in page
    # The form the template wrote does carry bob's own token.
    tokens = re.findall(r'<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert tokens
    assert "written-by-alice" not in tokens


def test_replacing_csrf_tokens_does_not_grow_with_what_people_write():
    # 22,000 token-like strings in one entry made every signed-in page take 30 s when each
    # was replaced on every request: only the fields the template wrote are looked at.
    field = b'<input type="hidden" name="csrfmiddlewaretoken" value="rendered-with">'
    user_text = b"".join(
        b'<code>name="csrfmiddlewaretoken" value="x%d"</code>' % n for n in range(22_000)
    )
    page = field + user_text + field
    request = mock.Mock(
        META={"CSRF_COOKIE": "secret", "MOMENTUM_MASKED_CSRF_TOKEN": ("secret", "own")}
    )
    started = time.perf_counter()
    served = pages._with_own_csrf_token(request, page)
    assert time.perf_counter() - started < 0.5
    own_field = field.replace(b"rendered-with", b"own")
    assert served == own_field + user_text + own_field
