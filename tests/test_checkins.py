"""Today's check-ins on a challenge's page: who has counted a day today, each on their own
clock, from the stored figures of Participation, in a fixed number of queries."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from journal import services
from journal.models import Challenge, Participation
from tests.conftest import make_user, write_entry


def start(creator, **fields):
    fields.setdefault("title", "Momentum Learning Series")
    challenge = Challenge(creator=creator, **fields)
    return services.challenge_create(challenge=challenge, topic_names=[])


def checkins_section(client, challenge):
    response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    if 'id="checkins-heading"' not in html:
        return None
    start_at = html.index('<section class="checkins"')
    return html[start_at : html.index("</section>", start_at)]


def checked_in(challenge, now):
    return set(
        Participation.objects.filter(challenge=challenge)
        .checked_in(now)
        .values_list("person__username", flat=True)
    )


@pytest.fixture
def far_apart(clock, alice):
    """At 20:00 UTC on 1 June: in Tokyo it is already 05:00 on 2 June, in Los Angeles
    13:00 on 1 June. Both joined alice's rolling challenge."""
    clock.instant = dt.datetime(2025, 6, 1, 20, 0, tzinfo=dt.UTC)
    kenji = make_user("kenji", display_name="Kenji Sato", time_zone="Asia/Tokyo")
    lena = make_user("lena", display_name="Lena Ortiz", time_zone="America/Los_Angeles")
    challenge = start(alice)
    for person in (kenji, lena):
        services.challenge_join(person=person, challenge=challenge)
    return challenge, kenji, lena


def test_each_person_checks_in_on_their_own_day(client, clock, far_apart):
    challenge, kenji, lena = far_apart
    # Kenji's today is 2 June, a day the UTC calendar has not reached yet.
    write_entry(kenji)
    assert kenji.local_today() == dt.date(2025, 6, 2)
    # Lena records her yesterday: no check-in for today.
    write_entry(lena, day=dt.date(2025, 5, 31))
    assert checked_in(challenge, clock.instant) == {"kenji"}
    section = checkins_section(client, challenge)
    assert "Kenji Sato" in section
    assert "Lena Ortiz" not in section
    assert "1 checked in today, 2 not yet" in section

    write_entry(lena)
    assert checked_in(challenge, clock.instant) == {"kenji", "lena"}
    assert "Lena Ortiz" in checkins_section(client, challenge)

    # 00:30 on 3 June in Tokyo, 08:30 on 2 June in Los Angeles: both days are over.
    clock.instant = dt.datetime(2025, 6, 2, 15, 30, tzinfo=dt.UTC)
    assert checked_in(challenge, clock.instant) == set()
    section = checkins_section(client, challenge)
    assert "Kenji Sato" not in section
    assert "0 checked in today, 3 not yet" in section


def test_a_check_in_lasts_until_the_persons_own_midnight(clock, far_apart):
    challenge, _, lena = far_apart
    write_entry(lena)
    # 23:59 in Los Angeles on 1 June is 06:59 UTC on 2 June.
    clock.instant = dt.datetime(2025, 6, 2, 6, 59, tzinfo=dt.UTC)
    assert checked_in(challenge, clock.instant) == {"lena"}
    clock.instant = dt.datetime(2025, 6, 2, 7, 0, tzinfo=dt.UTC)
    assert checked_in(challenge, clock.instant) == set()


def test_latest_check_ins_come_first(client, clock, far_apart):
    challenge, kenji, lena = far_apart
    write_entry(lena)
    clock.instant += dt.timedelta(minutes=5)
    write_entry(kenji)
    section = checkins_section(client, challenge)
    assert section.index("Kenji Sato") < section.index("Lena Ortiz")


def test_a_day_below_the_challenges_minimum_is_no_check_in(clock, alice, bob):
    challenge = start(alice, daily_minimum=90)
    services.challenge_join(person=bob, challenge=challenge)
    write_entry(bob, minutes=60)
    assert checked_in(challenge, clock.instant) == set()
    # The site's own challenge asks for 60 minutes: there, bob has checked in.
    assert checked_in(Challenge.objects.site(), clock.instant) == {"bob"}


