"""Reading: the landing page, the public feed, a journey and one entry."""

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.shortcuts import get_object_or_404, render

from journal.models import Entry, User

PAGE_SIZE = 20


def home(request):
    """The feed for people who have joined; for visitors, what the challenge is."""
    if request.user.is_authenticated:
        return feed(request)
    figures = User.objects.filter(is_active=True, is_suspended=False).aggregate(
        learners=Count("id"), entries=Sum("entry_count"), minutes=Sum("total_minutes")
    )
    latest = Entry.objects.public().for_cards().newest_first()[:6]
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


def feed(request):
    entries = Entry.objects.public().for_cards().newest_first()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "journal/feed.html", {"page": page})


def journey(request, username):
    person = get_object_or_404(User.objects.visible_to(request.user), username=username)
    entries = Entry.objects.visible_to(request.user).filter(author=person)
    page = Paginator(entries.prefetch_related("topics").order_by("-day"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for entry in page:
        # Every card on this page is by the same person, already fetched.
        entry.author = person
    return render(request, "journal/journey.html", {"person": person, "page": page})


def entry_detail(request, username, number):
    entry = get_object_or_404(
        Entry.objects.visible_to(request.user).for_cards(),
        author__username=username,
        number=number,
    )
    return render(request, "journal/entry_detail.html", {"entry": entry})
