"""Challenges: the list, starting one, a challenge's page with its board, joining and
leaving, and its creator's controls (edit before the start, close, renew the invite link).

Who may see a challenge is ``Challenge.objects.visible_to`` alone. Invite-only challenges
are never listed; their page is rendered for each request and never shared through the
page cache (``Cache-Control: private``), as the next reader may not hold the invite.
"""

import re
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from journal import services, sharecards
from journal.access import participant_required
from journal.caching.cards import prepare_cards
from journal.caching.pages import shared_page
from journal.forms import ChallengeEditForm, ChallengeForm
from journal.models import Challenge, Participation, RestPeriod
from journal.pagination import KeysetPage, numbered_page
from journal.ratelimit import rate_limited

LIST_PAGE_SIZE = 20
BOARD_SIZE = 25
CHECKINS_SHOWN = 12
LATEST_ENTRIES = 6
# The list's tabs: the challenges each shows, on a given day (the first is the default).
STATUSES = {
    "running": ("Running", lambda challenges, today: challenges.running(today)),
    "soon": ("Starting soon", lambda challenges, today: challenges.starting_after(today)),
    "finished": ("Finished", lambda challenges, today: challenges.finished(today)),
}


@require_safe
@shared_page(reads=("status", "page"))
def challenge_list(request):
    """Public challenges, running, starting soon or finished, most participants first."""
    status = request.GET.get("status") or "running"
    if status not in STATUSES:
        raise Http404("No such list of challenges.")
    label, pick = STATUSES[status]
    challenges = pick(Challenge.objects.public(), timezone.localdate())
    page, elsewhere = numbered_page(
        request, challenges.select_related("creator").most_joined_first(), LIST_PAGE_SIZE
    )
    if elsewhere:
        return elsewhere
    tabs = {key: name for key, (name, _) in STATUSES.items()}
    return render(
        request,
        "challenges/list.html",
        {"page": page, "status": status, "status_label": label, "tabs": tabs},
    )


@login_required
@require_safe
def challenges_mine(request):
    """The challenges the signed-in person is in, invite-only ones included."""
    participations = (
        Participation.objects.filter(
            person=request.user,
            challenge__in=Challenge.objects.visible_to(request.user),
        )
        .select_related("challenge")
        .order_by("-joined_at", "-pk")
    )
    today = request.user.local_today()
    rest_days = RestPeriod.objects.calendar(request.user)
    for participation in participations:
        participation.person = request.user
        participation.today = participation.day_on(today)
        participation.current_streak = participation.streak(today, rest_days).length
    return render(request, "challenges/mine.html", {"participations": participations})


@participant_required
@rate_limited("challenge")
def challenge_new(request):
    form = ChallengeForm(request.POST if request.method == "POST" else None, creator=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            challenge = services.challenge_create(
                challenge=form.save(commit=False), topic_names=form.topic_list()
            )
        except services.TooManyChallenges as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, f"“{challenge.title}” has started. You are in it.")
            return redirect(challenge)
    return render(
        request, "challenges/form.html", {"form": form}, status=400 if form.errors else 200
    )


def _challenge_creator(slug):
    # The creator sees their controls and the invite link: not the readers' copy.
    return set(
        Challenge.objects.filter(slug=slug, creator__isnull=False).values_list(
            "creator__username", flat=True
        )
    )


@require_safe
def challenge_detail(request, slug):
    """A challenge's page. With ``?invite=``, for whoever holds the invite, rendered for
    them alone; otherwise through the page cache, shared unless the challenge is
    invite-only."""
    if "invite" in request.GET:
        return _invited_page(request, slug)
    # By name: shared_page hands the view's keyword arguments to personal_to.
    return _shared_challenge_page(request, slug=slug)


def _invited_page(request, slug):
    invite = invite_in(request)
    challenge = get_object_or_404(
        Challenge.objects.visible_to(request.user, invite=invite, moderating=True).select_related(
            "creator"
        ),
        slug=slug,
    )
    if challenge.is_public:
        # A public challenge's page has one address, the one the page cache keeps.
        return redirect(challenge)
    return _challenge_page(request, challenge, invite=invite)


def _shared_challenge_page(request, slug):
    challenge = get_object_or_404(
        Challenge.objects.visible_to(request.user, moderating=True).select_related("creator"),
        slug=slug,
    )
    return _challenge_page(request, challenge)


