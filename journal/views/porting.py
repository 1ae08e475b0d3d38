"""Own your journal: export it as a ZIP, import Markdown written elsewhere.

Import has two steps. The upload is read and checked at once (journal/porting/) and the
resulting plan, not the files, is kept in the person's session (the archives' images,
checked and re-encoded, in the cache beside it for as long as a preview lasts); the preview
shows it file by file, and only its POST, carrying the plan's token, writes, in one
transaction, and stores the images its entries link to.
"""

import secrets
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from journal import services
from journal.access import participant_required
from journal.forms import ImportForm
from journal.porting import preview
from journal.porting.export import export_journal
from journal.porting.images import images_stored
from journal.porting.plan import Plan, read_files
from journal.ratelimit import rate_limited

SESSION_KEY = "journal_import"


@login_required
@require_POST
def export(request):
    """My journal as a ZIP; open to suspended people too, as taking one's data always is."""
    person = request.user
    # Built in a temporary file that the response streams and then closes.
    archive = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it once sent
    export_journal(person, archive)
    archive.seek(0)
    return FileResponse(
        archive,
        as_attachment=True,
        filename=f"momentum-{person.username}-{person.local_today():%Y-%m-%d}.zip",
        content_type="application/zip",
    )


@participant_required
@rate_limited("upload")
def import_upload(request):
    # Bound on every POST: an empty one is an error to show, not a blank form.
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        plan = read_files(
            ((upload.name, upload) for upload in form.cleaned_data["files"]), user=request.user
        )
        token = secrets.token_urlsafe(16)
        if previous := request.session.get(SESSION_KEY):
            preview.forget_images(previous["token"])
        if plan.images:
            preview.keep_images(token, plan.images)
        request.session[SESSION_KEY] = {
            "token": token,
            "plan": plan.to_dict(),
            "images": bool(plan.images),
        }
        return redirect("journal:import_preview")
    return render(
        request, "journal/import.html", {"form": form}, status=400 if form.errors else 200
    )


@participant_required
@rate_limited("entry")
def import_preview(request):
    """What the import would do; its POST does it, or forgets it ("cancel")."""
    stored = request.session.get(SESSION_KEY)
    if stored is None:
        messages.info(request, "Choose the files to import first.")
        return redirect("journal:import_upload")
    # Checked on every view, so that entries written since the upload show as conflicts.
    plan = Plan.from_dict(stored["plan"]).check(request.user)
    if request.method == "POST":
        if "cancel" in request.POST:
            del request.session[SESSION_KEY]
            preview.forget_images(stored["token"])
            messages.info(request, "Nothing was imported.")
            return redirect("journal:settings")
        if request.POST.get("token") != stored["token"]:
            messages.error(request, "That preview was replaced by a newer one; check this one.")
            return redirect("journal:import_preview")
        images = preview.kept_images(stored["token"]) if stored.get("images") else {}
        if images is None:
            del request.session[SESSION_KEY]
            messages.error(request, "That preview is too old to import; choose the files again.")
            return redirect("journal:import_upload")
        items = plan.importable()
        with images_stored(images, items):
            result = services.journal_import(
                user=request.user, items=items, replace="replace" in request.POST
            )
        del request.session[SESSION_KEY]
        preview.forget_images(stored["token"])
        messages.success(request, result.summary())
        return redirect("journal:journey", username=request.user.username)
    return render(
        request,
        "journal/import_preview.html",
        {
            "plan": plan,
            "token": stored["token"],
            "new_count": plan.count("new"),
            "conflict_count": plan.count("conflict"),
        },
    )
