"""Challenges: the models' rules, and the services that start, join and count them."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from journal import services, streaks
from journal.models import (
    NO_REST_DAYS,
    SITE_CHALLENGE_SLUG,
    Challenge,
    Entry,
    Participation,
    User,
)
from journal.porting.posts import Draft
from tests.conftest import days_ago, write_entry


def start(creator, **fields):
    """A challenge ``creator`` starts through the service the form uses."""
    fields.setdefault("title", "Thirty days of Rust")
    topics = fields.pop("topics", [])
    challenge = Challenge(creator=creator, **fields)
    return services.challenge_create(challenge=challenge, topic_names=topics)


def participation(person, challenge):
    return Participation.objects.get(person=person, challenge=challenge)


def expected_progress(part):
    """What journal/streaks.py gives from scratch for ``part``'s days."""
    challenge = part.challenge
    first, last = challenge.counting_days(part)
    days = sorted(
        day
        for day, minutes in Entry.objects.filter(author=part.person).values_list("day", "minutes")
        if minutes >= challenge.daily_minimum
        and (first is None or day >= first)
        and (last is None or day <= last)
    )
    return streaks.compute_progress(days, rest_days=NO_REST_DAYS)


# Models and constraints


def test_the_site_challenge_holds_everyone_from_sign_up(alice, bob):
    site = Challenge.objects.get(slug=SITE_CHALLENGE_SLUG)
    assert site.title == "One hour a day"
    assert (site.daily_minimum, site.length_days, site.starts_on) == (60, None, None)
    assert site.is_public
    assert set(site.participations.values_list("person__username", flat=True)) >= {"alice", "bob"}
    assert participation(alice, site).counts_from is None
    assert site.participant_count == site.participations.count()


def test_the_migration_put_everyone_already_there_in_it_with_their_figures(alice, bob):
    for n in (5, 4, 3, 1):
        write_entry(alice, day=days_ago(alice, n), minutes=60 if n != 4 else 20)
    write_entry(bob, minutes=90)
    Challenge.objects.filter(slug=SITE_CHALLENGE_SLUG).delete()
    migration = importlib.import_module("journal.migrations.0008_challenges")
    migration.everyone_in_the_site_challenge(apps, None)
    site = Challenge.objects.get(slug=SITE_CHALLENGE_SLUG)
    assert site.creator is None
    assert "<p>At least one hour" in site.description_html
    assert site.participant_count == User.objects.count() == 2
    for person in (alice, bob):
        part = participation(person, site)
        assert part.joined_at == person.date_joined
        assert part.progress() == expected_progress(part)
    assert participation(alice, site).days_counted == 3


