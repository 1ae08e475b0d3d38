"""Reports from participants and the staff's moderation queue."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from journal import services
from journal.access import participant_required
from journal.forms import ModerationForm, ReportForm
from journal.models import Comment, Entry, ModerationAction, Report, User
from journal.ratelimit import rate_limited


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
        return redirect(_back_to(target))
    return render(
        request,
        "journal/report_form.html",
        {"form": form, "target": target, "kind": kind, "back": _back_to(target)},
        status=400 if form.errors else 200,
    )


def _back_to(target):
    return (target.entry if isinstance(target, Comment) else target).get_absolute_url()


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
        else:
            key, kind, target = ("person", item.reported_user_id), "person", item.reported_user
        groups.setdefault(key, {"kind": kind, "target": target, "reports": []})["reports"].append(
            item
        )
    log = ModerationAction.objects.select_related("moderator")[:50]
    return render(request, "journal/moderation.html", {"groups": list(groups.values()), "log": log})


@_staff_only
@require_POST
def act(request):
    form = ModerationForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That moderation action was not understood; nothing changed.")
        return redirect("journal:moderation")
    action, target, reason = (form.cleaned_data[k] for k in ("action", "target", "reason"))
    moderator = request.user
    if action in ("hide_entry", "restore_entry"):
        entry = get_object_or_404(Entry, pk=target)
        services.entry_set_hidden(
            moderator=moderator, entry=entry, hidden=action == "hide_entry", reason=reason
        )
    elif action in ("hide_comment", "restore_comment"):
        comment = get_object_or_404(Comment, pk=target)
        services.comment_set_hidden(
            moderator=moderator, comment=comment, hidden=action == "hide_comment", reason=reason
        )
    elif action in ("suspend_user", "unsuspend_user"):
        person = get_object_or_404(User, pk=target)
        if person == moderator:
            messages.error(request, "You cannot suspend yourself.")
            return redirect("journal:moderation")
        services.user_set_suspended(
            moderator=moderator, user=person, suspended=action == "suspend_user", reason=reason
        )
    else:
        services.report_dismiss(
            moderator=moderator, report=get_object_or_404(Report, pk=target), reason=reason
        )
    messages.success(request, f"Done: {dict(ModerationForm.ACTIONS)[action].lower()}.")
    return redirect("journal:moderation")
