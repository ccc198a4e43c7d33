"""Action plans: a team's or department's goal for a period, the actions that should move it, and
the check-ins that record progress with the effect measured from the real statistics."""

import datetime
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


EARLIEST, LATEST = datetime.date(2000, 1, 1), datetime.date(2100, 12, 31)


class Plan(models.Model):
    class Goal(models.TextChoices):
        NPS = "nps", _("Reach a target NPS")
        TOPIC = "topic", _("Fewer detractor mentions of a topic")
        CONTACT_RATE = "contact_rate", _("Contact rate of detractor callbacks (%)")

    class Rhythm(models.TextChoices):
        WEEKLY = "weekly", _("Weekly")
        MONTHLY = "monthly", _("Monthly")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DONE = "done", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    title = models.CharField(_("title"), max_length=200)
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="action_plans", verbose_name=_("team"))
    department = models.ForeignKey("people.Department", null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="action_plans", verbose_name=_("department"))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_plans",
                              verbose_name=_("owner"))
    goal = models.CharField(_("goal"), max_length=20, choices=Goal.choices, default=Goal.NPS)
    target = models.FloatField(_("target"), help_text=_(
        "Target NPS (-100..100), the most detractor mentions of the topic in the period, or the contact rate in %."))
    topic = models.ForeignKey("feedback.Topic", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", verbose_name=_("topic"))
    starts_on = models.DateField(_("starts on"), default=timezone.localdate)
    ends_on = models.DateField(_("ends on"))
    rhythm = models.CharField(_("check-in rhythm"), max_length=10, choices=Rhythm.choices, default=Rhythm.WEEKLY)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(team__isnull=False, department__isnull=True)
                           | models.Q(team__isnull=True, department__isnull=False)),
                name="plans_plan_team_xor_department",
            ),
            models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="plans_plan_period"),
        ]

    def __str__(self):
        return self.title

    @property
    def unit_name(self):
        """The team's label in the reader's language (its record's name until someone names it), or
        the department's name."""
        if self.team_id:
            from npshub.feedback import reference

            return reference.label("team", self.team.slug)
        return self.department.name

    def team_slugs(self):
        """The ``team`` values of the customer responses the plan is measured on."""
        from npshub.people.models import Team

        if self.team_id:
            return [self.team.slug]
        return list(Team.objects.filter(department_id__in=self.department.descendant_ids())
                    .order_by("slug").values_list("slug", flat=True))

    def clean(self):
        errors = {}
        if bool(self.team_id) == bool(self.department_id):
            errors["team"] = _("Choose a team or a department (one of the two).")
        if self.goal == self.Goal.TOPIC and not self.topic_id:
            errors["topic"] = _("Choose the topic whose detractor mentions should go down.")
        if self.target is not None and not math.isfinite(self.target):
            errors["target"] = _("The target must be a number.")
        elif self.goal == self.Goal.NPS and self.target is not None and not -100 <= self.target <= 100:
            errors["target"] = _("A target NPS lies between -100 and 100.")
        if self.goal == self.Goal.CONTACT_RATE and self.target is not None and not 0 <= self.target <= 100:
            errors["target"] = _("A contact rate lies between 0 and 100%.")
        if self.goal == self.Goal.TOPIC and self.target is not None and self.target < 0:
            errors["target"] = _("A number of mentions cannot be negative.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The plan cannot end before it starts.")
        for name in ("starts_on", "ends_on"):
            value = getattr(self, name)
            if value and not EARLIEST <= value <= LATEST:
                errors[name] = _("Choose a date between 2000 and 2100.")
        if errors:
            raise ValidationError(errors)

    def next_check_in_due(self):
        """The date the next check-in is due: one rhythm after the last check-in (or the start)."""
        last = self.check_ins.order_by("-created_at").first()
        since = timezone.localdate(last.created_at) if last else self.starts_on
        step = datetime.timedelta(days=7) if self.rhythm == self.Rhythm.WEEKLY else datetime.timedelta(days=30)
        return since + step


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.CASCADE, related_name="actions",
                             verbose_name=_("plan"))
    team = models.ForeignKey("people.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="plan_actions", verbose_name=_("team"))
    title = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="plan_actions", verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # A follow-up written from a call's outcome: the id its event carried (one action per follow-up).
    follow_up_id = models.PositiveBigIntegerField(null=True, blank=True, unique=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self):
        return self.title

    @property
    def from_call(self):
        return self.follow_up_id is not None

    @property
    def overdue(self):
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < timezone.localdate()


class CheckIn(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="check_ins")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("note"), blank=True)
    effect = models.JSONField(default=dict, editable=False)  # the measured effect when it was recorded

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")


class Reminder(models.Model):
    """One reminder per plan and due date: beat may run as often as it likes."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reminders")
    due_on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    emailed = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="plans_reminder_once")]
