"""Writing endpoints, for a read-write token: today's or yesterday's entry, an image,
cheers, comments, joining and leaving challenges.

They share the reading endpoints' router, whose addresses they share. Each goes through the form and the service the page uses (journal/forms.py,
journal/services/), so the rules and the messages are the same, and counts against the
same rate limit as the page (journal/ratelimit.py: by the person, whichever door they
came through).
"""

import datetime as dt

from django.core.files.storage import default_storage
from ninja import File, Status
from ninja.files import UploadedFile

from journal import ratelimit, services
from journal.api import schemas
from journal.api.auth import UPLOAD, WRITE
from journal.api.errors import ApiError
from journal.api.reading import challenge_for, entry_for, router
from journal.forms import CommentForm, EntryForm, ImageUploadForm
from journal.models import Cheer, Entry, attach_topics

# The API's names of the entry form's fields, where they differ.
ENTRY_FIELDS = {"topics": "topic_names"}


def _limit(scope, request):
    if not ratelimit.hit(scope, request):
        seconds = ratelimit.retry_after(scope)
        raise ApiError(
            429,
            f"Too many requests in a short time: try again in {seconds} seconds.",
            headers={"Retry-After": str(seconds)},
        )


def _refuse_form(form):
    """422 with the form's own messages, each under the API's name of its field."""
    names = {form_name: api_name for api_name, form_name in ENTRY_FIELDS.items()}
    fields = {
        names.get(field, field if field != "__all__" else "body"): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }
    raise ApiError(422, "Some fields are not valid.", fields=fields)


@router.post(
    "entries/",
    response={200: schemas.WrittenEntry, 201: schemas.WrittenEntry},
    url_name="entries",
    auth=WRITE,
    tags=["writing"],
)
def entry_write(request, payload: schemas.EntryIn):
    """Write today's entry (or yesterday's, until today ends), or change the one already
    written for that day: fields left out keep their value. 201 when it is new."""
    _limit("entry", request)
    author = request.user
    today = author.local_today()
    day = {"today": today, "yesterday": today - dt.timedelta(days=1)}.get(payload.day, payload.day)
    given = payload.dict(exclude_unset=True, exclude={"day"})
    if "topics" in given:
        given["topics"] = ", ".join(given["topics"] or [])
    data = {ENTRY_FIELDS.get(name, name): value for name, value in given.items()}
    entry = Entry.objects.filter(author=author, day=day).first()
    if entry is None:
        form = EntryForm({"visibility": "public", **data, "day": day}, author=author)
    else:
        current = {
            "title": entry.title,
            "minutes": entry.minutes,
            "body": entry.body,
            "key_lesson": entry.key_lesson,
            "reflection": entry.reflection,
            "visibility": entry.visibility,
            "topic_names": ", ".join(topic.name for topic in entry.topics.all()),
        }
        form = EntryForm({**current, **data}, instance=entry, author=author)
    if not form.is_valid():
        _refuse_form(form)
    try:
        written = services.entry_save(entry=form.save(commit=False), topic_names=form.topic_list())
    except services.DayTaken as taken:
        raise ApiError(
            409, "This day's entry was written meanwhile: send it again to change it."
        ) from taken
    attach_topics([written])
    return Status(201 if entry is None else 200, written)


@router.post(
    "uploads/", response={201: schemas.Upload}, auth=UPLOAD, url_name="uploads", tags=["writing"]
)
def upload(request, image: File[UploadedFile]):
    """An image for an entry (PNG, JPEG or WebP, 5 MB at most), re-encoded; returns its
    address and the Markdown that shows it."""
    _limit("upload", request)
    form = ImageUploadForm(files={"image": image})
    if not form.is_valid():
        raise ApiError(
            422, "This image cannot be used.", fields={"image": form.errors.get("image", [])}
        )
    url = request.build_absolute_uri(default_storage.url(form.save()))
    return Status(201, {"url": url, "markdown": f"![]({url})"})


@router.post(
    "entries/{int:entry_id}/cheer/",
    response=schemas.CheerOut,
    url_name="cheer",
    auth=WRITE,
    tags=["writing"],
)
def cheer(request, entry_id: int, payload: schemas.CheerIn | None = None):
    """Cheer an entry (``{"cheered": false}`` takes the cheer back); one's own entries
    take no cheers."""
    _limit("cheer", request)
    wanted = payload.cheered if payload else True
    entry = entry_for(
        request, entry_id, Entry.objects.visible_to(request.user).exclude(author=request.user)
    )
    cheered = Cheer.objects.filter(user=request.user, entry=entry).exists()
    if cheered != wanted:
        cheered, _ = services.cheer_toggle(user=request.user, entry=entry)
    else:
        entry.refresh_from_db(fields=["cheer_count"])
    return {"cheered": cheered, "count": entry.cheer_count}


@router.post(
    "entries/{int:entry_id}/comments/",
    response={201: schemas.Comment},
    url_name="comments",
    auth=WRITE,
    tags=["writing"],
)
def comment(request, entry_id: int, payload: schemas.CommentIn):
    """Comment on an entry, in Markdown."""
    _limit("comment", request)
    entry = entry_for(request, entry_id)
    form = CommentForm({"body": payload.body})
    if not form.is_valid():
        _refuse_form(form)
    return Status(
        201,
        services.comment_create(author=request.user, entry=entry, body=form.cleaned_data["body"]),
    )


@router.post(
    "challenges/{slug}/join/",
    response=schemas.Membership,
    url_name="join",
    auth=WRITE,
    tags=["writing"],
)
def join(request, slug: str, payload: schemas.JoinIn | None = None):
    """Join a challenge (an invite-only one with its ``invite``); joining twice changes
    nothing. 409 when it is over, or when the person is in as many challenges not yet
    over as anyone may be."""
    _limit("challenge", request)
    payload = payload or schemas.JoinIn()
    challenge = challenge_for(request, slug, payload.invite)
    try:
        services.challenge_join(person=request.user, challenge=challenge, on_board=payload.on_board)
    except (services.ChallengeLocked, services.TooManyChallenges) as refusal:
        raise ApiError(409, str(refusal)) from refusal
    return _membership(challenge, joined=True)


@router.post(
    "challenges/{slug}/leave/",
    response=schemas.Membership,
    url_name="leave",
    auth=WRITE,
    tags=["writing"],
)
def leave(request, slug: str):
    """Leave a challenge, with one's figures in it."""
    _limit("challenge", request)
    challenge = challenge_for(request, slug)
    services.challenge_leave(person=request.user, challenge=challenge)
    return _membership(challenge, joined=False)


def _membership(challenge, *, joined):
    return {
        "challenge": challenge.slug,
        "joined": joined,
        "participant_count": challenge.participant_count,
    }