def test_deleting_todays_entry_takes_the_check_in_back(clock, far_apart):
    challenge, kenji, _ = far_apart
    write_entry(kenji, day=dt.date(2025, 6, 1))
    entry = write_entry(kenji)
    assert checked_in(challenge, clock.instant) == {"kenji"}
    services.entry_delete(entry=entry)
    assert checked_in(challenge, clock.instant) == set()


def test_a_new_time_zone_moves_the_end_of_the_day(clock, far_apart):
    challenge, kenji, _ = far_apart
    write_entry(kenji)
    # At 16:00 UTC on 2 June Kenji's 2 June is over in Tokyo (01:00 on the 3rd)...
    clock.instant = dt.datetime(2025, 6, 2, 16, 0, tzinfo=dt.UTC)
    assert checked_in(challenge, clock.instant) == set()
    # ...but he moved to Honolulu, where 2 June has ten more hours.
    services.user_update_profile(
        user=kenji, daily_goal_minutes=kenji.daily_goal_minutes, time_zone="Pacific/Honolulu"
    )
    assert checked_in(challenge, clock.instant) == {"kenji"}


def test_people_off_the_board_are_counted_never_named(client, clock, alice, bob):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge, on_board=False)
    write_entry(bob)
    section = checkins_section(client, challenge)
    assert "1 checked in today, 1 not yet" in section
    assert "Bob Stone" not in section
    assert "Nobody has checked in" not in section


def test_suspended_people_are_not_named(client, clock, alice, bob, moderator):
    challenge = start(alice)
    services.challenge_join(person=bob, challenge=challenge)
    write_entry(bob)
    services.user_set_suspended(moderator=moderator, user=bob, suspended=True, reason="spam")
    assert "Bob Stone" not in checkins_section(client, challenge)


