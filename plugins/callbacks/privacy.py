"""Consent, erasure and retention of what the callbacks plugin holds about customers.

- Withdrawal: the core's ``erasure.withdraw`` (consents false, now and on every re-send), the
  customer leaves the queue at once (even a claimed callback), recorded as a ConsentChange.
- Erasure: the withdrawal, then the core's ``erasure.erase``; its ``customer_erased`` event (see
  ``signal_handlers``) makes ``forget_customer`` delete the recordings (rows, and files after the
  commit) and the call notes, in the same transaction.
- Retention (beat tasks, each run a PurgeRun): recordings and research interviews past their
  ``delete_after`` (CALLBACKS_RECORDING_RETENTION_DAYS), call notes CALLBACKS_NOTES_RETENTION_DAYS after the
  call, audit entries after CALLBACKS_AUDIT_RETENTION_DAYS. Contacts of open callbacks are held
  back from the core's contact purge.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from callbacks import interviews
from callbacks.access import audit
from callbacks.models import AuditLog, CallAttempt, Callback, ConsentChange, Recording
from callbacks.recordings import delete_recordings
from npshub.feedback import erasure
from npshub.feedback.retention import run_purge

ACTIVE = (Callback.Status.OPEN, Callback.Status.CLAIMED)


def withdraw_consent(response, user=None, channel="", actor=None):
    """The customer withdrew consent: out of the queue at once, contact data hidden from all."""
    with transaction.atomic():
        erasure.withdraw(response, user, channel, actor_label=actor or "")
        Callback.objects.filter(response=response).exclude(status=Callback.Status.DONE).update(
            status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None
        )
        change = ConsentChange.objects.create(
            response=response, kind=ConsentChange.Kind.WITHDRAWAL, channel=channel[:100], recorded_by=user
        )
        audit(user, "consent_withdrawn", response, actor=actor, channel=channel)
    return change


def erase_personal_data(response, user=None, channel="", actor=None):
    """Erasure: contact data, recordings and call notes go, for good; the anonymous score stays."""
    with transaction.atomic():
        withdraw_consent(response, user, channel, actor)
        erasure.erase(response, user, channel, actor_label=actor or "")
        return ConsentChange.objects.create(
            response=response, kind=ConsentChange.Kind.ERASURE, channel=channel[:100], recorded_by=user
        )


def forget_customer(response, actor=None, actor_label="", channel=""):
    """What callbacks holds about an erased customer goes: recordings, notes, an open callback."""
    callbacks = Callback.objects.filter(response=response)
    removed = delete_recordings(Recording.objects.filter(callback__response=response))
    callbacks.exclude(status=Callback.Status.DONE).update(status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None)
    callbacks.update(notes="", notes_masked="", tags="")
    CallAttempt.objects.filter(callback__response=response).update(notes="", notes_masked="")
    audit(actor, "erasure", response, actor=actor_label, channel=channel, recordings=removed)
    return removed


def held_contacts():
    """Responses whose contact the core must keep past its retention: callbacks still open."""
    return Callback.objects.filter(status__in=ACTIVE).values("response_id")


# --- retention ----------------------------------------------------------------------------

def _purge_recordings(cutoff):
    due = Recording.objects.filter(delete_after__lte=timezone.now()).select_related("callback")
    rows = list(due)
    AuditLog.objects.bulk_create([
        AuditLog(actor="system", action="recording_purged", object_type="callback", object_id=str(r.callback_id),
                 detail={"recording": r.pk})
        for r in rows
    ])
    return delete_recordings(rows)


def purge_recordings():
    return run_purge("call recordings", settings.CALLBACKS_RECORDING_RETENTION_DAYS, _purge_recordings)


def purge_interviews():
    """Research interviews keep the recordings' retention (rows and files go)."""
    return run_purge("research interviews", settings.CALLBACKS_RECORDING_RETENTION_DAYS, interviews.purge_due)


def _purge_notes(cutoff):
    """Clear the notes of calls made before ``cutoff``; each callback's notes are rebuilt from
    the calls that keep theirs. Returns how many calls' notes were cleared."""
    old = CallAttempt.objects.filter(created_at__lt=cutoff).exclude(notes="", notes_masked="")
    touched = sorted(set(old.values_list("callback_id", flat=True)))
    purged = old.update(notes="", notes_masked="")
    for start in range(0, len(touched), 1000):
        callbacks = list(Callback.objects.filter(pk__in=touched[start:start + 1000]).prefetch_related("call_attempts"))
        for callback in callbacks:
            attempts = list(callback.call_attempts.all())
            callback.notes = "\n\n".join(a.notes for a in attempts if a.notes)
            callback.notes_masked = "\n\n".join(a.notes_masked for a in attempts if a.notes_masked)
        Callback.objects.bulk_update(callbacks, ["notes", "notes_masked"])
    return purged


def purge_notes():
    return run_purge("call notes", settings.CALLBACKS_NOTES_RETENTION_DAYS, _purge_notes)


def _purge_audit_log(cutoff):
    return AuditLog.objects.filter(at__lt=cutoff).delete()[0]


def purge_audit_log():
    return run_purge("callbacks audit log", settings.CALLBACKS_AUDIT_RETENTION_DAYS, _purge_audit_log)
