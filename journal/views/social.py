"""Encouragement: cheers, comments, follows, notifications and the entries waiting for a word.

Every view that changes data wants POST from a participant. A GET on one of them (the
page a visitor lands on after logging in to cheer, comment or follow) goes back to the
page they came from, so they are brought back to it.
"""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from journal import services
from journal.access import participant_required
from journal.caching.cards import prepare_cards
from journal.forms import CommentForm
from journal.models import Comment, Entry, Follow, Notification, User
from journal.pagination import PAGE_SIZE, keyset_page
from journal.ratelimit import rate_limited
from journal.views.reading import entry_page

# "Needs encouragement" looks this far back: older entries have had their chance.
RECENT = dt.timedelta(days=7)


def _back(request, default):
    """Where a form asked to go back to, when that is on this site; else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        # A plain redirect: redirect() would read "next=home" as the name of a URL.
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _wants_json(request):
    # Browsers' form posts accept */*, so only an explicit preference for JSON counts.
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


@participant_required
@rate_limited("cheer")
def cheer(request):
    """Cheer the entry a cheer button names, or take the cheer back; JSON for the page's
    script, else back to the page.

    A page has one cheer form (templates/base.html) for all its cards' buttons: the token
    and the way back once, rather than in every card.
    """
    if request.method != "POST":
        return _back(request, reverse("journal:home"))
    named = request.POST.get("entry", "")
    # Only what a bigint id can be: anything else is no entry, not a failed query (and the
    # length is checked first, as int() refuses strings of thousands of digits).
    if not (named.isascii() and named.isdigit()) or len(named) > 19 or int(named) >= 2**63:
        raise Http404("No such entry.")
    entry = get_object_or_404(
        Entry.objects.visible_to(request.user)
        .exclude(author=request.user)
        .select_related("author"),
        pk=int(named),
    )
    cheered, count = services.cheer_toggle(user=request.user, entry=entry)
    if _wants_json(request):
        return JsonResponse({"cheered": cheered, "count": count})
    return _back(request, entry.get_absolute_url())


@participant_required
@rate_limited("comment")
def comment_create(request, pk):
    entry = get_object_or_404(Entry.objects.visible_to(request.user).for_cards(), pk=pk)
    if request.method != "POST":
        return redirect(f"{entry.get_absolute_url()}#comments")
    form = CommentForm(request.POST)
    if not form.is_valid():
        return entry_page(request, entry, comment_form=form, status=400)
    comment = services.comment_create(
        author=request.user, entry=entry, body=form.cleaned_data["body"]
    )
    return redirect(f"{entry.get_absolute_url()}#comment-{comment.pk}")


def _own_comment(request, pk):
    """The signed-in person's comment on an entry they can still see; 404 for anyone else's."""
    return get_object_or_404(
        Comment.objects.filter(entry__in=Entry.objects.visible_to(request.user)).select_related(
            "entry__author"
        ),
        pk=pk,
        author=request.user,
    )


@participant_required
@rate_limited("comment")
def comment_edit(request, pk):
    comment = _own_comment(request, pk)
    form = CommentForm(request.POST if request.method == "POST" else None, instance=comment)
    if request.method == "POST" and form.is_valid():
        services.comment_update(comment=comment, body=form.cleaned_data["body"])
        messages.success(request, "Your comment is updated.")
        return redirect(f"{comment.entry.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request,
        "journal/comment_form.html",
        {"form": form, "comment": comment, "entry": comment.entry},
        status=400 if form.errors else 200,
    )


@participant_required
@require_POST
def comment_delete(request, pk):
    comment = _own_comment(request, pk)
    services.comment_delete(comment=comment)
    messages.success(request, "Your comment is deleted.")
    return redirect(f"{comment.entry.get_absolute_url()}#comments")


@participant_required
@rate_limited("follow")
def follow(request, username):
    person = get_object_or_404(
        User.objects.visible_to(request.user).exclude(pk=request.user.pk), username=username
    )
    if request.method != "POST":
        return redirect(person)
    if services.follow_toggle(follower=request.user, followed=person):
        messages.success(request, f"You follow {person.name} now: their entries are in Following.")
    else:
        messages.success(request, f"You no longer follow {person.name}.")
    return _back(request, person.get_absolute_url())


@login_required
@require_safe
def following(request):
    """Public entries of the people I follow, newest first."""
    followed = Follow.objects.filter(follower=request.user).values("followed")
    entries = Entry.objects.public().filter(author__in=followed).for_cards().newest_first()
    page = keyset_page(entries, request.GET.get("before"))
    prepare_cards(page)
    return render(request, "journal/following.html", {"page": page})


@require_safe
def encourage(request):
    """Recent public entries nobody has cheered or commented on yet, other than my own."""
    entries = Entry.objects.public().filter(
        created_at__gte=timezone.now() - RECENT, cheer_count=0, comment_count=0
    )
    if request.user.is_authenticated:
        entries = entries.exclude(author=request.user)
    page = keyset_page(entries.for_cards().newest_first(), request.GET.get("before"))
    prepare_cards(page)
    return render(request, "journal/encourage.html", {"page": page, "recent_days": RECENT.days})


@login_required
@require_safe
def notifications(request):
    """My notifications, newest first, the unread ones marked as new.

    Reading the list changes nothing: a GET can come from anywhere (an image in a comment
    pointing here), so only the "Mark all read" form marks them read.
    """
    inbox = (
        Notification.objects.inbox(request.user)
        .select_related("actor", "entry", "comment", "challenge")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(inbox, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        if item.entry:
            # Notifications are about the recipient's own entries.
            item.entry.author = request.user
    return render(request, "journal/notifications.html", {"page": page})


@login_required
@require_POST
def notifications_mark_read(request):
    services.notifications_mark_read(user=request.user)
    messages.success(request, "All your notifications are marked read.")
    return redirect("journal:notifications")