def test_a_person_is_in_a_challenge_once(alice):
    challenge = start(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(person=alice, challenge=challenge)


@pytest.mark.parametrize(
    "fields", [{"daily_minimum": 0}, {"daily_minimum": 1441}, {"length_days": 0}]
)
def test_minimum_and_length_are_checked_by_the_database(alice, fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Challenge.objects.create(slug="bad", title="Bad", creator=alice, **fields)


def test_a_challenge_stores_its_description_sanitised_and_its_last_day(alice):
    challenge = start(
        alice,
        description="**Go** <script>alert(1)</script>",
        starts_on=alice.local_today(),
        length_days=30,
    )
    assert "<strong>Go</strong>" in challenge.description_html
    assert "<script" not in challenge.description_html
    assert challenge.ends_on == alice.local_today() + dt.timedelta(days=29)


# Services


def test_starting_a_challenge_puts_its_creator_in_it(alice):
    challenge = start(alice, title="Rust", topics=["rust", "systems"])
    assert challenge.slug == "rust"
    assert challenge.participant_count == 1
    assert participation(alice, challenge).counts_from == alice.local_today()
    assert sorted(challenge.topics.values_list("slug", flat=True)) == ["rust", "systems"]


def test_slugs_are_numbered_when_taken_and_never_a_reserved_word(alice):
    assert start(alice, title="Rust").slug == "rust"
    assert start(alice, title="Rust").slug == "rust-2"
    assert start(alice, title="New").slug == "new-2"
    assert start(alice, title="!!!").slug == "challenge"


def test_joining_and_leaving_move_the_count_once(alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    services.challenge_join(person=bob, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.participant_count == 2
    services.challenge_leave(person=bob, challenge=challenge)
    services.challenge_leave(person=bob, challenge=challenge)
    challenge.refresh_from_db()
    assert challenge.participant_count == 1
    assert not Participation.objects.filter(person=bob, challenge=challenge).exists()


def test_todays_entry_counts_for_a_challenge_joined_after_writing_it(alice, bob):
    challenge = start(alice, daily_minimum=30)
    write_entry(bob, minutes=45)
    write_entry(bob, day=days_ago(bob, 1), minutes=45)
    services.challenge_join(person=bob, challenge=challenge)
    # Yesterday came before they joined.
    assert participation(bob, challenge).days_counted == 1


def test_only_the_creator_edits_and_only_before_the_start(alice, bob):
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    challenge = start(alice, starts_on=tomorrow, length_days=30)
    challenge.description = "Now with rules"
    with pytest.raises(PermissionDenied):
        services.challenge_update(challenge=challenge, editor=bob)
    services.challenge_update(challenge=challenge, editor=alice)
    challenge.refresh_from_db()
    assert "Now with rules" in challenge.description_html
    Challenge.objects.filter(pk=challenge.pk).update(starts_on=alice.local_today())
    challenge.refresh_from_db()
    with pytest.raises(services.ChallengeLocked):
        services.challenge_update(challenge=challenge, editor=alice)


def test_a_rolling_challenge_is_editable_until_someone_else_joins(alice, bob):
    challenge = start(alice)
    assert challenge.is_editable(alice.local_today())
    services.challenge_join(person=bob, challenge=challenge)
    assert not challenge.is_editable(alice.local_today())


def test_closing_is_the_creators_and_ends_joining(alice, bob):
    challenge = start(alice)
    with pytest.raises(PermissionDenied):
        services.challenge_close(challenge=challenge, by=bob)
    services.challenge_close(challenge=challenge, by=alice)
    assert Challenge.objects.get(pk=challenge.pk).closed_at is not None
    with pytest.raises(services.ChallengeLocked):
        services.challenge_join(person=bob, challenge=challenge)


def test_renewing_the_invite_gives_a_new_token_to_the_creator_only(alice, bob):
    challenge = start(alice, visibility=Challenge.Visibility.INVITE)
    old = challenge.invite_token
    with pytest.raises(PermissionDenied):
        services.challenge_renew_invite(challenge=challenge, by=bob)
    new = services.challenge_renew_invite(challenge=challenge, by=alice)
    assert new != old
    assert Challenge.objects.get(pk=challenge.pk).invite_token == new


def test_deleting_an_account_leaves_its_challenges_and_their_counts_right(alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    site = Challenge.objects.site()
    in_site = site.participant_count
    services.user_delete(user=alice)
    challenge.refresh_from_db()
    assert challenge.creator is None
    assert challenge.participant_count == 1
    assert Challenge.objects.site().participant_count == in_site - 1


# Figures follow every entry write


def _figures(part):
    part.refresh_from_db()
    return part.progress()


def test_figures_follow_writes_edits_and_deletions_as_a_count_from_scratch(alice):
    site = Challenge.objects.site()
    challenge = start(alice, daily_minimum=30)
    # Counted from ten days ago, so that earlier days can be written and changed.
    Participation.objects.filter(challenge=challenge).update(counts_from=days_ago(alice, 10))
    parts = [participation(alice, site), participation(alice, challenge)]
    for part in parts:
        part.person = alice

    def check():
        for part in parts:
            assert _figures(part) == expected_progress(part)

    # Appending, a day that counts for one challenge only, a gap a freeze cannot bridge.
    written = {}
    for n, minutes in [(12, 60), (9, 60), (8, 40), (7, 60), (5, 90), (4, 10), (3, 60)]:
        written[n] = write_entry(alice, day=days_ago(alice, n), minutes=minutes)
        check()
    # An earlier day, filled in later (an import's way).
    written[6] = write_entry(alice, day=days_ago(alice, 6), minutes=60)
    check()
    # An edit that makes a counted day not count, then count again.
    for minutes in (10, 60):
        entry = written[7]
        entry.minutes = minutes
        services.entry_save(entry=entry, topic_names=[])
        check()
    # Deleting the latest counted day and one in the middle.
    for n in (3, 7):
        services.entry_delete(entry=written[n])
        check()
    assert _figures(parts[0]).days_counted == 4


def test_seven_counted_days_earn_a_freeze_that_bridges_a_missed_day(alice):
    site = Challenge.objects.site()
    for n in range(10, 3, -1):
        write_entry(alice, day=days_ago(alice, n))
    write_entry(alice, day=days_ago(alice, 2))
    part = participation(alice, site)
    assert (part.run_length, part.days_counted) == (8, 8)
    assert part.progress() == expected_progress(part)


def test_an_import_counts_the_challenges_again(alice):
    site = Challenge.objects.site()
    drafts = [
        Draft(
            source=f"day{n}.md",
            day=days_ago(alice, n),
            title=f"Day {n}",
            minutes=60,
            body="Studied.",
        )
        for n in (30, 29, 28)
    ]
    services.journal_import(user=alice, items=drafts)
    part = participation(alice, site)
    assert part.days_counted == 3
    assert part.progress() == expected_progress(part)


def test_a_dated_challenge_is_finished_when_its_last_day_counts(alice):
    today = alice.local_today()
    challenge = start(alice, starts_on=today, length_days=1, daily_minimum=20)
    write_entry(alice, minutes=25)
    assert participation(alice, challenge).finished_on == today


def test_days_outside_a_dated_challenge_do_not_count(alice):
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    challenge = start(alice, starts_on=tomorrow, length_days=30)
    write_entry(alice)
    assert participation(alice, challenge).days_counted == 0


def test_everyone_made_later_joins_the_site_challenge(db):
    Challenge.objects.filter(slug=SITE_CHALLENGE_SLUG).delete()
    carol = User.objects.create_user(username="carol", password="x" * 12)
    assert Participation.objects.filter(person=carol, challenge__slug=SITE_CHALLENGE_SLUG).exists()
