from django.core.management.base import BaseCommand, CommandError

from npshub.csvrows import UnreadableFile
from npshub.people.importing import COLUMNS, import_employees


class Command(BaseCommand):
    help = (
        "Create or update employees from a CSV file (UTF-8, header row). Columns: "
        + ", ".join(COLUMNS)
        + ". Only email is required; roles are comma- or semicolon-separated. Rows are matched "
        "on e-mail, so re-running the same file updates rather than duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--create-missing", action="store_true",
            help="Create departments and teams named in the file that do not exist yet.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")

    def handle(self, file, create_missing, dry_run, **options):
        try:
            report = import_employees(file, create_missing=create_missing, dry_run=dry_run)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        prefix = "[dry run] " if dry_run else ""
        self.stdout.write(
            f"{prefix}created: {report.created}, updated: {report.updated}, rejected: {len(report.rejected)}"
        )
        for line, reason in report.rejected:
            self.stdout.write(f"  line {line}: {reason}")
