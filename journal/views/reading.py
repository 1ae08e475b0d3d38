"""Reading: the landing page, the public feed, a journey and one entry."""

from django.core.validators import slug_re
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from journal import charts, sharecards
from journal.caching.cards import prepare_cards
from journal.caching.pages import shared_page
from journal.forms import CommentForm
from journal.models import (
    Challenge,
    Comment,
    Entry,
    Participation,
    RestPeriod,
    Topic,
    User,
    attach_counts_for,
    attach_topics,
)
from journal.pagination import journey_page, keyset_page

KEY_LESSONS_SHOWN = 8
# Badges of finished challenges on a journey, the latest first.
FINISHED_SHOWN = 50


@require_safe
@shared_page(reads=("topic", "before"))
def home(request):
    """The feed for people who have joined; for visitors, what the challenge is."""
    if request.user.is_authenticated:
        return _feed(request)
    figures = User.objects.public().aggregate(
        learners=Count("id"), entries=Sum("public_entry_count"), minutes=Sum("public_minutes")
    )
    latest = prepare_cards(Entry.objects.public().for_cards().newest_first()[:6])
    return render(
        request,
        "journal/landing.html",
        {
            "learners": figures["learners"],
            "entries_written": figures["entries"] or 0,
            "hours_learned": (figures["minutes"] or 0) // 60,
            "latest": latest,
        },
    )


@require_safe
@shared_page(reads=("topic", "before"))
def feed(request):
    return _feed(request)


def _feed(request):
    entries = Entry.objects.public().for_cards().newest_first()
    topic = None
    if slug := request.GET.get("topic"):
        # A topic is named by its slug; anything else (a NUL byte, which PostgreSQL refuses
        # in a query) names no topic.
        if not slug_re.match(slug):
            raise Http404("No such topic.")
        topic = get_object_or_404(Topic.objects.in_use(), slug=slug)
        entries = entries.filter(topics=topic)
    page = keyset_page(entries, request.GET.get("before"))
    prepare_cards(page)
    return render(request, "journal/feed.html", {"page": page, "topic": topic})


def _journey_owner(username):
    # The person sees their private entries and their own buttons: not the readers' copy.
    return {username}


@require_safe
@shared_page(reads=("before",), personal_to=_journey_owner)
def journey(request, username):
    person = get_object_or_404(User.objects.visible_to(request.user), username=username)
    # The list and the charts count only what this viewer may see: another person's private
    # minutes stay private.
    shown = Entry.objects.written_by(person, request.user)
    page = journey_page(shown, request.GET.get("before"))
    key_lessons = list(
        shown.exclude(key_lesson="")
        .only("number", "day", "title", "key_lesson")
        .order_by("-day")[:KEY_LESSONS_SHOWN]
    )
    # Others read a copy shared by every reader of their audience, so only public
    # challenges' badges: an invite-only one is named to its members alone.
    badge_challenges = (
        Challenge.objects.visible_to(person)
        if request.user.pk == person.pk
        else Challenge.objects.public()
    )
    finished = list(
        Participation.objects.finished()
        .filter(person=person, challenge__in=badge_challenges)
        .select_related("challenge")
        .order_by("-finished_on", "-pk")[:FINISHED_SHOWN]
    )
    for participation in finished:
        participation.person = person
    for entry in [*page, *key_lessons]:
        # Every card and lesson on this page is by the same person, already fetched.
        entry.author = person
    prepare_cards(page, with_author=False)
    today, goal = person.local_today(), person.daily_goal_minutes
    # The streak counts every entry of theirs, so what kept it comes from them all.
    streak = charts.streak_days(
        Entry.objects.filter(author=person),
        goal=goal,
        rest_days=RestPeriod.objects.calendar(person),
        today=today,
        length=person.current_streak,
        run_start=person.latest_run_start,
    )
    return render(
        request,
        "journal/journey.html",
        {
            "person": person,
            "page": page,
            "heatmap": charts.year_heatmap(shown, today=today, goal=goal, streak=streak),
            "topic_hours": charts.topic_hours(shown),
            "key_lessons": key_lessons,
            "finished": finished,
            "share": sharecards.journey_tags(request, person),
        },
    )


def _entry_people(username, day):
    # The author sees their own actions, and commenters their comments' controls and those
    # a moderator hid: not the readers' copy.
    commenters = Comment.objects.filter(
        entry__author__username=username, entry__day=day
    ).values_list("author__username", flat=True)
    return {username, *commenters}


@require_safe
@shared_page(personal_to=_entry_people)
def entry_detail(request, username, day):
    entry = get_object_or_404(
        Entry.objects.visible_to(request.user, moderating=True).for_cards(),
        author__username=username,
        day=day,
    )
    return entry_page(request, entry)


@require_safe
def entry_by_number(request, username, number):
    """The old address of an entry, ``/@alice/day/12/``: a permanent redirect to the entry
    that is Day 12 now, at its own address (its author and local day).

    Day N moves when an earlier day is written, imported or deleted, and no history of it
    is kept, so a link made when another entry was Day 12 leads to the one that is Day 12
    today, the entry its "Day 12" now names. Whoever may not see that entry gets a 404,
    as at its own address.
    """
    day = get_object_or_404(
        Entry.objects.visible_to(request.user, moderating=True)
        .filter(author__username=username, number=number)
        .values_list("day", flat=True)
    )
    return redirect("journal:entry_detail", username=username, day=day, permanent=True)


def entry_page(request, entry, comment_form=None, status=200):
    """One entry with its cheers and its comments, newest last, and a form for another.

    Moderators also see what was taken away, marked, with the way to restore it; an entry
    only they can see (``under_review``) takes no cheers, comments or reports.
    """
    attach_topics([entry])
    # Its author's page is rendered for them alone (entry_detail's personal_to), so it may
    # name their invite-only challenges; everyone else's names public ones only.
    is_author = entry.author_id == request.user.pk
    attach_counts_for(
        [entry], challenges=Challenge.objects.visible_to(request.user) if is_author else None
    )
    comments = (
        Comment.objects.visible_to(request.user, moderating=True)
        .filter(entry=entry)
        .select_related("author")
        .order_by("created_at", "pk")
    )
    under_review = entry.author_id != request.user.pk and not (
        entry.is_public and not entry.author.is_suspended
    )
    return render(
        request,
        "journal/entry_detail.html",
        {
            "entry": entry,
            "comments": comments,
            "comment_form": comment_form or CommentForm(),
            "under_review": under_review,
            "share": sharecards.entry_tags(request, entry),
        },
        status=status,
    )
