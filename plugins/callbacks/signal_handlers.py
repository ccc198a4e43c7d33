from django.dispatch import receiver

from callbacks import playbooks, services
from npshub.events import responses_received


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
