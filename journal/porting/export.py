"""A learner's whole journal as one ZIP archive they can keep or take elsewhere.

The archive holds one Markdown file per entry (``YYYY-MM-DD-slug.md``, YAML front matter,
then the body and the reflection under a "## Reflection" heading, which
``posts.split_reflection`` reads back), the uploaded images those entries use under
``images/`` with the links rewritten to them, and ``journal.json`` with everything: the
profile, the entries as stored, the comments other people left on them, the rest days
declared and the challenges taken part in.
"""

import functools
import json
import re
import shutil
import zipfile

import yaml
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.text import slugify

from journal.models import Comment, Entry, Participation, RestPeriod
from journal.porting.posts import REFLECTION_HEADING

FORMAT_VERSION = 1
PROFILE_FIELDS = [
    "username", "email", "display_name", "bio", "learning_focus", "time_zone",
    "daily_goal_minutes", "date_joined", "entry_count", "total_minutes", "longest_streak",
]  # fmt: skip


@functools.cache
def _upload_link(media_url: str) -> re.Pattern[str]:
    """Links to uploaded images, as images.encode_image names them (uploads/YYYY/MM/
    <random>.<ext>) below ``media_url``: /media/, or a bucket's address."""
    return re.compile(re.escape(media_url) + r"(uploads/[\w\-/.]+\.(?:png|jpe?g|webp))")


def export_journal(user, fileobj):
    """Write ``user``'s journal as a ZIP archive into the binary file object ``fileobj``.

    Entries are picked through the one visibility rule, as the author sees them: private
    and hidden entries included, nobody else's. Comments are those the author can see on
    their own entries. Images are copied from storage in chunks, so a large journal costs
    its text in memory, never its images.
    """
    entries = (
        Entry.objects.visible_to(user)
        .filter(author=user)
        .order_by("day")
        .prefetch_related("topics")
    )
    comments = {}
    for comment in (
        Comment.objects.visible_to(user)
        .filter(entry__author=user)
        .select_related("author")
        .order_by("created_at", "id")
    ):
        comments.setdefault(comment.entry_id, []).append(
            {
                "author": comment.author.username,
                "body": comment.body,
                "created_at": comment.created_at.isoformat(),
            }
        )
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        images = _ImageCopier(archive)
        records = []
        for entry in entries:
            name = entry_file_name(entry)
            archive.writestr(
                name,
                entry_markdown(
                    entry,
                    body=images.rewrite(entry.body),
                    reflection=images.rewrite(entry.reflection),
                ),
            )
            records.append(_entry_record(entry, name, comments.get(entry.pk, [])))
        journal = {
            "format": "momentum-journal",
            "version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "profile": {field: getattr(user, field) for field in PROFILE_FIELDS},
            "entries": records,
            "topics": sorted({topic for record in records for topic in record["topics"]}),
            "images": images.copied,
            "rest_days": _rest_days(user),
            "challenges": _challenges(user),
        }
        archive.writestr("journal.json", json.dumps(journal, indent=2, cls=DjangoJSONEncoder))


def _rest_days(user):
    return [
        {
            "weekday": period.get_weekday_display() if period.weekday is not None else None,
            "first_day": period.first_day,
            "last_day": period.last_day,
        }
        for period in RestPeriod.objects.filter(person=user).order_by("first_day", "pk")
    ]


def _challenges(user):
    """The challenges the person is in, as they see them (invite-only ones included), with
    their figures in each."""
    participations = (
        Participation.objects.filter(person=user)
        .select_related("challenge")
        .order_by("joined_at", "pk")
    )
    return [
        {
            "title": participation.challenge.title,
            "address": participation.challenge.get_absolute_url(),
            "joined_at": participation.joined_at,
            "days_counted": participation.days_counted,
            "longest_streak": participation.longest_streak,
            "finished_on": participation.finished_on,
        }
        for participation in participations
    ]


def entry_file_name(entry):
    return f"{entry.day:%Y-%m-%d}-{slugify(entry.title)[:60] or 'entry'}.md"


def entry_markdown(entry, *, body, reflection):
    """One entry as Markdown with YAML front matter; times in the author's time zone."""
    zone = entry.author.zone
    meta = {
        "title": entry.title,
        "date": entry.day,
        "day": entry.number,
        "minutes": entry.minutes,
        "topics": [topic.name for topic in entry.topics.all()],
        "key_lesson": entry.key_lesson,
        "visibility": entry.visibility,
        "created": timezone.localtime(entry.created_at, zone),
        "last_modified": timezone.localtime(entry.updated_at, zone),
    }
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=1000)
    # The heading is written even under an empty reflection: the importer takes what
    # follows the last such heading, so a body may hold one of its own.
    return f"---\n{front}---\n\n{body}\n\n{REFLECTION_HEADING}\n\n{reflection}\n"


def _entry_record(entry, name, comments):
    return {
        "file": name,
        "day": entry.day.isoformat(),
        "number": entry.number,
        "title": entry.title,
        "minutes": entry.minutes,
        "topics": [topic.name for topic in entry.topics.all()],
        "body": entry.body,
        "key_lesson": entry.key_lesson,
        "reflection": entry.reflection,
        "visibility": entry.visibility,
        "moderation_state": entry.moderation_state,
        "moderation_reason": entry.moderation_reason,
        "cheer_count": entry.cheer_count,
        "created_at": entry.created_at.isoformat(),
        "updated_at": entry.updated_at.isoformat(),
        "comments": comments,
    }


class _ImageCopier:
    """Copies each uploaded image an entry links to into ``images/`` once, and rewrites
    the links to point there. A link to a missing file is left as it was."""

    def __init__(self, archive):
        self.archive = archive
        self.copied = {}  # name in the archive: the link it replaces

    def rewrite(self, text):
        return _upload_link(settings.MEDIA_URL).sub(self._replace, text)

    def _replace(self, match):
        path = match.group(1)
        target = "images/" + path.removeprefix("uploads/")
        if ".." in path.split("/"):
            return match.group(0)
        if target not in self.copied:
            try:
                with default_storage.open(path) as source, self.archive.open(target, "w") as sink:
                    shutil.copyfileobj(source, sink)
            except OSError:
                return match.group(0)
            self.copied[target] = match.group(0)
        return target
