"""Retention: personal data is kept for a set time, then purged by beat tasks, each run recorded.

``run_purge(what, days, purge)`` is the one way a purge runs, in the core and in plugins: it
computes the cutoff (now - ``days``), calls ``purge(cutoff)`` in a transaction, and records a
PurgeRun (what, cutoff, how many rows, error) that CX admins read in Admin → Feedback → Purge runs.

The core purges customer contacts ``FEEDBACK_CONTACT_RETENTION_DAYS`` (default 365) after the
response was submitted, except those a plugin still needs (``events.contact_retention_holds``).
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from npshub import events
from npshub.feedback.models import CustomerContact, PurgeRun


def run_purge(what, retention_days, purge):
    """Run ``purge(cutoff) -> rows purged`` for data older than ``retention_days``; returns the PurgeRun."""
    run = PurgeRun.objects.create(
        what=what, retention_days=retention_days, cutoff=timezone.now() - timedelta(days=retention_days)
    )
    try:
        with transaction.atomic():
            run.purged = purge(run.cutoff)
    except Exception as error:
        run.error = f"{type(error).__name__}: {error}"[:300]
        raise
    finally:
        run.finished_at = timezone.now()
        run.save(update_fields=["purged", "error", "finished_at"])
    return run


def delete_contacts(cutoff):
    """Delete the contacts of responses submitted before ``cutoff`` that no plugin holds."""
    answers = events.contact_retention_holds.send_robust(
        sender=CustomerContact, cutoff=cutoff, event_id=f"feedback.contact-holds.{uuid.uuid4().hex}"
    )
    due = CustomerContact.objects.filter(response__submitted_at__lt=cutoff)
    for receiver, held in answers:
        if isinstance(held, Exception):
            name = f"{receiver.__module__}.{getattr(receiver, '__qualname__', receiver)}"
            raise RuntimeError(f"{name} could not name the contacts it holds: {held}") from held
        if held is not None:
            due = due.exclude(response_id__in=held)
    return due.delete()[0]


def purge_contacts():
    return run_purge("customer contacts", settings.FEEDBACK_CONTACT_RETENTION_DAYS, delete_contacts)
