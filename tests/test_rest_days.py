"""Rest days in settings (/settings/rest/), the rules they follow, the streaks they keep,
and the journey's heatmap marks for rest and frozen days."""

import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from journal import services, streaks
from journal.models import Challenge, Entry, Participation, RestPeriod, User
from journal.services import rest
from tests.conftest import make_user, write_entry

D = dt.date
REST = reverse("journal:rest_settings")
# The clock fixture's today in Paris: Sunday 1 June 2025.
TODAY = D(2025, 6, 1)


def end_url(period):
    return reverse("journal:rest_period_end", args=[period.pk])


def weekly(weekday, first, last=""):
    return {"kind": "weekly", "weekday": weekday, "first_day": first, "last_day": last}


def holiday(first, last):
    return {"kind": "holiday", "weekday": "", "first_day": first, "last_day": last}


@pytest.fixture
def signed_in(client, alice, clock):
    client.force_login(alice)
    return client


def declare(person, first, last=None, weekday=None):
    """The new period, and the days the monthly cap leaves out."""
    return rest.rest_period_declare(person=person, first_day=first, last_day=last, weekday=weekday)


# The page


def test_settings_link_to_the_rest_page_which_tells_each_rule(signed_in):
    assert REST in signed_in.get(reverse("journal:settings")).content.decode()
    html = signed_in.get(REST).content.decode()
    assert streaks.RULES_IN_WORDS["rest"] in html
    assert streaks.RULES_IN_WORDS["freeze"] in html
    assert "No rest days ahead." in html


def test_declaring_a_weekday_every_week_shows_it_and_the_days_ahead(signed_in, alice):
    response = signed_in.post(REST, weekly(5, "2025-06-02"), follow=True)
    assert response.redirect_chain == [(REST, 302)]
    period = RestPeriod.objects.get(person=alice)
    assert (period.weekday, period.first_day, period.last_day) == (5, D(2025, 6, 2), None)
    html = response.content.decode()
    assert "Rest declared: Every Saturday from Mon 2 Jun 2025." in html
    # A month with five Saturdays rests on its first four, and the page says so.
    assert "so Sat 30 Aug 2025, Sat 29 Nov 2025, Sat 31 Jan 2026, Sat 30 May 2026 will be" in html
    assert "Sat 7 Jun 2025" in html
    assert "Sat 26 Jul 2025" in html


