"""The callback workflow in one place; views, the API, the admin and tasks all call these.

Rules (also in README "## Callbacks"):
- Queue: responses with BOTH consents and a score <= CALLBACKS_MAX_SCORE (passives 7..8 too when
  CALLBACKS_INCLUDE_PASSIVES), submitted in the last CALLBACKS_MAX_AGE_DAYS, enter once. Their department is the department of the Team whose
  slug equals ``response.team``.
- Visibility: CX admins and members of CALLBACKS_CENTRAL_DEPARTMENTS (and sub-departments) see
  every callback; any other caller sees the callbacks of their own department and its
  sub-departments (profile department, else their team's department) and may claim only those.
- Priority 0..100 = weighted mean of the score's badness (10 - score) / 10, the share of the SLA
  already used (age / SLA, capped at 1) and the segment value (CALLBACKS_SEGMENT_VALUES), with
  CALLBACKS_PRIORITY_WEIGHTS; refreshed by a beat task as callbacks age. due_at = the moment the
  response reached the hub + the SLA of its category (CALLBACKS_SLA_HOURS).
- Claims: one conditional UPDATE (status open, or claimed with an expired claim) so that exactly one
  of any number of concurrent claims wins, on every database.
"""

import hashlib
import re
import statistics
from datetime import timedelta

import bleach
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.models import AuditLog, CallAttempt, Callback, ConsentChange, FollowUpAction, GuideAcknowledgement, Outcome, Recording
from npshub import events
from npshub.feedback import nps
from npshub.feedback.models import CustomerContact, Response
from npshub.people import roles
from npshub.people.models import Department, Team

CONTACTED = {Outcome.REACHED, Outcome.CALL_BACK_LATER, Outcome.REFUSED}
RETRY = {Outcome.NO_ANSWER, Outcome.CALL_BACK_LATER}


class WorkflowError(Exception):
    """A refused step; ``status`` is the HTTP status the API answers with."""

    status = 400

    def __init__(self, detail, status=None, link=None):
        super().__init__(detail)
        self.detail = detail
        self.link = link
        if status:
            self.status = status


# --- audit --------------------------------------------------------------------------------

def audit(user, action, obj=None, actor=None, **detail):
    return AuditLog.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        actor=actor or (user.get_username() if getattr(user, "is_authenticated", False) else "anonymous"),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        detail=detail,
    )


# --- who sees what ------------------------------------------------------------------------

def is_caller(user):
    return roles.has_any_role(user, (roles.CALLER, roles.CX_ADMIN))


def user_department(user):
    profile = getattr(user, "profile", None) if user.is_authenticated else None
    if profile is None:
        return None
    if profile.department_id:
        return profile.department
    return profile.team.department if profile.team_id else None


def scope_department_ids(user):
    """None: every department; otherwise the department ids whose callbacks ``user`` handles."""
    if roles.has_role(user, roles.CX_ADMIN):
        return None
    department = user_department(user)
    if department is None:
        return set()
    central = set(settings.CALLBACKS_CENTRAL_DEPARTMENTS)
    if department.slug in central or any(node.slug in central for node in department.ancestors()):
        return None
    return set(department.descendant_ids())


def scoped(queryset, user):
    ids = scope_department_ids(user)
    return queryset if ids is None else queryset.filter(department_id__in=ids)


def can_listen(user):
    """Recordings: callers, CX admins and editors (who curate the library)."""
    return roles.has_any_role(user, (roles.CALLER, roles.CX_ADMIN, roles.EDITOR))


def can_curate(user):
    return roles.has_any_role(user, (roles.EDITOR, roles.CX_ADMIN))


def can_see_library(user):
    return can_listen(user)


# --- queueing -----------------------------------------------------------------------------

category_of = nps.category


def queue_category(score):
    """The category the queue takes, or None when the score does not enter it."""
    if score is None:
        return None
    if score <= settings.CALLBACKS_MAX_SCORE:
        return "detractor"
    if settings.CALLBACKS_INCLUDE_PASSIVES and category_of(score) == "passive":
        return "passive"
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


def _team_departments(slugs):
    return dict(Team.objects.filter(slug__in=set(slugs)).values_list("slug", "department_id"))


