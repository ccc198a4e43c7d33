"""The caller's workflow: the guide, claiming, the contact for the claimant, outcomes, curation.

- Claims: one conditional UPDATE (status open, or claimed with an expired claim) so that exactly
  one of any number of concurrent claims wins, on every database. They last
  CALLBACKS_CLAIM_MINUTES; the phone number is shown only to the claimant while the claim lasts.
- Outcomes: no answer / call back later reschedule after CALLBACKS_RETRY_HOURS up to
  CALLBACKS_MAX_ATTEMPTS. Notes are stored as typed and masked (``notes_masked``).
- Curation (exemplary calls, training collections): editors and CX admins, only on the call
  records they may see (``access.call_records``).
"""

import re
from datetime import timedelta

import bleach
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale

from callbacks.access import audit, call_records, scoped
from callbacks.models import AuditLog, CallAttempt, Callback, FollowUpAction, GuideAcknowledgement, Outcome, TrainingPage
from npshub import events
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import CustomerContact
from npshub.people import roles
from npshub.people.models import Team

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


# --- the caller guide ---------------------------------------------------------------------

def caller_guide():
    """The caller guide page, in the reader's language where translated; None without one."""
    guide = TrainingPage.objects.live().filter(is_caller_guide=True, locale=Locale.get_default()).first()
    return guide.localized if guide else None


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


def _follow_up_teams(follow_ups):
    teams = {}
    for item in follow_ups:
        slug, description = (item.get("team") or "").strip(), clean_text(item.get("description"), 300)
        if not description:
            continue
        team = Team.objects.filter(slug=slug).first()
        if team is None:
            raise WorkflowError(_("Unknown team %(slug)r for a follow-up action.") % {"slug": slug})
        teams[description] = team
    return teams


def record_outcome(user, pk, outcome, notes="", resolved=False, tags="", follow_ups=(), now=None):
    """Store a call's outcome; schedule a retry for no answer / call back later; publish events."""
    now = now or timezone.now()
    if outcome not in Outcome.values:
        raise WorkflowError(_("Unknown outcome %(value)r; use one of: %(choices)s.") % {
            "value": outcome, "choices": ", ".join(Outcome.values)})
    callback = get_visible(user, pk)
    teams = _follow_up_teams(follow_ups)
    _require_claim(user, callback, "outcome", now)  # audited refusal, outside the transaction
    with transaction.atomic():
        callback = Callback.objects.select_for_update().get(pk=callback.pk)
        if not callback.claim_active_for(user):  # lost the claim in between: refuse, unaudited
            raise WorkflowError(_("Your claim has expired; claim the callback again."), status=409)
        text = clean_text(notes)
        attempt = CallAttempt.objects.create(
            callback=callback, user=user, outcome=outcome, notes=text, notes_masked=mask_pii(text),
            resolved=bool(resolved), created_at=now,
        )
        callback.attempts += 1
        callback.outcome = outcome
        callback.notes = "\n\n".join(filter(None, [callback.notes, attempt.notes]))
        callback.notes_masked = "\n\n".join(filter(None, [callback.notes_masked, attempt.notes_masked]))
        callback.resolved = callback.resolved or bool(resolved)
        clean_tags = [mask_pii(clean_text(tag, 40)) for tag in (tags if isinstance(tags, list) else str(tags).split(","))]
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
        follow_ups = [
            {"id": FollowUpAction.objects.create(callback=callback, team=team, description=description, created_by=user).pk,
             "team": team.slug, "description": description}
            for description, team in teams.items()
        ]
        audit(user, "outcome", callback, outcome=outcome, resolved=bool(resolved))
        transaction.on_commit(lambda: events.publish(
            events.callback_completed, sender=Callback, callback=callback, user=user, outcome=outcome,
            resolved=bool(resolved), follow_ups=follow_ups, event_id=f"callbacks.completed.{attempt.pk}",
        ))
    return callback, attempt


# --- curation -----------------------------------------------------------------------------

def curatable(user, pk):
    """A completed call ``user`` may curate (a call record they may see), else WorkflowError 404/409."""
    callback = call_records(user, Callback.objects.filter(pk=pk)).first()
    if callback is None:
        raise WorkflowError(_("No such call in the library."), status=404)
    if callback.status != Callback.Status.DONE:
        raise WorkflowError(_("Only completed calls can be marked exemplary."), status=409)
    return callback


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


def add_to_collection(user, callback, collection):
    """Training collections hold exemplary calls: mark it first, then add it (audited)."""
    mark_exemplary(user, callback)
    collection.calls.add(callback)
    audit(user, "added_to_collection", callback, collection=collection.pk)
