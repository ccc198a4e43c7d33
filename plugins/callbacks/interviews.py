"""Research interviews: interviews and calls not tied to a callback (a customer interview, a
focus-group excerpt), uploaded by CX researchers (``callbacks.add_interview``) with their consent
record, and kept like call recordings: the same private storage and upload checks
(``recordings.check``), the same need-to-know rule (``access.interview_records``), the same
retention (CALLBACKS_RECORDING_RETENTION_DAYS, then row and file go) and the same audit trail.

Audit actions: ``interview_added``, ``interview_rejected`` (a bad file), ``interview_viewed``
(personal data shown), ``interview_refused``, ``listen`` (once per listening session),
``interview_erased`` and ``interview_purged``. No entry holds personal data.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from callbacks import access, recordings
from callbacks.models import AuditLog, Interview
from callbacks.workflow import WorkflowError
from npshub.feedback import reference
from npshub.feedback.masking import mask_names, mask_pii

FIELDS = ("title", "kind", "language", "department", "product", "summary", "transcript", "interviewee_name",
          "interviewee_contact", "consent_given_by", "consent_given_at", "consent_use")


def masked_summary(summary, *names):
    """The summary as the training audience reads it: phones, e-mails, cards and the names of
    the interviewee and of whoever consented masked."""
    return mask_names(mask_pii(summary), names)


def add_interview(user, upload, topics=(), actor=None, **fields):
    """Check and store ``upload`` with its consent record; a bad file raises WorkflowError
    (400 / 413 / 415, audited) and a failure leaves neither a row nor a file."""
    try:
        content_type, size = recordings.check(upload)
    except WorkflowError as error:
        access.audit(user, "interview_rejected", actor=actor, reason=error.detail)
        raise
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown interview fields: {', '.join(sorted(unknown))}")
    interview = Interview(
        **fields, content_type=content_type, size=size,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        delete_after=timezone.now() + timedelta(days=settings.CALLBACKS_RECORDING_RETENTION_DAYS),
    )
    interview.summary_masked = masked_summary(interview.summary, interview.interviewee_name, interview.consent_given_by)
    stored_name = None
    try:
        with transaction.atomic():
            interview.file.save("interview", File(upload), save=False)
            stored_name = interview.file.name
            interview.save()
            interview.topics.set(topics)
            access.audit(user, "interview_added", interview, actor=actor, size=size, consent_use=interview.consent_use)
    except Exception:
        if stored_name:
            interview.file.storage.delete(stored_name)
        raise
    return interview


def delete_interviews(interviews):
    """Delete interview rows now and their files once the transaction commits; returns how many."""
    return recordings.delete_with_files(interviews)


def erase_interview(user, interview, channel=""):
    """The interviewee asked for erasure (or withdrew consent): the file, the consent record, the
    transcript and the summary go for good; only the audit entry (without personal data) stays."""
    with transaction.atomic():
        access.audit(user, "interview_erased", interview, channel=channel[:100])
        return delete_interviews([interview])


def purge_due(cutoff=None):
    """Retention: interviews past their ``delete_after`` go, rows and files (``privacy``'s beat)."""
    rows = list(Interview.objects.filter(delete_after__lte=timezone.now()))
    AuditLog.objects.bulk_create([
        AuditLog(actor="system", action="interview_purged", object_type="interview", object_id=str(item.pk)) for item in rows
    ])
    return delete_interviews(rows)


def library(user):
    """The research interviews ``user`` may see, newest first, each with ``record_access``."""
    queryset = Interview.objects.select_related("department", "uploaded_by").prefetch_related("topics")
    return access.interview_records(user, queryset).order_by("-created_at", "-pk")


def visible(user, pk):
    """The interview ``pk`` if ``user`` may see it (annotated with ``record_access``), else None."""
    return library(user).filter(pk=pk).first()


def present(user, interviews):
    """Give each interview what a page shows: the product's label and the topics in the reader's
    language; ``full`` when ``user`` may read its personal data (detail page only, audited)."""
    interviews = list(interviews)
    products = reference.labels("product", {item.product for item in interviews})
    for item in interviews:
        item.product_label = products.get(item.product, "")
        item.topic_names = [topic.tr.name for topic in item.topics.all()]
        item.full = getattr(item, "record_access", None) == access.FULL
    return interviews


def open_personal_data(user, interview, channel="page"):
    """Log that ``user`` was shown the interview's personal data (name, contact, transcript)."""
    return access.audit(user, "interview_viewed", interview, channel=channel)
