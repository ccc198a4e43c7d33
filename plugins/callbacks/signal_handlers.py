from django.dispatch import receiver

from callbacks import playbooks, services
from npshub.events import employee_deactivated, responses_received


@receiver(responses_received, dispatch_uid="callbacks.on_responses")
def on_responses(sender, response_ids, created_ids=(), **kwargs):
    """New or changed responses: queue the consenting low scores, drop those that lost consent,
    credit recovered customers and run the segment playbooks for the new ones."""
    services.withdraw_lost_consent(response_ids)
    if playbooks.detractors_queued():
        services.queue_responses(response_ids)
    if created_ids:
        services.detect_recoveries(created_ids)
        playbooks.schedule(created_ids)


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
            services.audit(None, "claim_released", callback, actor="system", reason=f"employee deactivated ({via})",
                           holder=user.get_username())
    return len(held)
