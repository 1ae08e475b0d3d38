"""`manage.py export_journal USERNAME OUTPUT.zip`: the export from /settings/, to a file."""

from django.core.management.base import BaseCommand, CommandError

from journal.models import User
from journal.porting.export import export_journal


class Command(BaseCommand):
    help = "Write a person's journal as a ZIP archive, as “Export my journal” does."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("output", help="Where to write the ZIP archive.")

    def handle(self, *args, username, output, **options):
        try:
            person = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"There is nobody called “{username}”.") from None
        try:
            with open(output, "wb") as archive:
                export_journal(person, archive)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        self.stdout.write(
            self.style.SUCCESS(f"Exported {person.entry_count} entries of {username} to {output}.")
        )