def queue_responses(response_ids, now=None, max_age_days=None):
    """Queue the eligible responses among ``response_ids`` (idempotent); returns how many."""
    now = now or timezone.now()
    max_age_days = settings.CALLBACKS_MAX_AGE_DAYS if max_age_days is None else max_age_days
    q = Q(score__lte=settings.CALLBACKS_MAX_SCORE)
    if settings.CALLBACKS_INCLUDE_PASSIVES:
        q |= Q(score__in=(7, 8))
    eligible = list(
        Response.objects.filter(pk__in=response_ids, callback_consent=True, data_consent=True)
        .filter(q).filter(callback__isnull=True)
        .filter(submitted_at__gte=now - timedelta(days=max_age_days))
        .only("pk", "score", "segment", "team", "created_at")
    )
    departments = _team_departments(r.team for r in eligible)
    rows = []
    for response in eligible:
        category = queue_category(response.score)
        received = min(response.created_at or now, now)
        rows.append(Callback(
            response_id=response.pk, category=category, department_id=departments.get(response.team),
            priority=compute_priority(response.score, response.segment, received, category, now),
            due_at=received + timedelta(hours=settings.CALLBACKS_SLA_HOURS.get(category, 48)),
            created_at=now,
        ))
    Callback.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def withdraw_lost_consent(response_ids):
    """Responses that lost a consent (e.g. re-imported without it) leave the queue at once."""
    lost = Callback.objects.filter(
        response_id__in=response_ids, status__in=(Callback.Status.OPEN, Callback.Status.CLAIMED)
    ).filter(Q(response__callback_consent=False) | Q(response__data_consent=False))
    ids = list(lost.values_list("pk", flat=True))
    if ids:
        Callback.objects.filter(pk__in=ids).update(
            status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None
        )
        for pk in ids:
            AuditLog.objects.create(actor="system", action="consent_lost", object_type="callback", object_id=str(pk))
    return len(ids)


def refresh_priorities(now=None):
    now = now or timezone.now()
    changed = []
    for callback in Callback.objects.filter(status__in=(Callback.Status.OPEN, Callback.Status.CLAIMED)).select_related("response"):
        response = callback.response
        value = compute_priority(response.score, response.segment, min(response.created_at, now), callback.category, now)
        if value != callback.priority:
            callback.priority = value
            changed.append(callback)
    Callback.objects.bulk_update(changed, ["priority"], batch_size=1000)
    return len(changed)


def queue_for(user, params=None, now=None):
    """The open queue ``user`` sees, filtered by department / product / topic / region / status."""
    params = params or {}
    now = now or timezone.now()
    queryset = Callback.objects.select_related("response", "claimed_by", "department")
    if _has_topics():
        queryset = queryset.prefetch_related("response__topics")
    status = params.get("status") or "active"
    if status == "active":
        queryset = queryset.filter(status__in=(Callback.Status.OPEN, Callback.Status.CLAIMED)).filter(
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now) | Q(claimed_by__isnull=False)
        )
    elif status in Callback.Status.values:
        queryset = queryset.filter(status=status)
    queryset = scoped(queryset, user)
    if params.get("department"):
        ids = []
        for department in Department.objects.filter(slug__in=params["department"].split(",")):
            ids.extend(department.descendant_ids())
        queryset = queryset.filter(department_id__in=ids)
    for name in ("product", "region", "segment"):
        if params.get(name):
            queryset = queryset.filter(**{f"response__{name}__in": params[name].split(",")})
    if params.get("topic") and _has_topics():
        queryset = queryset.filter(response__topics__slug__in=params["topic"].split(",")).distinct()
    if params.get("mine"):
        queryset = queryset.filter(claimed_by=user)
    return queryset.order_by("-priority", "due_at", "pk")


def _has_topics():
    return any(field.name == "topics" for field in Response._meta.get_fields())


def topics_of(response):
    if not _has_topics():
        return []
    return [topic.slug for topic in response.topics.all()]


def masked_comment(response):
    try:
        from npshub.feedback.masking import mask_pii
    except ImportError:  # masking not available: never show a raw comment with possible PII
        return _mask_fallback(response.comment)
    return mask_pii(response.comment)


_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _mask_fallback(text):
    return _EMAIL.sub("[e-mail]", _PHONE.sub("[phone]", text or ""))


# --- the caller guide ---------------------------------------------------------------------

def caller_guide():
    from callbacks.models import TrainingPage

    from wagtail.models import Locale

    guide = TrainingPage.objects.live().filter(is_caller_guide=True, locale=Locale.get_default()).first()
    return guide.localized if guide else None  # in the reader's language where translated


def has_acknowledged(user):
    return GuideAcknowledgement.objects.filter(user=user).exists()


