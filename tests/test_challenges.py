"""Challenges: the models' rules, the services that start, join and count them, and the
pages (list, new, detail with its board, join and leave, invite links, the creator's
controls)."""

import datetime as dt
import importlib
import re
from urllib.parse import quote

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from journal import services, streaks
from journal.models import (
    SITE_CHALLENGE_SLUG,
    Challenge,
    Entry,
    Participation,
    User,
)
from journal.porting.posts import Draft
from tests.conftest import days_ago, make_user, write_entry


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
    return streaks.compute_progress(days, rest_days=frozenset())


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
    migration = importlib.import_module("journal.migrations.0009_challenges")
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


# Pages


def test_the_list_shows_public_challenges_by_status_most_participants_first(client, alice, bob):
    today = timezone.localdate()
    small = start(alice, title="Small")
    big = start(bob, title="Big")
    services.challenge_join(person=alice, challenge=big)
    start(alice, title="Secret", visibility=Challenge.Visibility.INVITE)
    soon = start(alice, title="Later", starts_on=today + dt.timedelta(days=5), length_days=10)
    done = start(alice, title="Done")
    services.challenge_close(challenge=done, by=alice)

    html = client.get(reverse("journal:challenges")).content.decode()
    assert html.index("Big") < html.index("Small")
    assert "Secret" not in html
    assert soon.title not in html
    assert "Done" not in html
    assert small.get_absolute_url() in html
    assert "Later" in client.get(reverse("journal:challenges") + "?status=soon").content.decode()
    finished = client.get(reverse("journal:challenges") + "?status=finished")
    assert "Done" in finished.content.decode()
    assert client.get(reverse("journal:challenges") + "?status=x").status_code == 404


def test_a_challenge_page_shows_its_day_board_and_entries(clock, client, alice, bob):
    # On the stopped clock alice (Paris) and bob (New York) share a date: at another hour
    # bob's today may be the day before the challenge starts on alice's.
    today = alice.local_today()
    challenge = start(
        alice,
        title="Hundred days",
        description="Read **daily**.",
        starts_on=today,
        length_days=100,
        daily_minimum=30,
    )
    services.challenge_join(person=bob, challenge=challenge)
    write_entry(alice, minutes=45, title="Alice reads")
    write_entry(bob, minutes=10, title="Bob skims")
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Day 1 of 100" in html
    assert "<strong>daily</strong>" in html
    assert "2 participants" in html
    board = html[html.index('id="board-heading"') :]
    assert board.index("Alice Martin") < board.index("Bob Stone")
    assert "Alice reads" in html
    assert "Bob skims" in html


def test_a_participant_may_stay_off_the_board(client, alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge, on_board=False)
    html = client.get(challenge.get_absolute_url()).content.decode()
    board = html[html.index('id="board-heading"') : html.index('id="latest-heading"')]
    assert "Alice Martin" in board
    assert "Bob Stone" not in board


