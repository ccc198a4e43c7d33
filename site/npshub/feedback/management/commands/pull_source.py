from django.core.management.base import BaseCommand, CommandError

from npshub.feedback.models import SourcePull
from npshub.feedback.pulls import runner


class Command(BaseCommand):
    help = ("Run a source's pull now (whatever its schedule) and print the run's figures: created / duplicates / "
            "updated / rejected, the cursor and the error. Exits non-zero when the run failed or another run "
            "of the same pull is going on.")

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The source's slug.")

    def handle(self, slug, **options):
        pull = SourcePull.objects.filter(source__slug=slug).first()
        if pull is None:
            raise CommandError(f"The source {slug!r} has no pull (set one up in the admin or the API).")
        record = runner.run(pull.pk, trigger="command")
        if record is None:
            raise CommandError(f"A pull of {slug!r} is running already; try again when it has finished.")
        self.stdout.write(
            f"created: {record.created}, duplicates: {record.duplicates}, updated: {record.updated}, "
            f"rejected: {record.rejected}")
        for rejection in record.rejections[:20]:
            self.stdout.write(f"  {rejection['at']}: {rejection['reason']}")
        if record.rejected > 20:
            self.stdout.write(f"  ... and {record.rejected - 20} more")
        self.stdout.write(f"cursor: {record.cursor_after or '-'}  requests: {record.requests}")
        if record.status != record.Status.OK:
            raise CommandError(f"the pull failed: {record.error}")
