"""The acceptance journal: which messages of a batch the SMTP server has accepted, written the
moment each 250 arrives, where a killed worker cannot take it along, until the send log records
those acceptances (in groups, see sending.py). Each entry is the message's Message-ID, which is
deterministic per mailing and send-log row (``<npshub-MAILING-ROW@domain>``).

Where it lives:
- with REDIS_URL (PostgreSQL + Redis, any number of machines): a Redis list per claim, shared by
  every worker and by whoever releases a dead worker's claims;
- without (the embedded set-up, one machine by construction: SQLite and the filesystem broker):
  an append-only file per claim in DIGEST_JOURNAL_DIR (default NPSHUB_VAR_DIR/digest-journal).

Neither is flushed to disk per entry (no fsync, Redis as configured): a killed worker loses
nothing; only a crash of the machine (or of Redis without persistence) can forget the entries of
the last group, and those few messages would then be sent again.
"""

import datetime
import os
import re
from pathlib import Path

from django.conf import settings
from django.utils import timezone


MESSAGE_ID = re.compile(r"<npshub-(\d+)-(\d+)@")
REDIS_KEEP = datetime.timedelta(days=7)  # an abandoned journal (its claim never released) expires


def message_id(mailing_id, row_pk, domain):
    return f"<npshub-{mailing_id}-{row_pk}@{domain}>"


def group_size():
    """Acceptances recorded in the send log per UPDATE (DIGEST_ACCEPT_GROUP, default 100)."""
    return min(900, max(1, int(settings.DIGEST_ACCEPT_GROUP)))


def group_seconds():
    """... or at least this often (DIGEST_ACCEPT_SECONDS, default 1), so progress stays current."""
    return float(settings.DIGEST_ACCEPT_SECONDS)


def directory():
    configured = settings.DIGEST_JOURNAL_DIR
    return Path(configured) if configured else Path(settings.VAR_DIR) / "digest-journal"


class FileJournal:
    """One append-only file per claim; each entry is one small write(2) (atomic, survives a kill)."""

    def __init__(self, claim):
        self.path = directory() / f"{claim}.log"
        self._fd = None

    def accepted(self, message_id):
        if self._fd is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.write(self._fd, message_id.encode("ascii") + b"\n")

    def entries(self):
        try:
            return self.path.read_text("ascii", errors="replace").splitlines()
        except FileNotFoundError:
            return []

    def close(self):
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def discard(self):
        self.close()
        self.path.unlink(missing_ok=True)


_redis = {}


def _client():
    url = settings.REDIS_URL
    if url not in _redis:
        import redis

        _redis[url] = redis.Redis.from_url(url)
    return _redis[url]


class RedisJournal:
    """One Redis list per claim; each entry is one RPUSH whose reply is read before going on."""

    def __init__(self, claim):
        self.key = f"npshub:digest:accepted:{claim}"
        self._started = False

    def accepted(self, message_id):
        if self._started:
            _client().rpush(self.key, message_id)
            return
        pipe = _client().pipeline(transaction=False)
        pipe.rpush(self.key, message_id)
        pipe.expire(self.key, REDIS_KEEP)
        pipe.execute()
        self._started = True

    def entries(self):
        return [entry.decode("ascii", "replace") for entry in _client().lrange(self.key, 0, -1)]

    def close(self):
        pass

    def discard(self):
        _client().delete(self.key)


def for_claim(claim):
    return RedisJournal(claim) if getattr(settings, "REDIS_URL", None) else FileJournal(claim)


def accepted_rows(mailing_id, entries):
    """Send-log row ids of this mailing named by the journal's Message-IDs."""
    rows = set()
    for entry in entries:
        match = MESSAGE_ID.match(entry)
        if match and int(match.group(1)) == mailing_id:
            rows.add(int(match.group(2)))
    return rows


def recover(mailing_id, claims):
    """Dead claims (their workers stopped): what each journal says the server accepted becomes
    ``sent``; returns (recovered count, journals to discard once the caller has committed)."""
    from npshub.digest.models import SendLog

    recovered, journals = 0, []
    for claim in claims:
        journal = for_claim(claim)
        rows = accepted_rows(mailing_id, journal.entries())
        if rows:
            recovered += SendLog.objects.filter(
                mailing_id=mailing_id, claim=claim, status=SendLog.SENDING, pk__in=rows,
            ).update(status=SendLog.SENT, sent_at=timezone.now(), error="",
                     smtp_response="250 accepted (recorded from the acceptance journal after the worker stopped)")
        journals.append(journal)
    return recovered, journals
