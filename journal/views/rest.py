"""A person's rest days in settings: the rules, what is declared, the freezes in hand."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from journal import charts, streaks
from journal.access import participant_required
from journal.forms import RestPeriodForm
from journal.models import Participation, RestPeriod
from journal.services import rest

# How far ahead the page lists each rest day.
UPCOMING_SHOWN = dt.timedelta(weeks=8)


@participant_required
def rest_settings(request):
    """The rules of rest days and freezes, the person's declarations and the days ahead,
    and a form (posted here) to declare more."""
    person = request.user
    today = person.local_today()
    form = RestPeriodForm(request.POST if request.method == "POST" else None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            period, left_out = rest.rest_period_declare(person=person, **form.declaration_fields())
        except rest.RestRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"Rest declared: {period.in_words}.")
            if left_out:
                messages.warning(request, rest.over_cap_in_words(left_out))
            return redirect("journal:rest_settings")
    periods = list(RestPeriod.objects.filter(person=person).order_by("first_day", "pk"))
    calendar = streaks.RestCalendar(period.declaration for period in periods)
    participations = list(
        Participation.objects.filter(person=person)
        .select_related("challenge")
        .order_by("-joined_at", "-pk")
    )
    for participation in participations:
        participation.today_streak = participation.streak(today, calendar)
    return render(
        request,
        "journal/rest_settings.html",
        {
            "form": form,
            "periods": [period for period in periods if period.has_days_after(today)],
            "upcoming": _upcoming(periods, calendar, today),
            "own_streak": streaks.streak_on(
                person.stored_stats().progress(), today=today, rest_days=calendar
            ),
            "participations": participations,
            "rules": streaks.RULES_IN_WORDS,
            "today": today,
        },
        status=400 if form.errors else 200,
    )


def _upcoming(periods, calendar, today):
    """Each declared day from tomorrow over the next weeks, in words, and whether it is a
    rest day (a day past a month's fourth is an ordinary one)."""
    first, last = today + dt.timedelta(days=1), today + UPCOMING_SHOWN
    days = sorted({day for period in periods for day in period.declaration.days(first, last)})
    return [(charts.day_in_words(day), day in calendar) for day in days]


@participant_required
@require_POST
def rest_period_end(request, pk):
    """End one of the person's own rest periods from tomorrow on."""
    period = get_object_or_404(RestPeriod, pk=pk, person=request.user)
    try:
        deleted = rest.rest_period_end(person=request.user, period=period)
    except rest.RestRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            f"Rest deleted: {period.in_words}."
            if deleted
            else f"Rest ended: {period.in_words}; the days up to today stay in your history.",
        )
    return redirect("journal:rest_settings")
