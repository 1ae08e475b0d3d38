"""Writing: today's entry (or yesterday's), editing, deleting, and the editor's helpers."""

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views import csrf
from django.views.decorators.http import require_POST

from journal import services
from journal.access import SIGNED_OUT, editor_request, participant_required
from journal.forms import EntryForm, ImageUploadForm
from journal.markdown import MAX_ENTRY_TEXT, render_markdown
from journal.models import Entry
from journal.ratelimit import rate_limited


@participant_required
@rate_limited("entry")
def write(request):
    """A new entry for today, or yesterday when asked; an existing one is edited instead."""
    author = request.user
    # Yesterday only for someone whose account existed then (User.writable_days).
    days = author.writable_days()
    today, *earlier = days
    wanted = earlier[0] if earlier and request.GET.get("day") == "yesterday" else today
    form = EntryForm(
        request.POST if request.method == "POST" else None,
        author=author,
        initial={"day": wanted},
    )
    if request.method == "POST" and form.is_valid():
        entry = form.save(commit=False)
        try:
            services.entry_save(entry=entry, topic_names=form.topic_list())
        except services.DayTaken:
            form.refuse_taken_day()
        else:
            messages.success(request, _written_message(entry))
            _celebrate(request, entry)
            return redirect(entry)
    written = dict(Entry.objects.filter(author=author, day__in=days).values_list("day", "pk"))
    if request.method == "GET" and wanted in written:
        return redirect("journal:entry_edit", pk=written[wanted])
    form.offer_days([day for day in days if day not in written])
    return render(
        request,
        "journal/entry_form.html",
        {
            "form": form,
            "first_day": author.entry_count == 0,
            "yesterday_open": any(day not in written and day != wanted for day in earlier),
        },
        status=400 if form.errors else 200,
    )


@participant_required
@rate_limited("entry")
def entry_edit(request, pk):
    entry = get_object_or_404(Entry, pk=pk, author=request.user)
    form = EntryForm(
        request.POST if request.method == "POST" else None, instance=entry, author=request.user
    )
    if request.method == "POST" and form.is_valid():
        services.entry_save(entry=form.save(commit=False), topic_names=form.topic_list())
        messages.success(request, f"Day {entry.number} is updated.")
        _celebrate(request, entry)
        return redirect(entry)
    return render(
        request,
        "journal/entry_form.html",
        {"form": form, "entry": entry},
        status=400 if form.errors else 200,
    )


@participant_required
def entry_delete(request, pk):
    entry = get_object_or_404(Entry, pk=pk, author=request.user)
    if request.method == "POST":
        services.entry_delete(entry=entry)
        messages.success(request, f"“{entry.title}” is deleted.")
        return redirect("journal:journey", username=request.user.username)
    return render(request, "journal/entry_confirm_delete.html", {"entry": entry})


def _preview_refused(request, reason, status):
    notice = render_to_string(
        "includes/editor_refusal.html", {"reason": reason, "signed_out": reason is SIGNED_OUT}
    )
    return HttpResponse(notice, status=status)


def _upload_refused(request, reason, status):
    return JsonResponse({"error": reason}, status=status)


_EDITOR_REFUSALS = {
    "journal:markdown_preview": _preview_refused,
    "journal:image_upload": _upload_refused,
}


def csrf_failure(request, reason=""):
    """Django's refusal of a form without a valid CSRF token (CSRF_FAILURE_VIEW).

    The editor's own requests fail so when all of the site's cookies were cleared while
    someone was writing: they get the editor's signed-out words, which it shows in place of
    the preview, instead of an error page shown inside it. Other forms get the 403 page.
    """
    match = request.resolver_match
    refuse = _EDITOR_REFUSALS.get(match.view_name) if match else None
    if refuse is None:
        return csrf.csrf_failure(request, reason)
    return refuse(request, SIGNED_OUT, 403)


@require_POST
@editor_request("preview", _preview_refused)
def markdown_preview(request):
    """The editor's live preview, rendered by the pipeline that renders published entries;
    no longer a text than an entry may hold."""
    content = request.POST.get("content", "")
    if len(content) > MAX_ENTRY_TEXT:
        return _preview_refused(
            request,
            f"This text is {len(content)} characters long, more than the {MAX_ENTRY_TEXT} an "
            "entry can hold, so it is not previewed. Your text is still in the editor.",
            413,
        )
    return HttpResponse(render_markdown(content))


@require_POST
@editor_request("upload", _upload_refused)
def image_upload(request):
    form = ImageUploadForm(files=request.FILES)
    if not form.is_valid():
        return JsonResponse(
            {"error": " ".join(form.errors.get("image", ["No image."]))}, status=400
        )
    path = form.save()
    return JsonResponse({"image_code": f"![]({default_storage.url(path)})"})


def _written_message(entry):
    streak = entry.author.current_streak
    days = "day" if streak == 1 else "days"
    return f"Day {entry.number} is written. Your streak: {streak} {days}."


def _celebrate(request, entry):
    """A message of its own, which the page shows as a celebration, for the milestones the
    save reached (services.entry_save announces each once ever)."""
    if entry.milestones:
        reached = " and ".join(milestone.in_words for milestone in entry.milestones)
        messages.success(request, f"You reached {reached}: well done!", extra_tags="milestone")
