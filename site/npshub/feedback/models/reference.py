"""Reference data: each dimension value (a product, region, segment, channel, team or source slug)
with what people read instead of the slug, per language (a translatable snippet CX admins edit)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import TranslatableMixin
from wagtail_localize.fields import SynchronizedField

DIMENSION_CHOICES = [
    ("product", _("Product")), ("region", _("Region")), ("segment", _("Segment")),
    ("channel", _("Channel")), ("team", _("Team")), ("source", _("Source")),
]


class DimensionValue(TranslatableMixin, models.Model):
    """One value of one dimension in one language. Ingestion creates the default-language record of
    every new slug (labelled with the slug until someone names it); the slug stays the key in the
    data and the API, the label is what pages, e-mails, cards, screens and exports show."""

    dimension = models.CharField(_("dimension"), max_length=20, choices=DIMENSION_CHOICES)
    slug = models.CharField(_("value (slug)"), max_length=100, help_text=_("As it arrives in the data; never changes."))
    label = models.CharField(_("label"), max_length=150, help_text=_("What people read instead of the slug."))

    # Translators only ever see the label: the dimension and the slug are keys.
    override_translatable_fields = [SynchronizedField("dimension"), SynchronizedField("slug")]
    panels = [FieldPanel("dimension"), FieldPanel("slug"), FieldPanel("label")]

    class Meta(TranslatableMixin.Meta):
        ordering = ["dimension", "slug"]
        verbose_name = _("dimension value")
        verbose_name_plural = _("dimension values")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "slug", "locale"], name="feedback_dimension_value_once"),
        ]

    def __str__(self):
        return f"{self.get_dimension_display()}: {self.label}"

    @property
    def named(self):
        return self.label != self.slug
