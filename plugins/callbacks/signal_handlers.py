from django.dispatch import receiver

from callbacks import playbooks, privacy, queue, recovery
from npshub.events import contact_retention_holds, customer_erased, responses_received


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


@receiver(customer_erased, dispatch_uid="callbacks.on_customer_erased")
def on_customer_erased(sender, response, actor=None, actor_label="", channel="", **kwargs):
    """An erased customer's recordings (rows and files) and call notes go, in the same transaction."""
    privacy.forget_customer(response, actor, actor_label, channel)


@receiver(contact_retention_holds, dispatch_uid="callbacks.hold_contacts")
def hold_contacts(sender, **kwargs):
    """The contacts of callbacks still open are kept until the call is done."""
    return privacy.held_contacts()
