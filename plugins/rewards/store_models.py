"""The rewards store: items people buy with points, and their redemptions (each a debit in the ledger,
and a refund when it is rejected or cancelled). Imported by rewards.models, where Django finds them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.search import index

from npshub.translated import TranslatedFields


class RewardItem(TranslatedFields, index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=120)
    name_ru = models.CharField(_("name in Russian"), max_length=120, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    price = models.PositiveIntegerField(_("price (points)"))
    stock = models.PositiveIntegerField(_("stock"), default=0)
    per_person_limit = models.PositiveIntegerField(_("per-person limit"), null=True, blank=True, help_text=_("Empty: no limit."))
    available_from = models.DateTimeField(_("available from"), null=True, blank=True)
    available_until = models.DateTimeField(_("available until"), null=True, blank=True)
    needs_approval = models.BooleanField(_("needs a manager's approval"), default=False)
    active = models.BooleanField(_("active"), default=True)

    panels = [
        FieldPanel("name"), FieldPanel("name_ru"), FieldPanel("description"), FieldPanel("description_ru"),
        FieldPanel("image"), FieldPanel("price"), FieldPanel("stock"),
        FieldPanel("per_person_limit"), FieldPanel("available_from"), FieldPanel("available_until"),
        FieldPanel("needs_approval"), FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("name_ru")]
    translated_fields = ("name", "description")  # one row per item (one stock, redemptions point at it)

    class Meta:
        ordering = ["price", "name"]
        verbose_name = _("store item")
        constraints = [models.CheckConstraint(condition=Q(stock__gte=0), name="rewards_item_stock_not_negative")]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.price is not None and self.price < 1:
            raise ValidationError({"price": _("A reward costs at least one point.")})

    def is_available(self, now=None):
        now = now or timezone.now()
        return (
            self.active
            and (self.available_from is None or self.available_from <= now)
            and (self.available_until is None or now < self.available_until)
        )


class Redemption(models.Model):
    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    PENDING, APPROVED, REJECTED, CANCELLED = "pending", "approved", "rejected", "cancelled"
    STATUSES = [(PENDING, _("Waiting for approval")), (APPROVED, _("Approved")), (REJECTED, _("Rejected (refunded)")),
                (CANCELLED, _("Cancelled (refunded)"))]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="redemptions")
    item = models.ForeignKey(RewardItem, on_delete=models.PROTECT, related_name="redemptions")
    price = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=STATUSES, default=APPROVED)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    debit = models.OneToOneField("rewards.LedgerEntry", on_delete=models.PROTECT, related_name="redemption")
    refund = models.OneToOneField("rewards.LedgerEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="refunded_redemption")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("redemption")

    def __str__(self):
        return f"{self.item} for {self.user} ({self.status})"
