from django.core.management.base import BaseCommand, CommandError

from npshub.csvrows import UnreadableFile
from npshub.people.importing import COLUMNS, import_employees


class Command(BaseCommand):
    help = (
        "Create or update employees from a CSV file or an http(s) URL (UTF-8, header row). Columns: "
        + ", ".join(COLUMNS)
        + ". Only email is required; roles are comma- or semicolon-separated. Rows are matched "
        "on e-mail, so re-running the same file updates rather than duplicates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV file, or an http(s) URL that serves one.")
        parser.add_argument(
            "--create-missing", action="store_true",
            help="Create departments and teams named in the file that do not exist yet.",
        )
        parser.add_argument(
            "--deactivate-missing", action="store_true",
            help="The file is the whole staff list: deactivate (never delete) active employees it does not "
                 "list, except superusers, accounts without an e-mail and LOCAL_LOGIN_USERS.",
        )
        parser.add_argument(
            "--auth-env", metavar="VARIABLE",
            help="For a URL: send 'Authorization: <value of this environment variable>'.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing.")

    def handle(self, file, create_missing, deactivate_missing, auth_env, dry_run, **options):
        try:
            report = import_employees(file, create_missing=create_missing, dry_run=dry_run,
                                      deactivate_missing=deactivate_missing, auth_env=auth_env)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc
        prefix = "[dry run] " if dry_run else ""
        summary = f"created: {report.created}, updated: {report.updated}, rejected: {len(report.rejected)}"
        if deactivate_missing:
            summary += f", deactivated: {report.deactivated}"
        self.stdout.write(prefix + summary)
        for line, reason in report.rejected:
            self.stdout.write(f"  line {line}: {reason}")