# What new_invite_token makes; anything else (a NUL byte, which PostgreSQL refuses in a
# query) is no invite.
INVITE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
BOARD_CURSOR = re.compile(r"(\d{1,9})\.(\d{1,18})")


def invite_in(request):
    """The invite token the request carries, from its form or its address, if any."""
    token = request.POST.get("invite") or request.GET.get("invite") or ""
    return token if INVITE_TOKEN.fullmatch(token) else None


def _challenge_page(request, challenge, invite=None):
    """The page of ``challenge``, which the reader may see (``invite``: the token they
    came with)."""
    today = challenge.local_today()
    board = board_page(challenge, request.GET.get("after"))
    running = challenge.has_started(today) and not challenge.is_finished(today)
    latest = prepare_cards(challenge.public_entries().for_cards().newest_first()[:LATEST_ENTRIES])
    is_creator = request.user.is_authenticated and challenge.creator_id == request.user.pk
    topics = list(challenge.topics.all())
    response = render(
        request,
        "challenges/detail.html",
        {
            "challenge": challenge,
            "topics": topics,
            "share": sharecards.challenge_tags(request, challenge, topics),
            "day": challenge.day_on(today),
            "has_started": challenge.has_started(today),
            "is_finished": challenge.is_finished(today),
            "board": board,
            "checkins": _checkins(challenge) if running else None,
            "latest": latest,
            "is_creator": is_creator,
            # Hidden, and not the creator's: only a moderator opens it, to judge or restore.
            "under_review": not is_creator
            and challenge.moderation_state == Challenge.ModerationState.HIDDEN,
            "editable": is_creator and challenge.is_editable(request.user.local_today()),
            "invite": invite,
            "invite_url": request.build_absolute_uri(
                reverse("journal:challenge_invite", args=[challenge.invite_token])
            )
            if is_creator
            else None,
        },
    )
    if not challenge.is_public:
        patch_cache_control(response, private=True)
    return response


_shared_challenge_page = shared_page(reads=("after",), personal_to=_challenge_creator)(
    _shared_challenge_page
)


def board_page(challenge, cursor):
    """The participants on the board, most days counted first, after ``cursor``
    ("<days counted>.<id>" of the last row shown): read through participation_board_idx,
    a page costs the same at any depth."""
    rows = Participation.objects.filter(
        challenge=challenge, on_board=True, person__is_active=True, person__is_suspended=False
    ).select_related("person")
    if cursor:
        if not (match := BOARD_CURSOR.fullmatch(cursor)):
            raise BadRequest("This board has no such page.")
        days, pk = map(int, match.groups())
        rows = rows.filter(days_counted__lte=days).exclude(days_counted=days, pk__gte=pk)
    page = KeysetPage(
        list(rows.order_by("-days_counted", "-pk")[: BOARD_SIZE + 1]),
        size=BOARD_SIZE,
        after_cursor=bool(cursor),
        cursor_of=lambda row: f"{row.days_counted}.{row.pk}",
    )
    # Everyone's rest days on the page in one query: a streak rests on them.
    rest_days = RestPeriod.objects.calendars([row.person_id for row in page])
    for row in page:
        row.challenge = challenge
        today = row.person.local_today()
        row.current_streak = row.streak(today, rest_days[row.person_id]).length
        row.today = row.day_on(today)
    return page


@dataclass(frozen=True)
class CheckIns:
    """Today's check-ins on a challenge's page, each person's today on their own clock:
    the latest who checked in (of those on the board), how many did, how many not yet."""

    latest: list[Participation]
    count: int
    not_yet: int


def _checkins(challenge):
    """Today's check-ins of ``challenge``, from the stored ``checked_in_until`` (never from
    entries): two queries on the participation check-in indexes, however many people."""
    now = timezone.now()
    checked_in = Participation.objects.filter(challenge=challenge).checked_in(now)
    latest = list(
        checked_in.filter(on_board=True, person__is_active=True, person__is_suspended=False)
        .select_related("person")
        .order_by("-checked_in_at", "-pk")[:CHECKINS_SHOWN]
    )
    for row in latest:
        row.challenge = challenge
        row.today = row.day_on(row.person.local_today())
    count = checked_in.count()
    return CheckIns(latest, count, max(challenge.participant_count - count, 0))


