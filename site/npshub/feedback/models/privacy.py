"""What privacy leaves behind: tombstones of withdrawn or erased customers, and purge runs.

A tombstone is keyed on (source, external_id), not on the response row, so that it outlives the
row and holds against every way a source may send the same answer again (CSV, API, webhook,
pulls): ingestion reads it and never stores what the customer took back.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConsentTombstone(models.Model):
    """A customer withdrew consent (consents stay false) or had their personal data erased
    (consents stay false, no contact is stored again, the comment is kept masked)."""

    class Kind(models.TextChoices):
        WITHDRAWN = "withdrawn", _("Consent withdrawn")
        ERASED = "erased", _("Personal data erased")

    source = models.ForeignKey("feedback.Source", on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField(_("external id"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    channel = models.CharField(_("how"), max_length=100, blank=True)
    actor = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "external_id"], name="tombstone_once_per_response")]
        verbose_name = _("consent tombstone")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.source_id}/{self.external_id}"


class PurgeRun(models.Model):
    """One run of a retention task: what was purged, up to which moment, how many rows."""

    what = models.CharField(_("what"), max_length=60, db_index=True)
    retention_days = models.PositiveIntegerField(_("retention (days)"))
    cutoff = models.DateTimeField(_("purged up to"))
    purged = models.PositiveIntegerField(_("purged"), default=0)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("purge run")

    def __str__(self):
        return f"{self.what} up to {self.cutoff:%Y-%m-%d}: {self.purged}"
