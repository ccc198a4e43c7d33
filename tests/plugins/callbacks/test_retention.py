"""Retention of what callbacks holds: call notes and audit entries purged by beat tasks, each run
a PurgeRun; contacts of open callbacks held back from the core's contact purge."""

from datetime import timedelta

from django.utils import timezone

from callbacks import tasks, workflow
from callbacks.models import AuditLog, CallAttempt, Callback
from npshub.celery import collect_beat_schedule
from npshub.feedback import retention
from npshub.feedback.models import CustomerContact, PurgeRun
from tests.plugins.callbacks import helpers as h


def test_notes_are_purged_a_year_after_the_call(settings):
    settings.CALLBACKS_NOTES_RETENTION_DAYS = 365
    old, _recording, caller = h.done_call(notes=h.NOTES)
    recent, _recording, _caller = h.done_call(notes="Recent call, keep me.")
    # the old call had two attempts: a year and a half ago, and 400 days ago
    CallAttempt.objects.filter(callback=old).update(created_at=timezone.now() - timedelta(days=400))
    mixed = h.callback()
    workflow.claim(caller, mixed.pk)
    workflow.record_outcome(caller, mixed.pk, "no_answer", notes="Old voicemail +7 916 000-11-22")
    workflow.claim(caller, mixed.pk)
    workflow.record_outcome(caller, mixed.pk, "reached", notes="New talk")
    first, second = CallAttempt.objects.filter(callback=mixed).order_by("pk")
    CallAttempt.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(days=500))

    assert tasks.purge_notes.delay().get() == 2  # two attempts' notes
    old.refresh_from_db()
    assert (old.notes, old.notes_masked) == ("", "")
    assert list(old.call_attempts.values_list("notes", "notes_masked")) == [("", "")]
    recent.refresh_from_db()
    assert recent.notes == "Recent call, keep me."
    # a callback with a recent attempt keeps its notes until the last attempt is old too
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.notes, second.notes) == ("", "New talk")
    assert Callback.objects.get(pk=mixed.pk).notes == "New talk"  # rebuilt from the calls kept
    run = PurgeRun.objects.get(what="call notes")
    assert (run.purged, run.retention_days, run.error) == (2, 365, "")


def test_audit_entries_are_purged_after_two_years(settings):
    settings.CALLBACKS_AUDIT_RETENTION_DAYS = 730
    h.done_call()
    AuditLog.objects.create(actor="someone", action="listen", object_type="callback", object_id="1",
                            at=timezone.now() - timedelta(days=731))
    kept = AuditLog.objects.count() - 1
    assert tasks.purge_audit_log.delay().get() == 1
    assert AuditLog.objects.count() == kept and not AuditLog.objects.filter(actor="someone").exists()
    assert PurgeRun.objects.get(what="callbacks audit log").purged == 1


def test_contacts_of_open_callbacks_are_held_back_from_the_core_purge(settings):
    settings.FEEDBACK_CONTACT_RETENTION_DAYS = 365
    long_ago = timezone.now() - timedelta(days=400)
    waiting = h.callback(submitted_at=timezone.now() - timedelta(days=2))
    waiting.response.__class__.objects.filter(pk=waiting.response_id).update(submitted_at=long_ago)
    done, _recording, _caller = h.done_call()
    done.response.__class__.objects.filter(pk=done.response_id).update(submitted_at=long_ago)
    assert retention.purge_contacts().purged == 1
    assert list(CustomerContact.objects.values_list("response_id", flat=True)) == [waiting.response_id]


def test_beat_runs_every_purge():
    tasks_scheduled = {entry["task"] for entry in collect_beat_schedule().values()}
    assert {"callbacks.purge_recordings", "callbacks.purge_notes", "callbacks.purge_audit_log",
            "feedback.purge_contacts"} <= tasks_scheduled
