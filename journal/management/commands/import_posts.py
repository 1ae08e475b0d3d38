"""`manage.py import_posts PATH... --user USERNAME [--replace] [--dry-run]`: the import
from /settings/import/, with the same checks, from files, folders and ZIP archives.

It exits with status 1, saying why on stderr, when nothing could be imported or anything
could not be (what could is imported all the same); days already written and skipped
without ``--replace`` are no failure."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from journal import services
from journal.models import User
from journal.porting.images import images_stored
from journal.porting.plan import read_files
from journal.porting.posts import MARKDOWN_SUFFIXES


class Command(BaseCommand):
    help = (
        "Import Markdown posts (Jekyll, Hugo, notes, a log.md; files, folders or ZIP archives) "
        "into a person's journal, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--user", required=True, help="Whose journal to import into.")
        parser.add_argument(
            "--replace", action="store_true", help="Replace entries on days already written."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; write nothing."
        )

    def handle(self, *args, paths, user, replace, dry_run, **options):
        try:
            person = User.objects.get(username=user)
        except User.DoesNotExist:
            raise CommandError(f"There is nobody called “{user}”.") from None
        files = _expand([Path(path) for path in paths])
        if not files:
            raise CommandError(
                f"There are no Markdown files (.md) or ZIP archives in {', '.join(paths)}."
            )
        progress = tqdm(_opened(files), total=len(files), unit="file", file=_Unended(self.stderr))
        plan = read_files(progress, user=person).check(person)
        for line in _report(plan):
            self.stdout.write(line)
        refused = len(plan.refused_files) + plan.count("refused")
        items = plan.importable()
        if dry_run:
            self.stdout.write(
                f"Dry run: {plan.count('new')} new, {plan.count('conflict')} on days already "
                f"written, {refused} refused. Nothing was written."
            )
        elif items:
            with images_stored(plan.images, items):
                result = services.journal_import(user=person, items=items, replace=replace)
            self.stdout.write(self.style.SUCCESS(result.summary()))
        # Scripts and cron jobs see a failure in the exit status, which a CommandError sets.
        if not items:
            raise CommandError("Nothing could be imported (see above).")
        if refused:
            rest = "" if dry_run else "; the others were imported"
            raise CommandError(f"{refused} could not be imported (see above){rest}.")


class _Unended:
    """tqdm redraws its bar after a "\\r"; Django's OutputWrapper would end every redraw
    with a newline."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")

    def flush(self):
        self.wrapper.flush()


def _expand(paths):
    """The Markdown files and ZIP archives named, folders searched through."""
    wanted = MARKDOWN_SUFFIXES | {".zip"}
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in wanted
            )
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path} does not exist.")
    return files


def _opened(paths):
    for path in paths:
        with path.open("rb") as fileobj:
            yield str(path), fileobj


def _report(plan):
    for note in plan.notes:
        yield f"note: {note}"
    for report in plan.files:
        if report.error:
            yield f"{report.name}: cannot be read. {report.error}"
        for draft in report.drafts:
            topics = f"; {', '.join(draft.topics)}" if draft.topics else ""
            status = {
                "new": "new",
                "conflict": f"conflict: “{draft.existing_title}” is already on this day",
                "duplicate": f"conflict: same day as {draft.duplicate_of}",
                "refused": f"refused: {draft.problem}",
            }[draft.status]
            yield (
                f"{draft.source}: {draft.day:%Y-%m-%d} “{draft.title}” "
                f"({draft.minutes} min{topics}) {status}"
            )
            for note in draft.notes:
                yield f"    note: {note}"
