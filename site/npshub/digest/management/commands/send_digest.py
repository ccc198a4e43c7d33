import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from npshub.digest import sending, tasks
from npshub.digest.models import SendLog


class Command(BaseCommand):
    help = (
        "Send a digest issue (id or slug; default: the latest published) to its audience, skipping "
        "everyone who already received it, and wait until every recipient is handled. Prints "
        "sent / skipped / failed. Safe to re-run: nobody gets an issue twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", nargs="?", help="Digest issue id or slug.")
        parser.add_argument("--timeout", type=int, default=None,
                            help="Seconds to wait for the workers (default DIGEST_WAIT_TIMEOUT).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the recipients.")

    def handle(self, issue=None, timeout=None, dry_run=False, **options):
        from npshub.digest.mailing import audience
        from npshub.pages.models import DigestPage

        from wagtail.models import Locale

        issues = DigestPage.objects.live().filter(locale=Locale.get_default())  # an issue, not each translation
        if issue:
            found = issues.filter(pk=int(issue)) if issue.isdigit() else issues.filter(slug=issue)
            page = found.first()
            if page is None:
                raise CommandError(f"No published digest issue {issue!r}.")
        else:
            page = issues.order_by("-month", "-first_published_at").first()
            if page is None:
                raise CommandError("No published digest issue.")
        if dry_run:
            self.stdout.write(f"{page.title}: {audience(page).count()} recipients")
            return
        started = timezone.now()
        mailing = tasks.start_digest(page)
        already = SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count()
        self.stdout.write(f"Sending “{page.title}” ({SendLog.objects.filter(mailing=mailing).count()} in the audience)")
        tasks.enqueue(mailing)
        deadline = time.monotonic() + (timeout or settings.DIGEST_WAIT_TIMEOUT)
        last_resume = time.monotonic()
        while sending.outstanding(mailing).exists():
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Gave up waiting: {sending.outstanding(mailing).count()} recipients not handled yet "
                    "(are the Celery workers running?). Re-run to continue; nobody gets it twice.")
            time.sleep(0.2)
            if time.monotonic() - last_resume > 5:  # retries that fell due, claims of dead workers
                tasks.enqueue(mailing)
                last_resume = time.monotonic()
        sending.finish_if_done(mailing.pk)
        counts = sending.totals(mailing)
        sent_now = SendLog.objects.filter(mailing=mailing, status=SendLog.SENT, sent_at__gte=started).count()
        skipped = already + counts.get(SendLog.OPTED_OUT, 0)
        self.stdout.write(self.style.SUCCESS(
            f"sent {sent_now} / skipped {skipped} / failed {counts.get(SendLog.FAILED, 0)}"))
