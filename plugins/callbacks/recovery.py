"""Recovered customers: a called-back customer who later answers as a promoter or passive.

A customer is recovered when a response submitted AFTER a completed callback in which they were
reached carries a score >= CALLBACKS_RECOVERY_MIN_SCORE and is the same customer as the
called-back response by the journeys' rule (npshub.feedback.journeys.customer_key: the phone's
last 10 digits, or without a phone the e-mail, case-insensitive). Each callback is credited once,
to the first such response; the event id is per callback.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from callbacks.models import AuditLog, Callback, Outcome
from npshub import events
from npshub.feedback import journeys, nps
from npshub.feedback.models import CustomerContact


def detect_recoveries(response_ids):
    """Credit the callbacks whose customer came back among ``response_ids`` (new responses)."""
    new = list(
        CustomerContact.objects.filter(
            response_id__in=response_ids, response__score__gte=settings.CALLBACKS_RECOVERY_MIN_SCORE
        ).select_related("response")
    )
    if not new:
        return []
    by_key = {}  # the journeys' customer key → the new responses of that customer
    for contact in new:
        key = journeys.customer_key(contact.phone, contact.email)
        if key:
            by_key.setdefault(key, []).append(contact.response)
    recovered = []
    candidates = Callback.objects.filter(
        status=Callback.Status.DONE, recovered_at__isnull=True, first_contact_at__isnull=False,
        call_attempts__outcome=Outcome.REACHED,
    ).exclude(response_id__in=response_ids).select_related("response__contact", "completed_by").distinct()
    for callback in candidates:
        contact = getattr(callback.response, "contact", None)
        if contact is None:
            continue
        later = sorted(
            (r for r in by_key.get(journeys.customer_key(contact.phone, contact.email), [])
             if r.submitted_at > callback.completed_at),
            key=lambda r: r.submitted_at,
        )
        if not later:
            continue
        with transaction.atomic():
            if not Callback.objects.filter(pk=callback.pk, recovered_at__isnull=True).update(
                recovered_at=timezone.now(), recovery_response=later[0]
            ):
                continue
            callback.refresh_from_db()
            AuditLog.objects.create(actor="system", action="recovered", object_type="callback", object_id=str(callback.pk))
            recovered.append(callback)
            transaction.on_commit(lambda cb=callback: events.publish(
                events.customer_recovered, sender=Callback, callback=cb, user=cb.completed_by,
                event_id=f"callbacks.recovered.{cb.pk}",
            ))
    return recovered


def later_nps(rows, reached_ids):
    """Later NPS of queued customers who were reached against those who were not: each group's
    responses submitted after their callback was queued, matched by the journeys' customer key. ``rows`` are
    callback dicts (pk, response_id, created_at)."""
    response_ids = [r["response_id"] for r in rows]
    contacts = {c.response_id: c for c in CustomerContact.objects.filter(response_id__in=response_ids)}
    keys_by_callback = {}
    for r in rows:
        contact = contacts.get(r["response_id"])
        key = journeys.customer_key(contact.phone, contact.email) if contact else ""
        if key:
            keys_by_callback[r["pk"]] = (key, r["created_at"])
    if not keys_by_callback:
        return {"called": nps.score_result(0, 0, 0), "not_called": nps.score_result(0, 0, 0)}
    later = {}
    for contact in CustomerContact.objects.exclude(response_id__in=response_ids).select_related("response").only(
        "phone", "email", "response__score", "response__submitted_at"
    ):
        if contact.response.score is None:
            continue
        key = journeys.customer_key(contact.phone, contact.email)
        if key:
            later.setdefault(key, []).append((contact.response.submitted_at, contact.response.score))
    groups = {"called": [0, 0, 0], "not_called": [0, 0, 0]}
    for pk, (key, since) in keys_by_callback.items():
        scores = {(at, score) for at, score in later.get(key, []) if at > since}
        group = groups["called" if pk in reached_ids else "not_called"]
        for _at, score in scores:
            group[nps.category_index(score)] += 1
    return {name: nps.score_result(*counts) for name, counts in groups.items()}
