from django.dispatch import receiver

from callbacks import access, journey, playbooks, privacy, queue, recovery
from npshub.events import (
    contact_retention_holds, customer_erased, employee_deactivated, plan_action_completed, responses_received,
)


@receiver(responses_received, dispatch_uid="callbacks.on_responses")
def on_responses(sender, response_ids, created_ids=(), **kwargs):
    """New or changed responses: queue the consenting low scores, drop those that lost consent,
    credit recovered customers and run the segment playbooks for the new ones."""
    queue.withdraw_lost_consent(response_ids)
    if playbooks.detractors_queued():
        queue.queue_responses(response_ids)
    if created_ids:
        recovery.detect_recoveries(created_ids)
        playbooks.schedule(created_ids)
        journey.queue_slipped(created_ids)


@receiver(customer_erased, dispatch_uid="callbacks.on_customer_erased")
def on_customer_erased(sender, response, actor=None, actor_label="", channel="", **kwargs):
    """An erased customer's recordings (rows and files) and call notes go, in the same transaction."""
    privacy.forget_customer(response, actor, actor_label, channel)


@receiver(contact_retention_holds, dispatch_uid="callbacks.hold_contacts")
def hold_contacts(sender, **kwargs):
    """The contacts of callbacks still open are kept until the call is done."""
    return privacy.held_contacts()


@receiver(employee_deactivated, dispatch_uid="callbacks.on_employee_deactivated")
def on_employee_deactivated(sender, user, via="", **kwargs):
    """A leaver's claims go back to the queue at once, each release audited."""
    from django.db import transaction

    from callbacks.models import Callback

    with transaction.atomic():
        held = list(Callback.objects.filter(status=Callback.Status.CLAIMED, claimed_by=user).select_for_update())
        Callback.objects.filter(pk__in=[c.pk for c in held], status=Callback.Status.CLAIMED, claimed_by=user).update(
            status=Callback.Status.OPEN, claimed_by=None, claimed_at=None, claim_expires_at=None)
        for callback in held:
            access.audit(None, "claim_released", callback, actor="system", reason=f"employee deactivated ({via})",
                         holder=user.get_username())
    return len(held)


@receiver(plan_action_completed, dispatch_uid="callbacks.follow_up_done")
def follow_up_done(sender, follow_up_id=None, **kwargs):
    """A follow-up action written from a call was done by its team (in whatever plugin tracks it)."""
    if follow_up_id:
        from callbacks.models import FollowUpAction

        FollowUpAction.objects.filter(pk=follow_up_id).update(done=True)
