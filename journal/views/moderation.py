"""Reports from participants and the staff's moderation queue."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from journal import services
from journal.access import participant_required
from journal.forms import ModerationForm, ReportForm
from journal.models import (
    SITE_CHALLENGE_SLUG,
    Challenge,
    Comment,
    Entry,
    ModerationAction,
    Report,
    User,
)
from journal.pagination import keyset_page
from journal.ratelimit import rate_limited
from journal.views.challenges import challenge_address, invite_in


def _report_target(request, kind, key):
    """What ``kind``/``key`` names, if this person can see it and it is not their own."""
    viewer = request.user
    if kind in ("entry", "comment") and not key.isdigit():
        raise Http404
    if kind == "entry":
        target = get_object_or_404(
            Entry.objects.visible_to(viewer).select_related("author"), pk=key
        )
        owner = target.author
    elif kind == "comment":
        target = get_object_or_404(
            Comment.objects.visible_to(viewer).filter(entry__in=Entry.objects.visible_to(viewer)),
            pk=key,
        )
        owner = target.author
    elif kind == "person":
        target = owner = get_object_or_404(User.objects.visible_to(viewer), username=key)
    elif kind == "challenge":
        # The site's own challenge holds everyone and is nobody's to take away.
        target = get_object_or_404(
            Challenge.objects.visible_to(viewer, invite=invite_in(request))
            .exclude(slug=SITE_CHALLENGE_SLUG)
            .select_related("creator"),
            slug=key,
        )
        owner = target.creator
    else:
        raise Http404
    if owner == viewer:
        raise Http404("People cannot report themselves.")
    return target


@participant_required
@rate_limited("report")
def report(request, kind, key):
    target = _report_target(request, kind, key)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, target=target, **form.cleaned_data)
        except services.AlreadyReported:
            messages.info(
                request, "You have reported this already. Thank you: a moderator will look at it."
            )
        else:
            messages.success(request, "Thank you. A moderator will look at your report.")
        return redirect(_back_to(target, invite=invite_in(request)))
    return render(
        request,
        "journal/report_form.html",
        {
            "form": form,
            "target": target,
            "kind": kind,
            "back": _back_to(target, invite=invite_in(request)),
        },
        status=400 if form.errors else 200,
    )


def _back_to(target, invite=None):
    """The page that shows ``target``: an entry's, a comment's place on it, a journey, a
    challenge's (with the ``invite`` its reader came with)."""
    if isinstance(target, Comment):
        return f"{target.entry.get_absolute_url()}#comment-{target.pk}"
    if isinstance(target, Challenge):
        return challenge_address(target, invite)
    return target.get_absolute_url()


def _staff_only(view):
    """For people who may moderate (User.can_moderate); a suspended member of staff is
    told they are suspended, anyone else finds nothing here."""

    @participant_required
    def wrapped(request, *args, **kwargs):
        if not request.user.can_moderate:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@_staff_only
@require_safe
def queue(request):
    """Open reports grouped by what they target, the oldest waiting first."""
    open_reports = Report.objects.queue()
    groups = {}
    for item in open_reports:
        if item.entry_id:
            key, kind, target = ("entry", item.entry_id), "entry", item.entry
        elif item.comment_id:
            key, kind, target = ("comment", item.comment_id), "comment", item.comment
        elif item.challenge_id:
            key, kind, target = ("challenge", item.challenge_id), "challenge", item.challenge
        else:
            key, kind, target = ("person", item.reported_user_id), "person", item.reported_user
        groups.setdefault(key, {"kind": kind, "target": target, "reports": []})["reports"].append(
            item
        )
    log = ModerationAction.objects.select_related("moderator")[:50]
    return render(
        request,
        "journal/moderation.html",
        {
            "groups": list(groups.values()),
            "log": log,
            # Shown once, like a message.
            "undo": request.session.pop(_UNDO_KEY, None),
        },
    )


@_staff_only
@require_safe
def hidden(request):
    """What moderators took away and is still away (hidden entries, comments and
    challenges, suspended people), the latest step first, with who took it, when and why, and the way back."""
    page = keyset_page(ModerationAction.objects.in_force(), request.GET.get("before"))
    return render(request, "journal/moderation_hidden.html", {"page": page})


# Each step that takes something away, and the step that brings it back.
_UNDO = {
    "hide_entry": "restore_entry",
    "hide_comment": "restore_comment",
    "suspend_user": "unsuspend_user",
    "hide_challenge": "restore_challenge",
}
_UNDO_KEY = "moderation-undo"
_TARGETS = {
    "entry": Entry,
    "comment": Comment,
    "user": User,
    "challenge": Challenge,
    "report": Report,
}


@_staff_only
@require_POST
def act(request):
    """One moderation step on one target, from the queue, the Hidden list or the target's
    own page (``back`` says which, and the moderator returns there). A step that takes
    something away is confirmed with the offer to undo it."""
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That moderation action was not understood; nothing changed.")
        return redirect("journal:moderation")
    action, target_id, reason = (form.cleaned_data[k] for k in ("action", "target", "reason"))
    # Each action's name ends with the kind of thing it acts on: hide_entry, suspend_user.
    target = get_object_or_404(_TARGETS[action.rpartition("_")[2]], pk=target_id)
    moderator = request.user
    if action in ("hide_entry", "restore_entry"):
        services.entry_set_hidden(
            moderator=moderator, entry=target, hidden=action == "hide_entry", reason=reason
        )
    elif action in ("hide_comment", "restore_comment"):
        services.comment_set_hidden(
            moderator=moderator, comment=target, hidden=action == "hide_comment", reason=reason
        )
    elif action in ("suspend_user", "unsuspend_user"):
        if target == moderator:
            messages.error(request, "You cannot suspend yourself.")
            return redirect("journal:moderation")
        services.user_set_suspended(
            moderator=moderator, user=target, suspended=action == "suspend_user", reason=reason
        )
    elif action in ("hide_challenge", "restore_challenge"):
        services.challenge_set_hidden(
            moderator=moderator,
            challenge=target,
            hidden=action == "hide_challenge",
            reason=reason,
        )
    else:
        services.report_dismiss(moderator=moderator, report=target, reason=reason)
    # The log's own words give the verb: "Hid an entry", "Unsuspended a person".
    done = f"{ModerationAction.Action(action).label.split()[0]} {_described(target)}."
    back = request.POST.get("back")
    if back == "hidden":
        destination = reverse("journal:moderation_hidden")
    elif back == "target" and not isinstance(target, Report):
        destination = _back_to(target)
    else:
        destination = reverse("journal:moderation")
    if action in _UNDO and destination == reverse("journal:moderation"):
        # The queue shows it (queue()), with its form.
        request.session[_UNDO_KEY] = {"done": done, "action": _UNDO[action], "target": target.pk}
    else:
        messages.success(request, done)
    return redirect(destination)


def _described(target):
    if isinstance(target, Entry):
        return f"the entry “{target.title}” by {target.author.name}"
    if isinstance(target, Comment):
        return f"the comment by {target.author.name} on “{target.entry.title}”"
    if isinstance(target, User):
        return f"{target.name} (@{target.username})"
    if isinstance(target, Challenge):
        return f"the challenge “{target.title}”"
    return "the report"