def test_a_holiday_is_every_day_of_its_range(signed_in, alice):
    signed_in.post(REST, holiday("2025-06-10", "2025-06-12"))
    period = RestPeriod.objects.get(person=alice)
    assert (period.weekday, period.first_day, period.last_day) == (
        None,
        D(2025, 6, 10),
        D(2025, 6, 12),
    )
    html = signed_in.get(REST).content.decode()
    assert all(f"{day} Jun 2025" in html for day in ("Tue 10", "Wed 11", "Thu 12"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (weekly(5, "2025-06-01"), "tomorrow at the earliest"),
        (weekly(5, "2025-05-20"), "tomorrow at the earliest"),
        (weekly("", "2025-06-02"), "Choose the weekday you rest on."),
        (weekly(7, "2025-06-02"), "Select a valid choice"),
        (holiday("2025-06-10", ""), "A holiday needs its last day."),
        (holiday("2025-06-10", "2025-06-09"), "The last day cannot come before the first."),
        (holiday("2025-06-10", "2026-08-01"), "A rest period lasts a year at most."),
        (holiday("9999-12-30", "9999-12-31"), "Rest days are declared up to a year ahead."),
        (holiday("2025-02-30", "2025-03-01"), "Enter a valid date."),
        ({"kind": "forever", "first_day": "2025-06-02"}, "Select a valid choice"),
    ],
)
def test_a_declaration_that_breaks_a_rule_is_refused_and_changes_nothing(signed_in, data, message):
    response = signed_in.post(REST, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RestPeriod.objects.exists()


def test_days_past_four_in_a_month_are_named_and_listed_as_ordinary(signed_in):
    response = signed_in.post(REST, holiday("2025-06-10", "2025-06-14"), follow=True)
    html = response.content.decode()
    assert (
        "At most 4 rest days count in a month, so Sat 14 Jun 2025 will be ordinary days"
    ) in html
    assert html.count("past the month's cap: an ordinary day") == 1
    calendar = RestPeriod.objects.calendar(User.objects.get(username="alice"))
    assert [D(2025, 6, day) in calendar for day in range(10, 15)] == [True] * 4 + [False]


def test_a_declaration_that_pushes_earlier_days_past_the_cap_says_which(alice, clock):
    _, left_out = declare(alice, D(2025, 6, 2), D(2025, 6, 30), weekday=5)
    assert left_out == []  # Saturdays 7, 14, 21 and 28 June
    _, left_out = declare(alice, D(2025, 6, 3), D(2025, 6, 3))
    assert left_out == [D(2025, 6, 28)]
    # July has its own four.
    assert declare(alice, D(2025, 7, 1), D(2025, 7, 1))[1] == []


def test_declarations_ahead_are_bounded(alice, clock):
    for n in range(rest.MAX_UPCOMING_REST_PERIODS):
        declare(alice, D(2025, 7 + n // 4, 1 + n % 4), D(2025, 7 + n // 4, 1 + n % 4))
    with pytest.raises(rest.RestRefused, match="end one before declaring another"):
        declare(alice, D(2026, 1, 1), D(2026, 1, 1))


def test_a_rest_period_that_has_not_begun_is_deleted(signed_in, alice):
    period, _ = declare(alice, D(2025, 6, 10), D(2025, 6, 11))
    response = signed_in.post(end_url(period), follow=True)
    assert "Rest deleted: Tue 10 Jun 2025 to Wed 11 Jun 2025." in response.content.decode()
    assert not RestPeriod.objects.exists()


def test_a_rest_period_under_way_keeps_its_past_days(signed_in, alice, clock):
    period, _ = declare(alice, D(2025, 6, 2), weekday=0)
    clock.instant += dt.timedelta(days=10)
    response = signed_in.post(end_url(period), follow=True)
    assert "the days up to today stay in your history" in response.content.decode()
    period.refresh_from_db()
    assert period.last_day == D(2025, 6, 11)
    assert list(period.declaration.days(TODAY, D(2025, 12, 31))) == [D(2025, 6, 2), D(2025, 6, 9)]
    # Now it is all behind: it can no longer be ended, and is no longer listed.
    response = signed_in.post(end_url(period), follow=True)
    assert "stay as your streak" in response.content.decode()
    assert "End from tomorrow" not in response.content.decode()


def test_only_ones_own_rest_periods_can_be_ended(client, alice, bob, clock):
    period, _ = declare(alice, D(2025, 6, 10), D(2025, 6, 11))
    client.force_login(bob)
    assert client.post(end_url(period)).status_code == 404
    assert client.get(end_url(period)).status_code == 405
    assert RestPeriod.objects.filter(pk=period.pk).exists()


def test_visitors_log_in_and_suspended_people_are_told_why(client, db, clock):
    for url in (REST, reverse("journal:rest_period_end", args=[1])):
        response = client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    client.force_login(make_user("spammer", is_suspended=True))
    assert client.post(REST, weekly(5, "2025-06-02")).status_code == 403
    assert not RestPeriod.objects.exists()


# The streaks they keep


def test_a_rest_day_keeps_the_personal_streak_and_every_challenges_without_growing(alice, clock):
    dated = Challenge.objects.create(
        slug="june", title="June", starts_on=D(2025, 5, 1), length_days=60, creator=alice
    )
    services.challenge_join(person=alice, challenge=dated)
    write_entry(alice, day=D(2025, 5, 31))
    write_entry(alice, day=TODAY)
    declare(alice, D(2025, 6, 2), D(2025, 6, 2))
    alice.refresh_from_db()
    # The run of two is alive on Monday (rest) and Tuesday (not over yet).
    assert alice.streak_alive_until == D(2025, 6, 3)
    clock.instant += dt.timedelta(days=2)  # Tuesday 3 June
    assert User.objects.get(pk=alice.pk).current_streak == 2
    write_entry(alice, day=D(2025, 6, 3))
    alice.refresh_from_db()
    assert (alice.current_streak, alice.latest_run_start) == (3, D(2025, 5, 31))
    # The site's challenge counts every entry; June counts from the day she joined.
    runs = {
        participation.challenge.slug: (participation.run_length, participation.run_start)
        for participation in Participation.objects.filter(person=alice)
    }
    assert runs == {"one-hour-a-day": (3, D(2025, 5, 31)), "june": (2, TODAY)}


def test_declaring_rest_recounts_every_figure_from_scratch(alice, clock):
    for n in range(8):
        write_entry(alice, day=TODAY - dt.timedelta(days=n))
    declare(alice, D(2025, 6, 2), weekday=0)
    alice.refresh_from_db()
    calendar = RestPeriod.objects.calendar(alice)
    days = [(TODAY - dt.timedelta(days=n), 60) for n in range(8)]
    assert alice.stored_stats() == streaks.compute_stats(days, 60, rest_days=calendar)
    # A freeze in hand: Monday is rest, Tuesday may be missed, Wednesday must count.
    assert alice.streak_alive_until == D(2025, 6, 4)


# The journey's heatmap


def journey_html(client, username="alice"):
    response = client.get(reverse("journal:journey", args=[username]))
    assert response.status_code == 200
    return response.content.decode()


def test_the_heatmap_marks_rest_and_frozen_days_for_everyone(client, alice, clock):
    # Mon 19 to Sun 25 May earn a freeze, Mon 26 is missed and frozen, Tue 27 counts,
    # Wed 28 is rest (declared before: made here, as the past cannot be declared now), Thu 29
    # to Sun 1 June count.
    RestPeriod.objects.create(person=alice, first_day=D(2025, 5, 28), last_day=D(2025, 5, 28))
    for day in [*range(19, 26), 27, 29, 30, 31]:
        services.entry_save(
            entry=Entry(author=alice, day=D(2025, 5, day), minutes=60, title="Study", body="."),
            topic_names=[],
        )
    write_entry(alice, day=TODAY)
    alice.refresh_from_db()
    assert alice.current_streak == 12

    html = journey_html(client)
    assert "Current streak: 12 days, kept by 1 rest day and 1 freeze." in html
    assert "<title>Mon 26 May 2025: no learning, frozen: a freeze kept the streak</title>" in html
    assert "<title>Wed 28 May 2025: no learning, rest day</title>" in html
    assert html.count('class="hm-mark hm-rest"') == 2  # the day, and the legend
    assert html.count('class="hm-mark hm-frozen"') == 2
    assert "Frozen: a freeze kept the streak</li>" in html
    assert "Rest day</li>" in html


def test_a_streak_kept_by_nothing_says_only_its_length(client, alice, clock):
    write_entry(alice, day=TODAY)
    html = journey_html(client)
    assert "Current streak: 1 day.</p>" in html
    assert 'class="hm-mark hm-rest"' not in html.split("heatmap-legend")[0]


def test_the_migration_counts_every_persons_streak_again_with_freezes(alice, bob, clock):
    migration = importlib.import_module("journal.migrations.0012_rest_periods")
    # Six days, one missed, one more: before freezes kept personal streaks, a run of 1.
    for n in [*range(9, 1, -1), 0]:
        write_entry(alice, day=TODAY - dt.timedelta(days=n))
    expected = User.objects.get(pk=alice.pk).stored_stats()
    User.objects.update(latest_run_length=1, latest_run_start=None, saved_days=0)
    migration.recount_personal_streaks(django_apps, None)
    assert User.objects.get(pk=alice.pk).stored_stats() == expected
    assert expected.latest_run_length == 9
    assert User.objects.get(pk=bob.pk).stored_stats() == streaks.Stats()
