import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from npshub.digest import sending, tasks
from npshub.digest.models import SendLog


def handled_of(counts):
    """Recipients done with (sent, failed for good, unsubscribed) in ``sending.totals``' counts."""
    return sum(counts.get(status, 0) for status in SendLog.TERMINAL)


class Command(BaseCommand):
    help = (
        "Send a digest issue (id or slug; default: the latest published) to its audience, skipping "
        "everyone who already received it, and wait until every recipient is handled. Prints "
        "sent / skipped / failed, with a progress line every --progress-every recipients (and at least "
        "every --heartbeat seconds while waiting). Safe to re-run: nobody gets an issue twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("issue", nargs="?", help="Digest issue id or slug.")
        parser.add_argument("--timeout", type=int, default=None,
                            help="Seconds to wait for the workers (default DIGEST_WAIT_TIMEOUT).")
        parser.add_argument("--dry-run", action="store_true", help="Only count the recipients.")
        parser.add_argument("--progress-every", type=int, default=100,
                            help="A progress line each time this many more recipients are handled (default 100).")
        parser.add_argument("--heartbeat", type=int, default=30,
                            help="Seconds without a progress line before one is printed anyway (default 30).")

    def say(self, text, style=None):
        if self.verbosity:
            self.stdout.write(style(text) if style else text)

    def handle(self, issue=None, timeout=None, dry_run=False, progress_every=100, heartbeat=30, **options):
        self.verbosity = options.get("verbosity", 1)
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
            self.say(f"{page.title}: {audience(page).count()} recipients")
            return
        started = timezone.now()
        mailing = tasks.start_digest(page)
        already = SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count()
        self.say(f"Sending “{page.title}” ({SendLog.objects.filter(mailing=mailing).count()} in the audience)")
        reported = handled_of(sending.totals(mailing))  # what was done before this run is not progress
        tasks.enqueue(mailing)
        deadline = time.monotonic() + (timeout or settings.DIGEST_WAIT_TIMEOUT)
        last_resume = last_line = time.monotonic()
        while True:
            counts = sending.totals(mailing)
            handled = handled_of(counts)
            left = sum(counts.values()) - handled
            if not left:
                break
            if handled - reported >= max(progress_every, 1) or time.monotonic() - last_line >= heartbeat:
                self.say(self.progress_line(counts, already, started, mailing))
                reported, last_line = handled, time.monotonic()
            if time.monotonic() > deadline:
                raise CommandError(
                    f"Gave up waiting: {left} recipients not handled yet "
                    "(are the Celery workers running?). Re-run to continue; nobody gets it twice.")
            self.wait()
            if time.monotonic() - last_resume > 5:  # retries that fell due, claims of dead workers
                tasks.enqueue(mailing)
                last_resume = time.monotonic()
        sending.finish_if_done(mailing.pk)
        counts = sending.totals(mailing)
        sent_now = SendLog.objects.filter(mailing=mailing, status=SendLog.SENT, sent_at__gte=started).count()
        skipped = already + counts.get(SendLog.OPTED_OUT, 0)
        self.say(f"sent {sent_now} / skipped {skipped} / failed {counts.get(SendLog.FAILED, 0)}", self.style.SUCCESS)

    def wait(self):
        time.sleep(0.2)

    @staticmethod
    def progress_line(counts, already, started, mailing):
        """``  120/500 handled: 110 sent, 5 skipped, 5 failed[, 3 waiting to retry]`` (not the summary's
        "sent N / skipped N / failed N" shape, which scripts look for)."""
        total, handled = sum(counts.values()), handled_of(counts)
        sent_now = SendLog.objects.filter(mailing=mailing, status=SendLog.SENT, sent_at__gte=started).count()
        line = (f"  {handled}/{total} handled: {sent_now} sent, {already + counts.get(SendLog.OPTED_OUT, 0)} skipped, "
                f"{counts.get(SendLog.FAILED, 0)} failed")
        if counts.get(SendLog.RETRY):
            line += f", {counts[SendLog.RETRY]} waiting to retry"
        return line
