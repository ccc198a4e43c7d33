"""What ingestion remembers besides the responses: changes of re-sent responses, webhook deliveries."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ResponseChange(models.Model):
    """A source re-sent a response with different content: which fields changed, from what to what.

    ``changes`` maps field name -> [old, new] (JSON values; personal data fields are named but
    their values are not copied here)."""

    response = models.ForeignKey("feedback.Response", on_delete=models.CASCADE, related_name="changes")
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    via = models.CharField(_("via"), max_length=20)  # cli, api, webhook, demo
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("response change")

    def __str__(self):
        return f"Change of response {self.response_id} at {self.changed_at:%Y-%m-%d %H:%M}"


class WebhookDelivery(models.Model):
    """A signed webhook body already accepted, so that a replay of it is refused: a source's
    webhook (``source``), or another signed endpoint named by ``channel`` (e.g. a PBX)."""

    source = models.ForeignKey("feedback.Source", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=40, blank=True)
    signature = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "signature"], name="webhook_delivery_once"),
            models.UniqueConstraint(fields=["channel", "signature"], condition=models.Q(source__isnull=True),
                                    name="webhook_delivery_once_per_channel"),
        ]