@require_safe
def challenge_invite(request, token):
    """An invite link: the challenge's page for whoever holds it, until it is renewed."""
    challenge = get_object_or_404(
        Challenge.objects.visible_to(request.user, invite=token), invite_token=token
    )
    return redirect(f"{challenge.get_absolute_url()}?invite={token}")


def _challenge_for(request, slug):
    """The challenge ``slug`` as the asking person may see it, the invite they hold
    counting."""
    return get_object_or_404(
        Challenge.objects.visible_to(request.user, invite=invite_in(request)).select_related(
            "creator"
        ),
        slug=slug,
    )


@participant_required
@rate_limited("challenge")
def challenge_join(request, slug):
    """Join: a form post; GET, where a visitor lands after logging in or signing up,
    asks to confirm."""
    challenge = _challenge_for(request, slug)
    invite = invite_in(request)
    if request.method == "POST":
        try:
            services.challenge_join(
                person=request.user, challenge=challenge, on_board="on_board" in request.POST
            )
        except (services.ChallengeLocked, services.TooManyChallenges) as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"You joined “{challenge.title}”.")
        return redirect(challenge_address(challenge, invite))
    if Participation.objects.filter(person=request.user, challenge=challenge).exists():
        return redirect(challenge_address(challenge, invite))
    if challenge.is_finished(request.user.local_today()):
        # Nothing to confirm: its page says why, as a refused join does.
        messages.error(request, services.ChallengeLocked.OVER)
        return redirect(challenge_address(challenge, invite))
    return render(request, "challenges/join.html", {"challenge": challenge, "invite": invite})


def challenge_address(challenge, invite):
    """The address of ``challenge``'s page for a reader who came with ``invite``."""
    if invite and not challenge.is_public:
        return f"{challenge.get_absolute_url()}?invite={invite}"
    return challenge.get_absolute_url()


@participant_required
@rate_limited("challenge")
def challenge_leave(request, slug):
    challenge = _challenge_for(request, slug)
    if request.method == "POST":
        services.challenge_leave(person=request.user, challenge=challenge)
        messages.success(request, f"You left “{challenge.title}”.")
    return redirect(challenge)


@participant_required
@require_POST
def challenge_board(request, slug):
    """Show me on a challenge's board, or leave me off it (from /challenges/mine/)."""
    participation = get_object_or_404(
        Participation.objects.select_related("challenge__creator"),
        person=request.user,
        challenge__slug=slug,
        challenge__in=Challenge.objects.visible_to(request.user),
    )
    on_board = request.POST.get("on_board") == "on"
    services.participation_set_on_board(participation=participation, on_board=on_board)
    title = participation.challenge.title
    messages.success(
        request,
        f"You are on the board of “{title}”."
        if on_board
        else f"You are off the board of “{title}”; your days still count.",
    )
    return redirect("journal:challenges_mine")


def _own_challenge(request, slug):
    # Only its creator's: a 404 for anyone else, as for any entry not one's own.
    return get_object_or_404(Challenge, slug=slug, creator=request.user)


@participant_required
def challenge_edit(request, slug):
    challenge = _own_challenge(request, slug)
    if not challenge.is_editable(request.user.local_today()):
        messages.error(request, "This challenge has started, so it can no longer be edited.")
        return redirect(challenge)
    form = ChallengeEditForm(
        request.POST if request.method == "POST" else None,
        instance=challenge,
        creator=request.user,
    )
    if request.method == "POST" and form.is_valid():
        services.challenge_update(challenge=form.save(commit=False), editor=request.user)
        messages.success(request, "The challenge is updated.")
        return redirect(challenge)
    return render(
        request,
        "challenges/form.html",
        {"form": form, "challenge": challenge},
        status=400 if form.errors else 200,
    )


def _creator_action(service, done):
    """A creator's button on their challenge's page: ``service(challenge=, by=)``, then
    back to the page saying ``done``."""

    @participant_required
    @require_POST
    def view(request, slug):
        challenge = _own_challenge(request, slug)
        service(challenge=challenge, by=request.user)
        messages.success(request, done)
        return redirect(challenge)

    return view


challenge_close = _creator_action(
    services.challenge_close, "The challenge is closed: no day after today counts."
)
challenge_renew_invite = _creator_action(
    services.challenge_renew_invite, "The invite link is new: the old one no longer works."
)
