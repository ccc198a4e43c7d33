"""The callback queue: who enters it, in which order, and what each caller sees of it.

- Responses with BOTH consents and a score <= CALLBACKS_MAX_SCORE (passives 7..8 too when
  CALLBACKS_INCLUDE_PASSIVES), submitted in the last CALLBACKS_MAX_AGE_DAYS, enter once. Their
  department is the department of the Team whose slug equals ``response.team``.
- Priority 0..100 = weighted mean of the score's badness (10 - score) / 10, the share of the SLA
  already used (age / SLA, capped at 1) and the segment value (CALLBACKS_SEGMENT_VALUES), with
  CALLBACKS_PRIORITY_WEIGHTS; refreshed by a beat task as callbacks age. due_at = the moment the
  response reached the hub + the SLA of its category (CALLBACKS_SLA_HOURS).
- A response that loses a consent leaves the queue at once.
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from callbacks.access import scoped
from callbacks.filters import QueueFilter
from callbacks.models import AuditLog, Callback
from npshub.feedback import nps
from npshub.feedback.models import Response
from npshub.people.models import Team

ACTIVE = (Callback.Status.OPEN, Callback.Status.CLAIMED)


def queue_category(score):
    """The category the queue takes, or None when the score does not enter it."""
    if score is None:
        return None
    if score <= settings.CALLBACKS_MAX_SCORE:
        return nps.DETRACTOR
    if settings.CALLBACKS_INCLUDE_PASSIVES and nps.category(score) == nps.PASSIVE:
        return nps.PASSIVE
    return None


def compute_priority(score, segment, received_at, category, now=None):
    now = now or timezone.now()
    weights = settings.CALLBACKS_PRIORITY_WEIGHTS
    values = settings.CALLBACKS_SEGMENT_VALUES or {}
    sla = timedelta(hours=settings.CALLBACKS_SLA_HOURS.get(category, 48))
    parts = {
        "score": (10 - (score or 0)) / 10,
        "age": min(max((now - received_at) / sla, 0), 1),
        "segment": (values.get(segment, 0) / max(values.values())) if values else 0,
    }
    total = sum(weights.get(name, 0) for name in parts) or 1
    return round(100 * sum(weights.get(name, 0) * part for name, part in parts.items()) / total, 1)


def queue_responses(response_ids, now=None, max_age_days=None):
    """Queue the eligible responses among ``response_ids`` (idempotent); returns how many."""
    now = now or timezone.now()
    max_age_days = settings.CALLBACKS_MAX_AGE_DAYS if max_age_days is None else max_age_days
    q = Q(score__lte=settings.CALLBACKS_MAX_SCORE)
    if settings.CALLBACKS_INCLUDE_PASSIVES:
        q |= nps.category_q(nps.PASSIVE)
    eligible = list(
        Response.objects.filter(pk__in=response_ids, callback_consent=True, data_consent=True)
        .filter(q).filter(callback__isnull=True)
        .filter(submitted_at__gte=now - timedelta(days=max_age_days))
        .only("pk", "score", "segment", "team", "created_at")
    )
    departments = dict(Team.objects.filter(slug__in={r.team for r in eligible}).values_list("slug", "department_id"))
    rows = [new_callback(response, queue_category(response.score), departments.get(response.team), now) for response in eligible]
    Callback.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def new_callback(response, category, department_id, now, tags=""):
    """An unsaved queue entry for ``response`` in ``category`` (its SLA and priority)."""
    received = min(response.created_at or now, now)
    return Callback(
        response_id=response.pk, category=category, department_id=department_id,
        priority=compute_priority(response.score, response.segment, received, category, now),
        due_at=received + timedelta(hours=settings.CALLBACKS_SLA_HOURS.get(category, 48)),
        created_at=now, tags=tags,
    )


def withdraw_lost_consent(response_ids):
    """Responses that lost a consent (e.g. re-imported without it) leave the queue at once."""
    lost = Callback.objects.filter(response_id__in=response_ids, status__in=ACTIVE).filter(
        Q(response__callback_consent=False) | Q(response__data_consent=False)
    )
    ids = list(lost.values_list("pk", flat=True))
    if ids:
        Callback.objects.filter(pk__in=ids).update(status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None)
        AuditLog.objects.bulk_create([
            AuditLog(actor="system", action="consent_lost", object_type="callback", object_id=str(pk)) for pk in ids
        ])
    return len(ids)


def refresh_priorities(now=None):
    now = now or timezone.now()
    changed = []
    for callback in Callback.objects.filter(status__in=ACTIVE).select_related("response"):
        response = callback.response
        value = compute_priority(response.score, response.segment, min(response.created_at, now), callback.category, now)
        if value != callback.priority:
            callback.priority = value
            changed.append(callback)
    Callback.objects.bulk_update(changed, ["priority"], batch_size=1000)
    return len(changed)


def overdue(queryset, now=None):
    """The active callbacks of ``queryset`` past their due time (``Callback.overdue``, in SQL)."""
    return queryset.filter(status__in=ACTIVE, due_at__lt=now or timezone.now())


def visible(user):
    """Every callback of ``user``'s scope, with what the queue pages and the API show."""
    queryset = Callback.objects.select_related("response", "claimed_by", "department").prefetch_related("response__topics")
    return scoped(queryset, user)


def queue_for(user, params=None, now=None):
    """The queue ``user`` sees, filtered by QueueFilter's parameters (department, product, topic,
    region, segment, status, mine), highest priority first."""
    return QueueFilter(params or {}, queryset=visible(user), user=user, now=now).qs


def topics_of(response):
    return [topic.slug for topic in response.topics.all()]