def acknowledge_guide(user):
    ack, created = GuideAcknowledgement.objects.get_or_create(user=user, defaults={"page": caller_guide()})
    if created:
        audit(user, "guide_acknowledged", ack)
    return ack


# --- claiming -----------------------------------------------------------------------------

def get_visible(user, pk):
    callback = scoped(Callback.objects.select_related("response", "claimed_by"), user).filter(pk=pk).first()
    if callback is None:
        raise WorkflowError(_("No such callback in your queue."), status=404)
    return callback


def claim(user, pk, now=None):
    """Claim callback ``pk`` for ``user``: exactly one concurrent claimant wins."""
    now = now or timezone.now()
    if not has_acknowledged(user):
        from django.urls import reverse

        raise WorkflowError(
            _("Please read and acknowledge the caller guide before your first call."), status=403,
            link=reverse("callbacks:guide"),
        )
    callback = get_visible(user, pk)
    response = callback.response
    if not (response.callback_consent and response.data_consent):
        with transaction.atomic():
            Callback.objects.filter(pk=pk).update(status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None)
            audit(user, "claim_refused", callback, reason="missing consent")
        raise WorkflowError(_("This customer has not given (or has withdrawn) consent to be called."), status=409)
    expires = now + timedelta(minutes=settings.CALLBACKS_CLAIM_MINUTES)
    with transaction.atomic():
        won = Callback.objects.filter(pk=pk).filter(
            Q(status=Callback.Status.OPEN)
            | Q(status=Callback.Status.CLAIMED, claim_expires_at__lte=now)
            | Q(status=Callback.Status.CLAIMED, claimed_by=user)
        ).update(status=Callback.Status.CLAIMED, claimed_by=user, claimed_at=now, claim_expires_at=expires)
        callback.refresh_from_db()
        if won:
            audit(user, "claim", callback, expires=expires.isoformat())
            return callback
        audit(user, "claim_refused", callback, reason=callback.status,
              holder=callback.claimed_by.get_username() if callback.claimed_by else None)
    if callback.status == Callback.Status.CLAIMED:
        raise WorkflowError(
            _("%(name)s is already calling this customer (claim until %(time)s).") % {
                "name": callback.claimed_by.get_full_name() or callback.claimed_by.get_username(),
                "time": timezone.localtime(callback.claim_expires_at).strftime("%H:%M"),
            }, status=409)
    raise WorkflowError(_("This callback is closed (%(status)s).") % {"status": callback.get_status_display()}, status=409)


def _require_claim(user, callback, action, now=None):
    now = now or timezone.now()
    if callback.status == Callback.Status.CLAIMED and callback.claimed_by_id == user.pk:
        if callback.claim_expires_at and callback.claim_expires_at > now:
            return
        audit(user, f"{action}_refused", callback, reason="claim expired")
        raise WorkflowError(_("Your claim has expired; claim the callback again."), status=409)
    audit(user, f"{action}_refused", callback, reason="not the claimant")
    raise WorkflowError(_("Claim this callback first: only the claimant can do this."), status=409)


def release(user, pk):
    callback = get_visible(user, pk)
    if not (callback.claimed_by_id == user.pk or roles.has_role(user, roles.CX_ADMIN)) or callback.status != Callback.Status.CLAIMED:
        raise WorkflowError(_("You do not hold a claim on this callback."), status=409)
    with transaction.atomic():
        Callback.objects.filter(pk=pk, status=Callback.Status.CLAIMED).update(
            status=Callback.Status.OPEN, claimed_by=None, claimed_at=None, claim_expires_at=None
        )
        callback.refresh_from_db()
        audit(user, "release", callback)
    return callback


def expire_claims(now=None):
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(Callback.objects.filter(status=Callback.Status.CLAIMED, claim_expires_at__lte=now).values_list("pk", flat=True))
        Callback.objects.filter(pk__in=expired, status=Callback.Status.CLAIMED, claim_expires_at__lte=now).update(
            status=Callback.Status.OPEN, claimed_by=None, claimed_at=None, claim_expires_at=None
        )
        AuditLog.objects.bulk_create([
            AuditLog(actor="system", action="claim_expired", object_type="callback", object_id=str(pk)) for pk in expired
        ])
    return len(expired)


def contact_for(user, callback, channel="page"):
    """{name, phone} for the claimant while the claim lasts (logged); None for anyone else."""
    if not callback.claim_active_for(user):
        return None
    contact = CustomerContact.objects.filter(response_id=callback.response_id).first()
    if contact is None:
        return None
    audit(user, "contact_view", callback, channel=channel)
    return {"name": contact.name, "phone": contact.phone}


