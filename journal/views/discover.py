"""Discover: topics, search and the people taking part."""

import datetime as dt

from django.db.models import Case, Count, IntegerField, When
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from journal import search as entry_search
from journal.caching.cards import prepare_cards
from journal.caching.pages import shared_page
from journal.models import Entry, Topic, User
from journal.pagination import PAGE_SIZE, keyset_page, numbered_page

PEOPLE_PAGE_SIZE = 24
ACTIVE_TOPICS_SHOWN = 12
TOPICS_PAGE_SIZE = 200
# What /people/ can be sorted by, as shown in its sort links (the first is the default).
PEOPLE_SORTS = {
    "current": "Current streak",
    "longest": "Longest streak",
    "newest": "Newest",
}


@require_safe
@shared_page(reads=("page",))
def topic_index(request):
    """The most active topics this week, then every topic with public entries."""
    page, elsewhere = numbered_page(
        request, Topic.objects.in_use().order_by("name"), TOPICS_PAGE_SIZE
    )
    if elsewhere:
        return elsewhere
    # By the entries' local days rather than their creation times, so that an import
    # of old entries does not make their topics look active this week.
    week_start = timezone.now().date() - dt.timedelta(days=6)
    # One grouped pass over this week's public entries, whatever the number of topics.
    active = []
    for topic_id, name, slug, count in (
        Entry.topics.through.objects.filter(
            entry__in=Entry.objects.public().filter(day__gte=week_start)
        )
        .order_by()
        .values_list("topic_id", "topic__name", "topic__slug")
        .annotate(count=Count("entry_id"))
        .order_by("-count", "topic__name")[:ACTIVE_TOPICS_SHOWN]
    ):
        active.append(Topic(id=topic_id, name=name, slug=slug))
        active[-1].week_count = count
    return render(
        request,
        "journal/topics.html",
        {
            "active": active,
            "page": page,
            "week_start": week_start,
        },
    )


@require_safe
@shared_page(reads=("before",))
def topic(request, slug):
    topic = get_object_or_404(Topic.objects.in_use(), slug=slug)
    entries = Entry.objects.public().filter(topics=topic).for_cards().newest_first()
    page = keyset_page(entries, request.GET.get("before"))
    prepare_cards(page)
    return render(request, "journal/topic.html", {"topic": topic, "page": page})


@require_safe
@shared_page(reads=("q", "page"))
def search(request):
    """Public entries matching ``?q=``; see journal/search.py for how each database matches."""
    query = request.GET.get("q", "").strip()[: entry_search.MAX_QUERY_LENGTH]
    page = None
    if query:
        results = entry_search.search_entries(Entry.objects.public(), query).for_cards()
        page, elsewhere = numbered_page(request, results, PAGE_SIZE)
        if elsewhere:
            return elsewhere
        entry_search.with_snippets(page.object_list)
        prepare_cards(page)
    return render(
        request,
        "journal/search.html",
        {
            "query": query,
            "page": page,
            "full_text": entry_search.is_full_text(),
            "candidates": entry_search.CANDIDATES if entry_search.is_full_text() else None,
        },
    )


@require_safe
@shared_page(reads=("sort", "page"))
def people(request):
    """Participants with their streaks and hours, sortable by ``?sort=``."""
    sort = request.GET.get("sort")
    if sort not in PEOPLE_SORTS:
        sort = "current"
    people = User.objects.public()
    if sort == "current":
        # The current streak depends on each person's local today, which the database
        # does not know. A run alive until UTC today - 1 day or later is alive for someone
        # in some time zone (local today is within a day of UTC today), so sorting by that
        # run is exact except for the rare run that just died in its owner's zone; the
        # number shown is always exact.
        alive_on = timezone.now().date() - dt.timedelta(days=1)
        people = people.annotate(
            live_run=Case(
                When(streak_alive_until__gte=alive_on, then="latest_run_length"),
                default=0,
                output_field=IntegerField(),
            )
        ).order_by("-live_run", "-longest_streak", "-date_joined", "-id")
    elif sort == "longest":
        people = people.order_by("-longest_streak", "-public_minutes", "-id")
    else:
        people = people.order_by("-date_joined", "-id")
    page, elsewhere = numbered_page(request, people, PEOPLE_PAGE_SIZE)
    if elsewhere:
        return elsewhere
    return render(
        request,
        "journal/people.html",
        {"page": page, "sort": sort, "sorts": PEOPLE_SORTS},
    )
