"""Reach records: the awareness definition's thresholds (a Wagtail setting), usage aggregated per
day x department x section, who was active on which day (for WAU/MAU and the awareness index;
no pages or sections per person), and the sites allowed to embed the score."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting


@register_setting(icon="view")
class AwarenessSettings(BaseGenericSetting):
    """The thresholds of the awareness definition (npshub.reach.awareness); CX admins edit them in
    Admin → Settings → Awareness index."""

    baseline_lesson = models.ForeignKey(
        "pages.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("baseline quiz lesson"),
        help_text=_('The lesson whose quiz every employee is invited to take. Empty: the lesson "what-is-nps".'))
    period_days = models.PositiveSmallIntegerField(
        _("period (days)"), default=30, help_text=_("The index counts the signals of this many days up to its date."))
    knowledge_valid_months = models.PositiveSmallIntegerField(
        _("a passed quiz or completed lesson counts for (months)"), default=12,
        help_text=_("0: for good."))
    min_lessons = models.PositiveSmallIntegerField(
        _("lessons completed to count as aware"), default=1)
    min_digest_opens = models.PositiveSmallIntegerField(
        _("digest e-mails opened in the period"), default=1,
        help_text=_("Together with the visits below."))
    min_visit_days = models.PositiveSmallIntegerField(
        _("days with a visit to the hub in the period"), default=2)
    min_department_size = models.PositiveSmallIntegerField(
        _("smallest department ranked"), default=5,
        help_text=_("Departments with fewer active employees are shown apart, together."))

    panels = [
        FieldPanel("baseline_lesson"),
        FieldPanel("period_days"),
        MultiFieldPanel([FieldPanel("knowledge_valid_months"), FieldPanel("min_lessons")], heading=_("Knowledge")),
        MultiFieldPanel([FieldPanel("min_digest_opens"), FieldPanel("min_visit_days")], heading=_("Engagement")),
        FieldPanel("min_department_size"),
    ]

    class Meta:
        verbose_name = _("Awareness index")

    def clean(self):
        if self.period_days < 1:
            raise ValidationError({"period_days": _("At least one day.")})


class ActiveDay(models.Model):
    """An employee used the hub on a day (no page or section: that is kept only in aggregate)."""

    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey("people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "user"], name="reach_one_active_day")]
        indexes = [models.Index(fields=["user", "day"])]


class UsageDay(models.Model):
    """Page views of one day, department and section (the first part of the URL)."""

    day = models.DateField(db_index=True)
    department = models.ForeignKey("people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    section = models.CharField(max_length=40)
    visits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "department", "section"], name="reach_one_usage_row")]


def _new_key():
    return secrets.token_urlsafe(24)


class EmbedSite(models.Model):
    """A website allowed to show the score: its origins and a key that can be revoked."""

    name = models.CharField(_("name"), max_length=100)
    origins = models.TextField(
        _("allowed origins"), help_text=_("One per line, e.g. https://www.example.com (scheme, host and port)."))
    key = models.CharField(_("embed key"), max_length=64, unique=True, default=_new_key, editable=False)
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to revoke the key."))
    period_days = models.PositiveSmallIntegerField(_("period (days)"), default=90)
    show_trend = models.BooleanField(_("show the monthly trend"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [FieldPanel("name"), FieldPanel("origins"), FieldPanel("active"),
              FieldPanel("period_days"), FieldPanel("show_trend")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("embedded score site")
        verbose_name_plural = _("embedded score sites")

    def __str__(self):
        return self.name

    def origin_list(self):
        return [line.strip().rstrip("/").lower() for line in self.origins.splitlines() if line.strip()]

    def clean(self):
        from urllib.parse import urlsplit

        for origin in self.origin_list():
            parts = urlsplit(origin)
            if parts.scheme not in ("http", "https") or not parts.netloc or parts.path or parts.query:
                raise ValidationError({"origins": _("%(origin)s is not an origin like https://www.example.com.")
                                       % {"origin": origin}})
