"""Rest days: declaring and ending a person's rest periods, and recounting every streak of
theirs that rests on them.

The rules are journal/streaks.py's (declared ahead of time, at most 4 counted a calendar
month); this module refuses what breaks them with a message that says why, and after each
change counts the person's own streak and their figures in every challenge again.
"""

import datetime as dt

from django.db import transaction

from journal import charts, streaks
from journal.models import MAX_UPCOMING_REST_PERIODS, RestPeriod, User
from journal.services.challenges import participations_recount
from journal.services.figures import lock_author, user_refresh_stats

# How many left-out days a refusal names before it says "and N more".
DAYS_NAMED = 6


class RestRefused(Exception):
    """A declaration or an ending that breaks a rule of rest days; the message says which."""


def rest_period_declare(
    *, person: User, first_day: dt.date, last_day: dt.date | None, weekday: int | None
) -> tuple[RestPeriod, list[dt.date]]:
    """Declare ``person``'s rest days: every ``weekday`` from ``first_day`` (until
    ``last_day`` when set), or with no weekday every day from ``first_day`` to ``last_day``.

    Returns the new period and the declared days that will be ordinary days because of the
    monthly cap (its own past a month's fourth, or earlier ones it pushes out): accepted,
    as a weekday every week has a fifth one in some months, and said, so nobody counts on
    them. Raises RestRefused when it starts before tomorrow, or when the person already has
    MAX_UPCOMING_REST_PERIODS declarations ahead.
    """
    declaration = streaks.RestDeclaration(first=first_day, last=last_day, weekday=weekday)
    with transaction.atomic():
        person = lock_author(person)
        today = person.local_today()
        if not declaration.is_ahead_of(today):
            raise RestRefused(
                "Rest days are declared ahead of time: the first one can be tomorrow at the "
                "earliest."
            )
        periods = list(RestPeriod.objects.filter(person=person))
        if len([period for period in periods if period.has_days_after(today)]) >= (
            MAX_UPCOMING_REST_PERIODS
        ):
            raise RestRefused(
                f"You have {MAX_UPCOMING_REST_PERIODS} rest periods ahead already: end one "
                "before declaring another."
            )
        left_out = streaks.rest_days_over_cap(
            declaration, [period.declaration for period in periods]
        )
        period = RestPeriod.objects.create(
            person=person, first_day=first_day, last_day=last_day, weekday=weekday
        )
        _recount(person)
    return period, left_out


def over_cap_in_words(left_out: list[dt.date]) -> str:
    """What a declaration's ``left_out`` days (rest_period_declare) mean, in one sentence."""
    return (
        f"At most {streaks.MAX_REST_DAYS_PER_MONTH} rest days count in a month, so "
        f"{_days_in_words(left_out)} will be ordinary days: a streak needs learning on them."
    )


def rest_period_end(*, person: User, period: RestPeriod) -> bool:
    """End ``person``'s ``period`` from tomorrow on: one that has not begun is deleted,
    one under way keeps its days up to today, which are history now. Returns whether it
    was deleted. Raises RestRefused for a period already behind.
    """
    if period.person_id != person.pk:
        raise ValueError("A person ends only their own rest periods.")
    with transaction.atomic():
        person = lock_author(person)
        today = person.local_today()
        if not period.has_days_after(today):
            raise RestRefused("These rest days are behind you: they stay as your streak's history.")
        deleted = period.first_day > today
        if deleted:
            period.delete()
        else:
            period.last_day = today
            period.save(update_fields=["last_day"])
        _recount(person)
    return deleted


def _recount(person: User) -> None:
    """Count ``person``'s streak and challenge figures again with their rest days (a new
    one can keep a streak alive longer, or let a freeze bridge a later gap)."""
    rest_days = RestPeriod.objects.calendar(person)
    user_refresh_stats(user=person, rest_days=rest_days)
    participations_recount(person=person, rest_days=rest_days)


def _days_in_words(days: list[dt.date]) -> str:
    named = ", ".join(charts.day_in_words(day) for day in days[:DAYS_NAMED])
    if len(days) > DAYS_NAMED:
        return f"{named} and {len(days) - DAYS_NAMED} more"
    return named
