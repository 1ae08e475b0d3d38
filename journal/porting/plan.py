"""What an import would do, file by file (``Plan``), read from uploaded files and archives
by ``read_files`` and checked against the learner's journal by ``Plan.check``."""

import json
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.utils import timezone

from journal.markdown import MAX_ENTRY_TEXT
from journal.models import Entry
from journal.porting import limits
from journal.porting.archives import read_archive
from journal.porting.posts import MARKDOWN_SUFFIXES, FileReport, read_capped, read_markdown


@dataclass
class Plan:
    """Everything an import would do, file by file; JSON-safe through to_dict/from_dict,
    which leave out ``images``: the archives' images, re-encoded and not yet stored, by
    the storage name their drafts link to."""

    files: list[FileReport] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def drafts(self):
        return [draft for report in self.files for draft in report.drafts]

    def check(self, user):
        """Mark drafts that cannot be imported (see ``_problem``), drafts for a day another
        draft already claims, and drafts for a day on which ``user`` already has an entry."""
        drafts = self.drafts()
        today = user.local_today()
        now = timezone.now()
        existing = dict(
            Entry.objects.filter(author=user, day__in={d.day for d in drafts}).values_list(
                "day", "title"
            )
        )
        claimed = {}
        for draft in drafts:
            draft.duplicate_of = draft.existing_title = ""
            if draft.problem:
                continue
            if problem := _problem(draft, today, now):
                draft.problem = problem
            elif draft.day in claimed:
                draft.duplicate_of = claimed[draft.day].source
            else:
                claimed[draft.day] = draft
                draft.existing_title = existing.get(draft.day, "")
        return self

    def too_large(self):
        """Why this plan is too large to keep until the learner confirms it, or ""."""
        if len(self.drafts()) > limits.MAX_DRAFTS:
            return (
                f"These files hold more than {limits.MAX_DRAFTS} entries; "
                "import them in smaller batches."
            )
        if len(json.dumps(self.to_dict())) > limits.MAX_PLAN_BYTES:
            return (
                "Together these files hold more than "
                f"{limits.megabytes(limits.MAX_PLAN_BYTES)} of entries; "
                "import them in smaller batches."
            )
        return ""

    def importable(self):
        """Drafts that can be written: conflicts with existing entries included, as the
        learner may choose to replace them."""
        return [draft for draft in self.drafts() if draft.status in ("new", "conflict")]

    def count(self, status):
        return sum(draft.status == status for draft in self.drafts())

    @property
    def refused_files(self):
        return [report for report in self.files if report.error]

    def to_dict(self):
        return {"files": [report.to_dict() for report in self.files], "notes": self.notes}

    @classmethod
    def from_dict(cls, data):
        return cls(files=[FileReport.from_dict(r) for r in data["files"]], notes=data["notes"])


def _problem(draft, today, now):
    """Why ``draft`` cannot be imported whatever the learner chooses, or ""."""
    if draft.day > today:
        return "It is dated in the future; only past days can be imported."
    if draft.day < limits.EARLIEST_DAY:
        return f"It is dated before {limits.EARLIEST_DAY:%-d %B %Y}, too long ago to be a real day."
    # A creation time in the future would keep the entry at the top of every feed.
    if draft.created_at > now or draft.updated_at > now:
        return "Its creation or update time is in the future; only past times can be imported."
    for label, text in (("text", draft.body), ("reflection", draft.reflection)):
        if len(text) > MAX_ENTRY_TEXT:
            return (
                f"Its {label} is {len(text):,} characters long, more than the {MAX_ENTRY_TEXT:,} "
                "an entry may hold; split it into several days."
            )
    return ""


def read_files(named_files, *, user):
    """Read ``named_files``, pairs of (name, binary file object): Markdown files and ZIP
    archives of them. Returns the unchecked Plan; nothing is written.

    A plan too large to keep (``Plan.too_large``) is returned without any of its entries
    or images, the reason as its one note."""
    plan = Plan()
    budget = limits.Budget()
    for name, fileobj in named_files:
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            read_archive(plan, name, fileobj, budget, user)
        elif suffix in MARKDOWN_SUFFIXES:
            try:
                plan.files.append(
                    read_markdown(name, lambda f=fileobj: read_capped(f), budget, user)
                )
            except limits.OverBudget as error:
                plan.files.append(FileReport(name, error=str(error)))
        else:
            plan.files.append(
                FileReport(name, error="Only Markdown files (.md) and ZIP archives are imported.")
            )
    if reason := plan.too_large():
        return Plan(notes=[reason])
    return plan