def dial_uri(phone):
    digits = re.sub(r"[^\d+]", "", phone or "")
    template = settings.CALLBACKS_DIAL_URI
    if not digits or template.startswith("http"):
        return None
    return template.format(phone=digits)


# --- after the call -----------------------------------------------------------------------

def clean_text(text, limit=5000):
    return bleach.clean(text or "", tags=[], strip=True).strip()[:limit]


def record_outcome(user, pk, outcome, notes="", resolved=False, tags="", follow_ups=(), now=None):
    """Store a call's outcome; schedule a retry for no answer / call back later; publish events."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise WorkflowError(_("Unknown outcome %(value)r; use one of: %(choices)s.") % {
            "value": outcome, "choices": ", ".join(Outcome.values)})
    callback = get_visible(user, pk)
    teams = {}
    for item in follow_ups:
        slug, description = (item.get("team") or "").strip(), clean_text(item.get("description"), 300)
        if not description:
            continue
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise WorkflowError(_("Unknown team %(slug)r for a follow-up action.") % {"slug": slug})
        teams[description] = team
    _require_claim(user, callback, "outcome", now)  # audited refusal, outside the transaction
    with transaction.atomic():
        callback = Callback.objects.select_for_update().get(pk=callback.pk)
        if not callback.claim_active_for(user):  # lost the claim in between: refuse, unaudited
            raise WorkflowError(_("Your claim has expired; claim the callback again."), status=409)
        attempt = CallAttempt.objects.create(
            callback=callback, user=user, outcome=outcome, notes=clean_text(notes), resolved=bool(resolved), created_at=now
        )
        callback.attempts += 1
        callback.outcome = outcome
        callback.notes = "\n\n".join(filter(None, [callback.notes, attempt.notes]))
        callback.resolved = callback.resolved or bool(resolved)
        clean_tags = [clean_text(tag, 40) for tag in (tags if isinstance(tags, list) else str(tags).split(","))]
        callback.tags = ", ".join(dict.fromkeys(t for t in callback.tag_list + clean_tags if t))[:300]
        if outcome in CONTACTED and callback.first_contact_at is None:
            callback.first_contact_at = now
        callback.claimed_by = None
        callback.claim_expires_at = None
        if outcome in RETRY and callback.attempts < settings.CALLBACKS_MAX_ATTEMPTS:
            callback.status = Callback.Status.OPEN
            callback.next_attempt_at = now + timedelta(hours=settings.CALLBACKS_RETRY_HOURS)
        else:
            callback.status = Callback.Status.DONE
            callback.next_attempt_at = None
            callback.completed_at = now
            callback.completed_by = user
        callback.save()
        for description, team in teams.items():
            FollowUpAction.objects.create(callback=callback, team=team, description=description, created_by=user)
        audit(user, "outcome", callback, outcome=outcome, resolved=bool(resolved))
        transaction.on_commit(lambda: events.publish(
            events.callback_completed, sender=Callback, callback=callback, user=user, outcome=outcome,
            resolved=bool(resolved), event_id=f"callbacks.completed.{attempt.pk}",
        ))
    return callback, attempt


def mark_exemplary(user, callback):
    if callback.exemplary:
        return False
    with transaction.atomic():
        updated = Callback.objects.filter(pk=callback.pk, exemplary=False).update(exemplary=True, exemplary_by=user)
        if not updated:
            return False
        callback.refresh_from_db()
        audit(user, "exemplary", callback)
        caller = callback.completed_by
        if caller is not None:
            transaction.on_commit(lambda: events.publish(
                events.exemplary_call, sender=Callback, callback=callback, user=caller,
                event_id=f"callbacks.exemplary.{callback.pk}",
            ))
    return True


# --- recovery -----------------------------------------------------------------------------

def contact_key(phone="", email=""):
    """Keys that identify a customer across responses: sha256 of the phone's last 10 digits and
    of the lower-cased e-mail (hashes, so the rule can be stated without handling the data)."""
    keys = set()
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7:
        keys.add("p:" + hashlib.sha256(digits[-10:].encode()).hexdigest())
    if email and "@" in email:
        keys.add("e:" + hashlib.sha256(email.strip().lower().encode()).hexdigest())
    return keys


def detect_recoveries(response_ids):
    """A customer is recovered when a response submitted AFTER a completed callback in which they
    were reached carries a score >= CALLBACKS_RECOVERY_MIN_SCORE and shares a contact key (same
    phone, last 10 digits, or same e-mail) with the called-back response. Each callback is credited
    once, to the first such response; the event id is per callback."""
    new = list(
        CustomerContact.objects.filter(
            response_id__in=response_ids, response__score__gte=settings.CALLBACKS_RECOVERY_MIN_SCORE
        ).select_related("response")
    )
    if not new:
        return []
    by_key = {}
    for contact in new:
        for key in contact_key(contact.phone, contact.email):
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
            (r for key in contact_key(contact.phone, contact.email) for r in by_key.get(key, [])
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


# --- consent ------------------------------------------------------------------------------

def withdraw_consent(response, user=None, channel="", actor=None):
    """The customer withdrew consent: out of the queue at once, contact data hidden from all."""
    with transaction.atomic():
        Response.objects.filter(pk=response.pk).update(callback_consent=False, data_consent=False)
        Callback.objects.filter(response=response).exclude(status=Callback.Status.DONE).update(
            status=Callback.Status.WITHDRAWN, claimed_by=None, claim_expires_at=None
        )
        change = ConsentChange.objects.create(
            response=response, kind=ConsentChange.Kind.WITHDRAWAL, channel=channel[:100], recorded_by=user
        )
        audit(user, "consent_withdrawn", response, actor=actor, channel=channel)
    return change


def erase_personal_data(response, user=None, channel="", actor=None):
    """Erasure: contact data, recordings and call notes go; the anonymous score stays."""
    with transaction.atomic():
        withdraw_consent(response, user, channel, actor)
        CustomerContact.objects.filter(response=response).delete()
        recordings = list(Recording.objects.filter(callback__response=response))
        names = [(recording.file.storage, recording.file.name) for recording in recordings]
        Recording.objects.filter(pk__in=[r.pk for r in recordings]).delete()
        Callback.objects.filter(response=response).update(notes="", tags="")
        CallAttempt.objects.filter(callback__response=response).update(notes="")
        change = ConsentChange.objects.create(
            response=response, kind=ConsentChange.Kind.ERASURE, channel=channel[:100], recorded_by=user
        )
        audit(user, "erasure", response, actor=actor, channel=channel, recordings=len(names))

        def delete_files():
            for storage, name in names:
                storage.delete(name)

        transaction.on_commit(delete_files)
    return change


# --- statistics ---------------------------------------------------------------------------

def stats(user=None, start=None, end=None, department_ids=None):
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
    due = [r for r in rows if r["category"] == "detractor" and r["status"] != Callback.Status.WITHDRAWN
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
        "contacted_in_target_share": _share(len(in_target), len(due)),
        "median_hours_to_first_contact": round(statistics.median(delays), 1) if delays else None,
        "reach_rate": _share(len(reached), len(attempted)),
        "resolution_rate": _share(len(resolved), len(reached)),
        "recovered": sum(1 for r in rows if r["recovered_at"]),
        "recovery": recovery(rows, reached_ids),
    }


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def recovery(rows, reached_ids):
    """Later NPS of queued customers who were reached against those who were not: each group's
    responses submitted after their callback was queued, matched by contact key."""
    from npshub.feedback.nps import score_result

    response_ids = [r["response_id"] for r in rows]
    contacts = {c.response_id: c for c in CustomerContact.objects.filter(response_id__in=response_ids)}
    keys_by_callback = {}
    for r in rows:
        contact = contacts.get(r["response_id"])
        if contact:
            keys_by_callback[r["pk"]] = (contact_key(contact.phone, contact.email), r["created_at"], r["response_id"])
    if not keys_by_callback:
        return {"called": score_result(0, 0, 0), "not_called": score_result(0, 0, 0)}
    later = {}
    for contact in CustomerContact.objects.exclude(response_id__in=response_ids).select_related("response").only(
        "phone", "email", "response__score", "response__submitted_at"
    ):
        if contact.response.score is None:
            continue
        for key in contact_key(contact.phone, contact.email):
            later.setdefault(key, []).append((contact.response.submitted_at, contact.response.score))
    groups = {"called": [0, 0, 0], "not_called": [0, 0, 0]}
    for pk, (keys, since, _response_id) in keys_by_callback.items():
        scores = {(at, score) for key in keys for at, score in later.get(key, []) if at > since}
        group = groups["called" if pk in reached_ids else "not_called"]
        for _at, score in scores:
            group[nps.category_index(score)] += 1
    return {name: score_result(*counts) for name, counts in groups.items()}