def test_invite_only_check_ins_are_for_those_who_may_see_the_challenge(clock, alice, bob):
    challenge = start(alice, title="Study group", visibility=Challenge.Visibility.INVITE)
    carol = make_user("carol", display_name="Carol Reed")
    services.challenge_join(person=carol, challenge=challenge)
    write_entry(carol)
    outsider, visitor, member = Client(), Client(), Client()
    outsider.force_login(bob)
    member.force_login(alice)
    for stranger in (outsider, visitor):
        response = stranger.get(challenge.get_absolute_url())
        assert response.status_code == 404
        assert "Carol Reed" not in response.content.decode()
    response = member.get(challenge.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "Carol Reed" in checkins_section(member, challenge)
    invited = Client().get(f"{challenge.get_absolute_url()}?invite={challenge.invite_token}")
    assert "Carol Reed" in invited.content.decode()


def test_no_check_ins_before_the_start_or_after_the_end(client, clock, alice):
    today = alice.local_today()
    soon = start(alice, starts_on=today + dt.timedelta(days=3), length_days=30)
    assert checkins_section(client, soon) is None
    running = start(alice, title="Running now")
    assert checkins_section(client, running) is not None
    services.challenge_close(challenge=running, by=alice)
    assert checkins_section(client, running) is None


def test_the_list_of_names_is_bounded(client, clock, alice):
    challenge = start(alice)
    for n in range(15):
        person = make_user(f"p{n}", display_name=f"Person {n}")
        services.challenge_join(person=person, challenge=challenge)
        write_entry(person)
    section = checkins_section(client, challenge)
    assert section.count('class="checkin"') == 12
    assert "15 checked in today, 1 not yet" in section


# Constant queries: the challenge with its creator, its topics, a page of the board and
# its people's rest days, the latest check-ins and their count, the latest entries and the
# challenges they count for (the cards come from the cache).
PAGE_QUERIES = 8


@pytest.mark.parametrize("participants", [1, 30])
def test_the_page_costs_the_same_with_one_or_thirty_participants(
    client, clock, alice, participants, django_assert_num_queries
):
    challenge = start(alice)
    write_entry(alice)
    for n in range(participants - 1):
        person = make_user(f"p{n}", time_zone=("Asia/Tokyo", "America/Los_Angeles")[n % 2])
        services.challenge_join(person=person, challenge=challenge)
        write_entry(person)
    url = challenge.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        html = client.get(url).content.decode()
    assert f"{participants} checked in today" in html


# Each of one's challenges, on the signed-in home


def today_part(client):
    html = client.get(reverse("journal:home")).content.decode()
    start_at = html.index('<section class="today')
    return html[start_at : html.index("</section>", start_at)]


def test_the_home_shows_each_challenges_day_and_whether_today_counts(client, clock, alice):
    series = start(alice, starts_on=alice.local_today() - dt.timedelta(days=11), length_days=30)
    longer = start(alice, title="Ninety minutes", daily_minimum=90)
    client.force_login(alice)
    part = today_part(client)
    assert f'href="{series.get_absolute_url()}">Day 12 of 30 · Momentum Learning Series</a>' in part
    assert "not yet today (60 min)" in part
    assert "One hour a day" in part
    write_entry(alice, minutes=60)
    part = today_part(client)
    series_line = part[part.index("Momentum Learning Series") :]
    assert series_line.split("</li>")[0].endswith("✓ counted today</span>")
    longer_line = part[part.index(longer.title) :].split("</li>")[0]
    assert "not yet today (90 min)" in longer_line


def test_the_home_judges_today_on_the_persons_own_clock(client, clock, far_apart):
    challenge, kenji, _ = far_apart
    write_entry(kenji)
    client.force_login(kenji)
    line = today_part(client).split(challenge.title)[1].split("</li>")[0]
    assert "✓ counted today" in line
    # 01:00 on 3 June in Tokyo: a new day, not written yet.
    clock.instant = dt.datetime(2025, 6, 2, 16, 0, tzinfo=dt.UTC)
    line = today_part(client).split(challenge.title)[1].split("</li>")[0]
    assert "not yet today" in line
    assert "Day 2 · " in today_part(client)


def test_the_home_leaves_out_finished_and_hidden_challenges(client, clock, alice, bob, moderator):
    over = start(alice, title="Over", starts_on=alice.local_today() - dt.timedelta(days=40))
    Challenge.objects.filter(pk=over.pk).update(
        length_days=30, ends_on=over.starts_on + dt.timedelta(days=29)
    )
    hidden = start(alice, title="Hidden by a moderator")
    services.challenge_join(person=bob, challenge=hidden)
    Challenge.objects.filter(pk=hidden.pk).update(moderation_state=Challenge.ModerationState.HIDDEN)
    client.force_login(bob)
    part = today_part(client)
    assert "Hidden by a moderator" not in part
    assert "One hour a day" in part
    client.force_login(alice)
    assert "Over" not in today_part(client)


@pytest.mark.parametrize("challenges", [1, 6])
def test_the_home_costs_the_same_whatever_the_number_of_challenges(
    client, clock, alice, challenges, django_assert_num_queries
):
    for n in range(challenges - 1):
        start(alice, title=f"Challenge {n}")
    write_entry(alice)
    client.force_login(alice)
    client.get(reverse("journal:home"))
    # The session, the person, the feed and the challenges its entries count for; the
    # progress in one's challenges comes from the cached figures.
    with django_assert_num_queries(HOME_QUERIES_CACHED):
        client.get(reverse("journal:home"))
    cache.delete(f"own:progress:{alice.pk}")
    with django_assert_num_queries(HOME_QUERIES_CACHED + 1):
        html = client.get(reverse("journal:home")).content.decode()
    assert html.count("counted today") == challenges


HOME_QUERIES_CACHED = 4
