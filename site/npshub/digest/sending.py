"""Sending one batch of a mailing over one SMTP connection, exactly once per recipient.

1. claim: the batch's due rows go ``pending/retry -> sending`` in one conditional UPDATE tagged with
   a fresh claim token; only rows this worker tagged are sent by it.
2. send: each message over the batch's single connection (pre-built bytes, pipelined when the
   server offers it; transport.py), one after the other without waiting on the database.
3. journal: the moment the server accepts a message (250 after the data) its Message-ID is
   appended to the claim's acceptance journal (journal.py: a file, or a Redis list with REDIS_URL),
   which outlives the worker process.
4. record: accepted rows become ``sent`` in groups, one UPDATE per DIGEST_ACCEPT_GROUP messages
   (default 100) or per DIGEST_ACCEPT_SECONDS (default 1), and at the end of the batch; then the
   journal is discarded. A permanent refusal (5xx) is ``failed`` (a bounce) and a temporary one
   (4xx, lost connection) ``retry`` with back-off, each recorded at once.

The guarantee. A worker killed mid-batch leaves its claimed rows in ``sending``, some of them
possibly accepted but not yet recorded. ``release_stale_claims`` (after DIGEST_SENDING_TIMEOUT)
first reads the dead claim's journal and records every row it names as ``sent``; only the rest,
which the server never accepted, go back to pending and are sent by a re-run. So a killed worker
never causes a second message to anyone, with two stated exceptions: a kill in the instant between
the server's 250 and the journal append (microseconds: that one message goes again, as it did
when each acceptance was its own UPDATE), and the loss of the journal itself (a crash of the
machine, or of Redis without persistence, before the group was recorded). Each message keeps its
deterministic Message-ID, so a mailbox that drops duplicates by Message-ID drops such a resend.
Nothing is lost: a row is only ever released when no journal names it.
"""

import datetime
import logging
import secrets
import time
from email.utils import parseaddr

from django.conf import settings
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone

from npshub.digest import journal as journal_lib
from npshub.digest import mailing as mailing_lib
from npshub.digest import transport
from npshub.digest.mime import MessageTemplate, address
from npshub.digest.models import OPTIONAL_TYPES, EmailPreference, Mailing, SendLog
from npshub.digest.personal import load_users, recipient_values
from npshub.digest.tracking import sign

logger = logging.getLogger("npshub.digest")


