"""Customer responses from every source, with the customer's personal data kept apart."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from npshub.feedback import nps
from npshub.feedback.masking import mask_pii

DIMENSIONS = ("segment", "product", "channel", "region", "team")


def _new_secret():
    return secrets.token_urlsafe(32)


class Source(models.Model):
    """Where responses come from: a survey tool, a marketplace, an app store, the call centre..."""

    class Kind(models.TextChoices):
        SURVEY = "survey", _("Survey tool")
        WEBSHOP = "webshop", _("Web shop reviews")
        MARKETPLACE = "marketplace", _("Marketplace")
        APP_STORE = "app_store", _("App store")
        CALL_CENTRE = "call_centre", _("Call centre")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    webhook_secret = models.CharField(
        _("webhook secret"), max_length=128, default=_new_secret,
        help_text=_("Shared secret for the HMAC-SHA256 signature of webhook bodies."),
    )
    ingest_token = models.CharField(
        _("ingest token"), max_length=128, default=_new_secret, unique=True,
        help_text=_("Lets this source POST responses to the API without a user account."),
    )
    field_mapping = models.JSONField(
        _("field mapping"), default=dict, blank=True,
        help_text=_('Maps our field names to the source\'s JSON keys, e.g. {"score": "rating", "comment": "review.text"}.'),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ResponseQuerySet(models.QuerySet):
    """Bulk writes keep ``comment_masked`` equal to ``mask_pii(comment)``, as ``save()`` does."""

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.comment_masked = mask_pii(obj.comment)
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        fields = list(fields)
        if "comment" in fields:
            objs = list(objs)
            for obj in objs:
                obj.comment_masked = mask_pii(obj.comment)
            if "comment_masked" not in fields:
                fields.append("comment_masked")
        return super().bulk_update(objs, fields, *args, **kwargs)

    def update(self, **kwargs):
        if "comment" in kwargs and "comment_masked" not in kwargs:
            if not isinstance(kwargs["comment"], str):
                raise TypeError("Updating Response.comment by an expression needs comment_masked beside it.")
            kwargs["comment_masked"] = mask_pii(kwargs["comment"])
        return super().update(**kwargs)


class Response(models.Model):
    """One customer's answer. ``score`` is the 0..10 recommendation answer; null when skipped.

    ``comment_masked`` is ``mask_pii(comment)``, stored when the comment is written (``save()``,
    the bulk methods of ``Response.objects``, ingestion's COPY/bulk paths): employees read and
    search only it, so a search can never find what the masking hides."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    # No index of its own: the unique (source, external_id) key and (source, submitted_at) lead with it.
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="responses", db_index=False)
    external_id = models.CharField(_("external id"), max_length=200)
    submitted_at = models.DateTimeField(_("submitted at"))
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    csat = models.PositiveSmallIntegerField(
        _("CSAT"), null=True, blank=True, help_text=_("Satisfaction 1..5, where the source asks it.")
    )
    ces = models.PositiveSmallIntegerField(
        _("CES"), null=True, blank=True, help_text=_("Customer effort 1..7, where the source asks it.")
    )
    comment = models.TextField(_("comment"), blank=True)
    comment_masked = models.TextField(
        _("comment (personal data masked)"), blank=True, editable=False,
        help_text=_("The comment as employees read and search it: phones, e-mails and card numbers masked."),
    )
    segment = models.CharField(_("segment"), max_length=100, blank=True)
    product = models.CharField(_("product"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    team = models.CharField(_("team"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    callback_consent = models.BooleanField(_("callback consent"), default=False)
    data_consent = models.BooleanField(_("data processing consent"), default=False)
    # How the consents were given: when, and which wording the customer agreed to (the source
    # is ``source``). Set by ingestion from ``consent_at`` / ``consent_version``; ``consent_at``
    # defaults to ``submitted_at`` when a consent is given without its own time.
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_version = models.CharField(_("consent wording version"), max_length=50, blank=True)
    topics = models.ManyToManyField("feedback.Topic", blank=True, related_name="responses", verbose_name=_("topics"))
    # Keyed hash of the customer's normalised contact (npshub.feedback.journeys); never the raw value.
    # Indexed only where set (Meta): most responses have no contact, and their rows skip the index.
    customer_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    comment_changed_at = models.DateTimeField(null=True, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "external_id"], name="response_unique_per_source"),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10), name="response_score_0_10"
            ),
            models.CheckConstraint(
                condition=models.Q(csat__isnull=True) | models.Q(csat__gte=1, csat__lte=5), name="response_csat_1_5"
            ),
            models.CheckConstraint(
                condition=models.Q(ces__isnull=True) | models.Q(ces__gte=1, ces__lte=7), name="response_ces_1_7"
            ),
        ]
        # Raw-row statistics (filters no rollup covers) narrow by one dimension, then by date.
        indexes = [
            models.Index(fields=["submitted_at"], name="response_submitted"),
            models.Index(fields=["source", "submitted_at"], name="response_source_day"),
            models.Index(fields=["team", "submitted_at"], name="response_team_day"),
            models.Index(fields=["region", "submitted_at"], name="response_region_day"),
            models.Index(fields=["product", "submitted_at"], name="response_product_day"),
            models.Index(fields=["customer_key"], condition=~models.Q(customer_key=""), name="response_customer_key"),
        ]

    def __str__(self):
        return f"{self.source_id}/{self.external_id}: {self.score}"

    def save(self, *args, update_fields=None, **kwargs):
        self.comment_masked = mask_pii(self.comment)
        if update_fields is not None and "comment" in update_fields:
            update_fields = {*update_fields, "comment_masked"}
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def category(self):
        return nps.category(self.score)


class CustomerContact(models.Model):
    """Personal data of the customer behind a response: only roles that need it may read it."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="contact")
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    def __str__(self):
        return f"Contact for response {self.response_id}"
