"""Callback statistics (no personal data): contacted within target, time to first contact, reach,
resolution and the later NPS of called against not-called customers."""

import statistics

from django.utils import timezone

from callbacks.models import CallAttempt, Callback, Outcome
from callbacks.recovery import later_nps
from npshub.feedback import nps


def share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def stats(start=None, end=None, department_ids=None):
    """Callback statistics for callbacks queued in [start, end) (open ends allowed)."""
    now = timezone.now()
    queryset = Callback.objects.all()
    if department_ids is not None:
        queryset = queryset.filter(department_id__in=department_ids)
    if start:
        queryset = queryset.filter(created_at__gte=start)
    if end:
        queryset = queryset.filter(created_at__lt=end)
    rows = list(queryset.values(
        "pk", "category", "due_at", "first_contact_at", "created_at", "resolved", "attempts",
        "response__created_at", "response_id", "recovered_at", "status",
    ))
    reached_ids = set(
        CallAttempt.objects.filter(callback_id__in=[r["pk"] for r in rows], outcome=Outcome.REACHED)
        .values_list("callback_id", flat=True)
    )
    due = [r for r in rows if r["category"] == nps.DETRACTOR and r["status"] != Callback.Status.WITHDRAWN
           and r["due_at"] and (r["due_at"] <= now or r["first_contact_at"])]
    in_target = [r for r in due if r["first_contact_at"] and r["first_contact_at"] <= r["due_at"]]
    delays = [
        (r["first_contact_at"] - min(r["response__created_at"], r["created_at"])).total_seconds() / 3600
        for r in rows if r["first_contact_at"]
    ]
    attempted = [r for r in rows if r["attempts"]]
    reached = [r for r in attempted if r["pk"] in reached_ids]
    resolved = [r for r in reached if r["resolved"]]
    return {
        "queued": len(rows),
        "open": sum(1 for r in rows if r["status"] in (Callback.Status.OPEN, Callback.Status.CLAIMED)),
        "due": len(due),
        "contacted_in_target": len(in_target),
        "contacted_in_target_share": share(len(in_target), len(due)),
        "median_hours_to_first_contact": round(statistics.median(delays), 1) if delays else None,
        "reach_rate": share(len(reached), len(attempted)),
        "resolution_rate": share(len(resolved), len(reached)),
        "recovered": sum(1 for r in rows if r["recovered_at"]),
        "recovery": later_nps(rows, reached_ids),
    }