def claim(mailing_id, first_pk, last_pk):
    token = secrets.token_hex(16)
    now = timezone.now()
    SendLog.objects.filter(mailing_id=mailing_id, pk__gte=first_pk, pk__lte=last_pk).filter(
        Q(status=SendLog.PENDING) | Q(status=SendLog.RETRY, next_attempt_at__lte=now)
    ).update(status=SendLog.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    return token


def _backoff(attempts):
    return datetime.timedelta(seconds=settings.DIGEST_RETRY_BACKOFF * 2 ** max(0, attempts - 1))


def send_range(mailing_id, first_pk, last_pk):
    """Send the due rows of a mailing with first_pk <= pk <= last_pk. Returns counts."""
    mailing = Mailing.objects.get(pk=mailing_id)
    token = claim(mailing_id, first_pk, last_pk)
    rows = list(SendLog.objects.filter(claim=token, status=SendLog.SENDING).order_by("pk")
                .values_list("pk", "recipient_id", "email", "language", "attempts"))
    counts = {"sent": 0, "failed": 0, "retry": 0, "opted_out": 0}
    if not rows:
        return counts
    if mailing.kind in OPTIONAL_TYPES:
        out = set(EmailPreference.objects.filter(user_id__in=[r[1] for r in rows], **{mailing.kind: False})
                  .values_list("user_id", flat=True))
        if out:
            SendLog.objects.filter(claim=token, recipient_id__in=out).update(status=SendLog.OPTED_OUT)
            counts["opted_out"] = len(out)
            rows = [r for r in rows if r[1] not in out]
    source = mailing_lib.source_of(mailing)
    rendered = mailing_lib.ensure_rendered(mailing, source, sorted({r[3] for r in rows}))
    templates = {
        language: MessageTemplate(r.subject, r.html, r.text, settings.DEFAULT_FROM_EMAIL)
        for language, r in rendered.items()
    }
    users = {u.pk: u for u in load_users([r[1] for r in rows])}
    values = {}
    for language in {r[3] for r in rows}:
        values.update(recipient_values(
            mailing, source, [users[r[1]] for r in rows if r[3] == language and r[1] in users], language))
    envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "nps-hub@localhost"
    domain = envelope_from.rpartition("@")[2] or "npshub.local"
    sender = transport.get_transport()
    try:
        sender.open()
    except transport.TransientFailure as exc:
        _retry(token, [r[0] for r in rows], str(exc), counts)
        return counts
    accepted = Acceptances(token)
    unsubscribe = mailing.kind in OPTIONAL_TYPES
    try:
        for index, (pk, user_id, email, language, attempts) in enumerate(rows):
            user = users.get(user_id)
            if user is None:
                SendLog.objects.filter(pk=pk, claim=token).update(status=SendLog.FAILED, error="recipient deleted")
                counts["failed"] += 1
                continue
            personal = values[user_id]
            personal["TOKEN"] = sign("log", pk)
            template = templates.get(language) or templates["en"]
            message_id = journal_lib.message_id(mailing.pk, pk, domain)
            data = template.build(
                address(user.get_full_name(), email), personal,
                headers=mailing_lib.unsubscribe_headers(mailing, personal["UTOKEN"]) if unsubscribe else None,
                message_id=message_id,
            )
            try:
                if getattr(sender, "usable", True) is False:
                    sender.open()
                response = sender.send(envelope_from, email, data)
            except transport.PermanentFailure as exc:
                SendLog.objects.filter(pk=pk, claim=token).update(status=SendLog.FAILED, error=str(exc))
                counts["failed"] += 1
                logger.warning("Digest %s to %s bounced: %s", mailing.key, email, exc)
                continue
            except transport.TransientFailure as exc:
                _retry(token, [pk], str(exc), counts, attempts)
                if getattr(sender, "usable", True) is False:
                    try:
                        sender.open()
                    except transport.TransientFailure:
                        _retry(token, [r[0] for r in rows[index + 1:]], str(exc), counts)
                        break
                continue
            accepted.add(pk, message_id, response)  # in the journal now; in the send log with its group
            counts["sent"] += 1
    finally:
        sender.close()
        accepted.flush()  # if this fails, the journal stays for release_stale_claims to read
        accepted.journal.discard()
    return counts


class Acceptances:
    """Accepted messages of one claim: journalled one by one, recorded in the send log in groups."""

    def __init__(self, token):
        self.token = token
        self.journal = journal_lib.for_claim(token)
        self.size, self.seconds = journal_lib.group_size(), journal_lib.group_seconds()
        self.pending, self.response = [], ""
        self.flushed_at = time.monotonic()
        table = connection.ops.quote_name(SendLog._meta.db_table)
        self.sql = f"UPDATE {table} SET status = %s, sent_at = %s, smtp_response = %s, error = '' WHERE claim = %s AND id IN "

    def add(self, pk, message_id, response):
        self.journal.accepted(message_id)
        self.pending.append(pk)
        self.response = response
        if len(self.pending) >= self.size or time.monotonic() - self.flushed_at >= self.seconds:
            self.flush()

    def flush(self):
        """One UPDATE (autocommit) for the group, without the ORM's per-query overhead."""
        if self.pending:
            with connection.cursor() as cursor:
                cursor.execute(self.sql + "(" + ", ".join(["%s"] * len(self.pending)) + ")",
                               [SendLog.SENT, timezone.now(), self.response[:300], self.token, *self.pending])
            self.pending = []
        self.flushed_at = time.monotonic()


def _retry(token, pks, error, counts, attempts=None):
    """Temporary failure: back off, or give up after DIGEST_MAX_ATTEMPTS attempts."""
    now = timezone.now()
    for pk, tries in SendLog.objects.filter(pk__in=pks, claim=token).values_list("pk", "attempts"):
        if tries >= settings.DIGEST_MAX_ATTEMPTS:
            SendLog.objects.filter(pk=pk, claim=token).update(status=SendLog.FAILED, error=f"gave up: {error}"[:2000])
            counts["failed"] += 1
        else:
            SendLog.objects.filter(pk=pk, claim=token).update(
                status=SendLog.RETRY, next_attempt_at=now + _backoff(tries), error=error[:2000])
            counts["retry"] += 1


def outstanding(mailing):
    return SendLog.objects.filter(mailing=mailing).exclude(status__in=SendLog.TERMINAL)


def totals(mailing):
    from django.db.models import Count

    rows = SendLog.objects.filter(mailing=mailing).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def finish_if_done(mailing_id):
    """When no recipient is left to handle, mark the mailing finished (once) and announce it."""
    from npshub import events

    mailing = Mailing.objects.get(pk=mailing_id)
    if outstanding(mailing).exists():
        return False
    if not Mailing.objects.filter(pk=mailing_id, finished_at__isnull=True).update(
        finished_at=timezone.now(), completions=F("completions") + 1
    ):
        return False
    mailing.refresh_from_db()
    counts = totals(mailing)
    if mailing.kind == Mailing.DIGEST and mailing.issue_id:
        events.publish(
            events.digest_sent, sender=Mailing, issue=mailing.issue.specific, sent=counts.get(SendLog.SENT, 0),
            skipped=counts.get(SendLog.OPTED_OUT, 0), failed=counts.get(SendLog.FAILED, 0),
            event_id=f"digest_sent:{mailing.pk}:{mailing.completions}",
        )
    from npshub.digest.tasks import post_mailing_to_teams

    if mailing.completions == 1:
        post_mailing_to_teams.delay_on_commit(mailing.pk)
    return True