def test_a_participant_leaves_the_board_and_comes_back_from_their_challenges(client, alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    client.force_login(bob)
    board = reverse("journal:challenge_board", args=[challenge.slug])
    mine = client.get(reverse("journal:challenges_mine")).content.decode()
    assert f'action="{board}"' in mine
    assert client.post(board)["Location"] == reverse("journal:challenges_mine")
    assert participation(bob, challenge).on_board is False
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Bob Stone" not in html[html.index('id="board-heading"') :]
    client.post(board, {"on_board": "on"})
    assert participation(bob, challenge).on_board is True
    client.force_login(alice)
    assert client.post(reverse("journal:challenge_board", args=["nope"])).status_code == 404


def test_the_board_goes_page_by_page(client, alice, settings):
    challenge = start(alice)
    people = [make_user(f"p{n}") for n in range(30)]
    for n, person in enumerate(people):
        services.challenge_join(person=person, challenge=challenge)
        Participation.objects.filter(person=person, challenge=challenge).update(days_counted=n)
    first = client.get(challenge.get_absolute_url())
    cursor = first.context["board"].next_cursor
    second = client.get(challenge.get_absolute_url() + f"?after={cursor}")
    shown = [row.person.username for row in [*first.context["board"], *second.context["board"]]]
    assert len(shown) == 31
    assert len(set(shown)) == 31
    assert client.get(challenge.get_absolute_url() + "?after=x").status_code == 400


def test_join_and_leave_are_form_posts(client, alice, bob):
    challenge = start(alice)
    client.force_login(bob)
    response = client.post(reverse("journal:challenge_join", args=[challenge.slug]))
    assert response.status_code == 302
    assert participation(bob, challenge).on_board is False
    client.post(reverse("journal:challenge_leave", args=[challenge.slug]))
    assert not Participation.objects.filter(person=bob, challenge=challenge).exists()
    client.post(reverse("journal:challenge_join", args=[challenge.slug]), {"on_board": "on"})
    assert participation(bob, challenge).on_board is True


def test_the_page_offers_a_reader_join_or_leave(client, alice, bob):
    challenge = start(alice)
    client.force_login(bob)
    assert "Join the challenge" in client.get(challenge.get_absolute_url()).content.decode()
    services.challenge_join(person=bob, challenge=challenge)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "You are in this challenge." in html
    assert "Join the challenge" not in html


def test_a_visitor_who_clicks_join_logs_in_and_comes_back_to_join(client, alice, bob):
    challenge = start(alice)
    join = reverse("journal:challenge_join", args=[challenge.slug])
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert f"{reverse('account_login')}?next={join}" in html
    assert f"{reverse('account_signup')}?next={join}" in html
    response = client.post(
        reverse("account_login") + f"?next={join}",
        {"login": "bob", "password": "correct horse battery"},
    )
    assert response["Location"] == join
    confirm = client.get(join)
    assert confirm.status_code == 200
    assert "Join “Thirty days of Rust”" in confirm.content.decode()
    client.post(join, {"on_board": "on"})
    assert participation(bob, challenge).on_board


def test_a_visitor_who_signs_up_to_join_comes_back_to_join_once_confirmed(client, alice):
    challenge = start(alice, visibility=Challenge.Visibility.INVITE)
    join = reverse("journal:challenge_join", args=[challenge.slug])
    back = f"{join}?invite={challenge.invite_token}"
    page = client.get(f"{challenge.get_absolute_url()}?invite={challenge.invite_token}")
    assert f"{reverse('account_signup')}?next={quote(back, safe='/')}" in page.content.decode()
    form = client.get(reverse("account_signup"), {"next": back}).content.decode()
    assert f'name="next" value="{escape(back)}"' in form
    client.post(
        reverse("account_signup"),
        {
            "username": "dana",
            "email": "dana@example.com",
            "password1": "correct horse battery",
            "password2": "correct horse battery",
            "time_zone": "Asia/Tokyo",
            "next": back,
        },
    )
    link = re.search(
        re.escape(settings.MOMENTUM_SITE_URL) + r"(/accounts/confirm-email/[^/\s]+/)",
        mail.outbox[0].body,
    )
    assert client.post(link.group(1))["Location"] == back
    client.post(back, {"on_board": "on"})
    assert Participation.objects.filter(person__username="dana", challenge=challenge).exists()


def test_an_invite_only_challenge_is_found_only_through_its_link(client, alice, bob):
    challenge = start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    page = challenge.get_absolute_url()
    invite = reverse("journal:challenge_invite", args=[challenge.invite_token])
    assert client.get(page).status_code == 404
    assert "Study group" not in client.get(reverse("journal:challenges")).content.decode()
    client.force_login(bob)
    assert client.get(page).status_code == 404
    assert client.get(page + "?invite=wrong").status_code == 404
    response = client.get(invite)
    assert response["Location"] == f"{page}?invite={challenge.invite_token}"
    shown = client.get(response["Location"])
    assert shown.status_code == 200
    assert "private" in shown["Cache-Control"]
    client.post(
        reverse("journal:challenge_join", args=[challenge.slug]),
        {"invite": challenge.invite_token, "on_board": "on"},
    )
    # A member opens it without the link.
    assert client.get(page).status_code == 200
    services.challenge_renew_invite(challenge=challenge, by=alice)
    client.logout()
    assert client.get(invite).status_code == 404
    assert client.get(page + f"?invite={challenge.invite_token}").status_code == 200


def test_an_invite_only_page_is_never_shared_through_the_cache(alice, bob, settings):
    settings.MOMENTUM_PAGE_CACHE = True
    challenge = start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    member, other = Client(), Client()
    member.force_login(alice)
    other.force_login(bob)
    assert member.get(challenge.get_absolute_url()).status_code == 200
    assert other.get(challenge.get_absolute_url()).status_code == 404


def test_a_public_page_is_shared_through_the_cache_but_never_the_creators(
    alice, bob, settings, django_capture_on_commit_callbacks, django_assert_num_queries
):
    settings.MOMENTUM_PAGE_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        challenge = start(alice, title="Open to all")
    creator, reader, visitor = Client(), Client(), Client()
    creator.force_login(alice)
    reader.force_login(bob)
    assert "Close the challenge" in creator.get(challenge.get_absolute_url()).content.decode()
    html = reader.get(challenge.get_absolute_url()).content.decode()
    assert "Close the challenge" not in html
    assert "Join the challenge" in html
    assert "Open to all" in visitor.get(challenge.get_absolute_url()).content.decode()
    with django_assert_num_queries(0):
        again = visitor.get(challenge.get_absolute_url())
    assert "Open to all" in again.content.decode()


def test_only_the_creator_sees_the_invite_link_and_controls(client, alice, bob):
    challenge = start(alice, visibility=Challenge.Visibility.INVITE)
    services.challenge_join(person=bob, challenge=challenge)
    client.force_login(bob)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert challenge.invite_token not in html
    assert "Close the challenge" not in html
    client.force_login(alice)
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert challenge.invite_token in html
    assert "Close the challenge" in html


def test_starting_a_challenge_from_the_form(client, alice):
    client.force_login(alice)
    assert client.get(reverse("journal:challenge_new")).status_code == 200
    response = client.post(
        reverse("journal:challenge_new"),
        {
            "title": "Math every day",
            "description": "Proofs.",
            "daily_minimum": "45",
            "length_days": "30",
            "starts_on": alice.local_today().isoformat(),
            "topic_names": "math, proofs",
            "visibility": "public",
        },
    )
    challenge = Challenge.objects.get(title="Math every day")
    assert response["Location"] == challenge.get_absolute_url()
    assert (challenge.daily_minimum, challenge.length_days) == (45, 30)
    assert challenge.creator == alice


def test_a_start_in_the_past_is_refused_with_a_message(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("journal:challenge_new"),
        {
            "title": "Late",
            "daily_minimum": "60",
            "starts_on": days_ago(alice, 1).isoformat(),
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert "starts today or later" in response.content.decode()
    assert not Challenge.objects.filter(title="Late").exists()


def test_the_creator_edits_before_the_start_and_is_told_after(client, alice):
    tomorrow = alice.local_today() + dt.timedelta(days=1)
    challenge = start(alice, starts_on=tomorrow, length_days=10)
    client.force_login(alice)
    edit = reverse("journal:challenge_edit", args=[challenge.slug])
    response = client.post(
        edit, {"description": "New words", "length_days": "20", "starts_on": tomorrow}
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.length_days == 20
    assert "New words" in challenge.description_html
    Challenge.objects.filter(pk=challenge.pk).update(starts_on=alice.local_today())
    response = client.get(edit, follow=True)
    assert "can no longer be edited" in response.content.decode()


def test_closing_from_the_page(client, alice):
    challenge = start(alice)
    client.force_login(alice)
    client.post(reverse("journal:challenge_close", args=[challenge.slug]))
    html = client.get(challenge.get_absolute_url()).content.decode()
    assert "Closed on" in html
    assert "Join the challenge" not in html
    assert "Leave" not in html


def test_my_challenges_lists_invite_only_ones(client, alice):
    start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    client.force_login(alice)
    html = client.get(reverse("journal:challenges_mine")).content.decode()
    assert "Study group" in html
    assert "One hour a day" in html


# Constant queries


def test_the_list_costs_the_same_whatever_the_number_of_challenges(
    client, alice, django_assert_num_queries
):
    for n in range(3):
        start(alice, title=f"Challenge {n}")
    url = reverse("journal:challenges")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)
    for n in range(30):
        start(make_user(f"creator{n}"), title=f"More {n}")
    client.get(url)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(url)


def test_the_page_costs_the_same_whatever_the_number_of_participants(
    client, alice, django_assert_num_queries
):
    challenge = start(alice)
    write_entry(alice)
    url = challenge.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)
    for n in range(40):
        person = make_user(f"p{n}")
        services.challenge_join(person=person, challenge=challenge)
        write_entry(person)
    # The new cards are rendered once, then come from the card cache.
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        client.get(url)


# A visitor's request: the list (count and page); the page (challenge with its creator,
# topics, a page of the board with its people and their rest days, today's check-ins and
# their count, latest entries and the challenges they count for, whose cards are cached).
LIST_QUERIES = 2
PAGE_QUERIES = 8


def test_everyone_made_later_joins_the_site_challenge(db):
    Challenge.objects.filter(slug=SITE_CHALLENGE_SLUG).delete()
    carol = User.objects.create_user(username="carol", password="x" * 12)
    assert Participation.objects.filter(person=carol, challenge__slug=SITE_CHALLENGE_SLUG).exists()


def test_a_person_is_in_at_most_so_many_challenges_not_yet_over(client, monkeypatch, alice, bob):
    # Every entry is counted for each of its author's challenges in the write that saves
    # it: their number is what bounds a write's cost.
    monkeypatch.setattr("journal.services.challenges.MAX_CHALLENGES", 3)
    # The site's own and two more are three; a finished one does not count.
    carol = make_user("carol")
    first, second, finished, one_more = (
        start(creator, title=title)
        for creator, title in ((alice, "One"), (alice, "Two"), (carol, "Over"), (carol, "More"))
    )
    for challenge in (first, finished):
        services.challenge_join(person=bob, challenge=challenge)
    services.challenge_close(challenge=finished, by=carol)
    services.challenge_join(person=bob, challenge=second)
    services.challenge_join(person=bob, challenge=first)  # joining again changes nothing
    client.force_login(bob)
    response = client.post(reverse("journal:challenge_join", args=[one_more.slug]), follow=True)
    assert "You are in 3 challenges that are not over yet" in response.content.decode()
    assert not Participation.objects.filter(person=bob, challenge=one_more).exists()
    response = client.post(
        reverse("journal:challenge_new"),
        {"title": "Mine", "daily_minimum": "60", "visibility": "public"},
    )
    assert response.status_code == 400
    assert "leave one to start or join another" in response.content.decode()
    assert not Challenge.objects.filter(title="Mine").exists()
    # Leaving one makes room.
    services.challenge_leave(person=bob, challenge=second)
    services.challenge_join(person=bob, challenge=one_more)
