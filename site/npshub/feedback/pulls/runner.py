"""One run of one pull: under a lock (a conditional UPDATE, so that a slow pull is never run twice
at once, by any number of workers), through the one ingestion service, recorded as a PullRun.
After a failure the next try waits PULL_RETRY_BACKOFF seconds, doubled per failure in a row (at
most the pull's interval); after PULL_ALERT_AFTER failures in a row CX admins are told once."""

import datetime
import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from npshub.feedback.ingest import Ingestor
from npshub.feedback.records import lookup, map_record
from npshub.feedback.models import PullRun, SourcePull
from npshub.feedback.pulls import alerts
from npshub.feedback.pulls.readers import READERS
from npshub.http import FetchError

logger = logging.getLogger("npshub.pulls")
MAX_REJECTIONS_KEPT = 100


def _key(value):
    """A sort key that orders numbers as numbers and ISO dates as moments, else as text."""
    if isinstance(value, bool):
        return (2, str(value))
    if isinstance(value, (int, float)):
        return (0, float(value))
    if isinstance(value, datetime.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)
        return (1, moment.timestamp())
    text = str(value).strip()
    try:
        return (0, float(text))
    except ValueError:
        pass
    try:
        return _key(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return (2, text)


def _newer(a, b):
    """Whether key ``a`` comes after key ``b`` (keys of different kinds compare as text)."""
    return a > b if a[0] == b[0] else str(a[1]) > str(b[1])


class Cursor:
    """The newest value of the cursor field seen so far; never moves backwards."""

    def __init__(self, start):
        self.start = start or ""
        self.best = (_key(self.start), self.start) if self.start else None

    def see(self, value):
        if value is None or value == "" or isinstance(value, (dict, list)):
            return
        text = value.isoformat() if isinstance(value, datetime.datetime) else str(value)
        key = _key(value)
        if self.best is None or _newer(key, self.best[0]):
            self.best = (key, text[:255])

    @property
    def value(self):
        return self.best[1] if self.best else ""


def due(now=None):
    """Active pulls of active sources whose next run has come and that are not running."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.PULL_LOCK_TIMEOUT)
    return SourcePull.objects.filter(active=True, source__active=True).filter(
        Q(next_run_at__isnull=True) | Q(next_run_at__lte=now)).filter(
        Q(running_since__isnull=True) | Q(running_since__lt=stale))


def _lock(pull_id, now):
    token = uuid.uuid4().hex
    stale = now - timedelta(seconds=settings.PULL_LOCK_TIMEOUT)
    won = SourcePull.objects.filter(pk=pull_id).filter(
        Q(running_since__isnull=True) | Q(running_since__lt=stale)).update(running_since=now, lock_token=token)
    return token if won else None


def backoff(pull, failures):
    seconds = settings.PULL_RETRY_BACKOFF * 2 ** max(failures - 1, 0)
    return timedelta(seconds=min(seconds, pull.every_minutes * 60))


def run(pull_id, trigger="schedule"):
    """Run the pull now; returns its PullRun, or None when another run holds the lock."""
    now = timezone.now()
    token = _lock(pull_id, now)
    if token is None:
        return None
    pull = SourcePull.objects.select_related("source").get(pk=pull_id)
    # Holding the lock, any run still marked running was a worker's that died (its lock expired).
    PullRun.objects.filter(pull=pull, status=PullRun.Status.RUNNING).update(
        status=PullRun.Status.FAILED, finished_at=now, error="interrupted: the process running it stopped")
    record = PullRun.objects.create(pull=pull, trigger=trigger, started_at=now, cursor_before=pull.cursor)
    cursor = Cursor(pull.cursor)
    ingestor = Ingestor(pull.source, via="pull")
    mapping = pull.source.field_mapping or {}
    try:
        for position, item, error in READERS[pull.kind](pull, pull.cursor, record):
            if error:
                ingestor.received += 1
                ingestor.reject(position, error)
                continue
            mapped = map_record(item, mapping) if pull.kind != "csv" else item
            if pull.cursor_field:
                value = lookup(mapped, pull.cursor_field) if isinstance(mapped, dict) else None
                cursor.see(value if value is not None else lookup(item, pull.cursor_field))
            ingestor.add(position, mapped)
        ingestor.finish()
        record.status = PullRun.Status.OK
    except FetchError as exc:
        ingestor.finish()  # what was read before the failure is stored (idempotently)
        record.status, record.error = PullRun.Status.FAILED, str(exc)[:5000]
    except Exception as exc:  # noqa: BLE001 (a run must be recorded and its lock released, whatever failed)
        logger.exception("Pull of %s failed", pull.source.slug)
        record.status, record.error = PullRun.Status.FAILED, f"{type(exc).__name__}: {exc}"[:5000]
    finally:
        _finish(pull, record, ingestor.report, cursor, token)
    return record


def _finish(pull, record, report, cursor, token):
    now = timezone.now()
    ok = record.status == PullRun.Status.OK
    record.finished_at = now
    record.created, record.duplicates, record.updated = report.created, report.duplicates, report.updated
    record.rejected = len(report.rejected)
    record.rejections = [{"at": str(at), "reason": reason} for at, reason in report.rejected[:MAX_REJECTIONS_KEPT]]
    record.cursor_after = cursor.value if ok else pull.cursor
    if record.status == PullRun.Status.RUNNING:
        record.status = PullRun.Status.FAILED
    record.save()
    failures = 0 if ok else pull.consecutive_failures + 1
    next_run = now + (timedelta(minutes=pull.every_minutes) if ok else backoff(pull, failures))
    state = {"running_since": None, "lock_token": "", "next_run_at": next_run}
    if ok:
        state.update(consecutive_failures=0, cursor=record.cursor_after)
    else:
        state.update(consecutive_failures=F("consecutive_failures") + 1)
    SourcePull.objects.filter(pk=pull.pk, lock_token=token).update(**state)
    if not ok:
        logger.warning("Pull of %s failed (%s in a row): %s", pull.source.slug, failures, record.error)
        if failures == settings.PULL_ALERT_AFTER:
            alerts.failing(pull, record, failures)
