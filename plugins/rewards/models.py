"""Points, badges, the store, team challenges and kudos.

The ledger is append-only: ``LedgerEntry`` rows are never changed or deleted (model guards, a
queryset that refuses bulk update/delete, and database triggers from the migration). A user's
balance is kept in ``Wallet.balance``, changed only by ``rewards.ledger`` in the same transaction
as the entry it reflects, and checked against the sum of entries by a scheduled task.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.search import index

from npshub.translated import TranslatedFields

# Event types that rules and badge criteria react to. Each maps to a core event
# (site/npshub/events.py) except the two rewards produces itself.
EVENT_TYPES = [
    ("callback_completed", _("Callback completed")),
    ("customer_recovered", _("Customer recovered")),
    ("exemplary_call", _("Exemplary call")),
    ("comments_read", _("Customer comments read (daily)")),
    ("lesson_completed", _("Education lesson completed")),
    ("quiz_passed", _("Quiz passed")),
    ("article_published", _("Article published")),
    ("kudos_received", _("Kudos received")),
    ("team_goal_reached", _("Team challenge reached (each member)")),
    ("plan_action_completed", _("Action plan action completed")),
]
EVENT_TYPE_NAMES = [name for name, _label in EVENT_TYPES]


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Ledger entries are append-only: write a reversing entry instead.")

    def delete(self):
        raise PermissionError("Ledger entries are append-only: write a reversing entry instead.")


class LedgerEntry(models.Model):
    """One credit (positive) or debit (negative) of points. Never edited or deleted."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    AWARD, GRANT, REDEMPTION, REFUND, REVERSAL = "award", "grant", "redemption", "refund", "reversal"
    KINDS = [
        (AWARD, _("Rule award")), (GRANT, _("Manual grant")), (REDEMPTION, _("Store redemption")),
        (REFUND, _("Refund")), (REVERSAL, _("Reversal")),
    ]
    EARNED_KINDS = (AWARD, GRANT)  # what leaderboards count

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ledger_entries")
    amount = models.IntegerField(_("amount"))
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=GRANT)
    reason = models.CharField(_("reason"), max_length=255)
    event_type = models.CharField(_("event type"), max_length=50, blank=True)
    event_id = models.CharField(_("event id"), max_length=200, blank=True)
    rule = models.ForeignKey("Rule", null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text=_("Who approved it; empty for automatic rule awards."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        constraints = [
            # A rule pays a user at most once per event: the exactly-once guarantee.
            models.UniqueConstraint(
                fields=["rule", "event_id", "user"], condition=Q(rule__isnull=False),
                name="rewards_entry_once_per_rule_event_user",
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="rewards_entry_amount_not_zero"),
        ]
        indexes = [
            models.Index(fields=["user", "kind", "created_at"]),
            models.Index(fields=["rule", "user", "created_at"], name="rewards_entry_caps"),  # caps, cool-down
            models.Index(fields=["kind", "created_at", "user"], name="rewards_entry_boards"),  # leaderboards
        ]

    def __str__(self):
        return f"{self.amount:+d} {self.user}: {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("Ledger entries are append-only: write a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Ledger entries are append-only: write a reversing entry instead.")


class Wallet(models.Model):
    """The maintained balance: always the sum of the user's ledger entries."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="wallet")
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="rewards_wallet_not_negative")]

    def __str__(self):
        return f"{self.user}: {self.balance}"


class MonthlyPoints(models.Model):
    """Points earned (award and grant entries, as the leaderboards count them) per person and UTC
    month. Kept by a database trigger on every ledger insert (migration 0004), whatever writes the
    entry; the ledger is append-only, so inserts are the only change. All-time boards sum these
    rows (a few per person) instead of every entry. ``rebuild_monthly_points()`` recomputes them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    points = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "month"], name="rewards_monthly_points_once")]

    def __str__(self):
        return f"{self.user} {self.month:%Y-%m}: {self.points}"


class BalanceDrift(models.Model):
    """A wallet whose balance differed from the sum of its entries when checked."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    wallet_balance = models.IntegerField()
    ledger_sum = models.IntegerField()
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-detected_at"]
        verbose_name = _("balance drift")

    def __str__(self):
        return f"{self.user}: wallet {self.wallet_balance} vs ledger {self.ledger_sum}"

    @property
    def difference(self):
        return self.wallet_balance - self.ledger_sum


class Rule(TranslatedFields, index.Indexed, models.Model):
    """Points for an event type, with caps and a cool-down so volume alone cannot farm points."""

    name = models.CharField(_("name"), max_length=120)
    name_ru = models.CharField(_("name in Russian"), max_length=120, blank=True)
    event_type = models.CharField(_("event type"), max_length=50, choices=EVENT_TYPES)
    amount = models.PositiveIntegerField(_("points"))
    outcomes = models.CharField(
        _("only these outcomes"), max_length=200, blank=True,
        help_text=_("Callback completed only: comma-separated outcomes that count, e.g. 'reached'. Empty: all."),
    )
    daily_cap = models.PositiveIntegerField(_("daily cap"), null=True, blank=True, help_text=_("Most points per person per day from this rule."))
    monthly_cap = models.PositiveIntegerField(_("monthly cap"), null=True, blank=True, help_text=_("Most points per person per month from this rule."))
    cooldown_minutes = models.PositiveIntegerField(_("cool-down (minutes)"), default=0, help_text=_("Least time between two awards to one person."))
    active = models.BooleanField(_("active"), default=True)
    # Rules pay for events that happen after they exist: never retroactively.
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"), FieldPanel("name_ru"), FieldPanel("event_type"), FieldPanel("amount"), FieldPanel("outcomes"),
        MultiFieldPanel([FieldPanel("daily_cap"), FieldPanel("monthly_cap"), FieldPanel("cooldown_minutes")], heading=_("Limits")),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.FilterField("event_type")]
    translated_fields = ("name",)  # one row per rule (ledger entries point at it)

    class Meta:
        ordering = ["event_type", "name"]
        verbose_name = _("points rule")

    def __str__(self):
        return f"{self.name} ({self.amount} pts)"

    def matches(self, outcome=None):
        if self.event_type != "callback_completed" or not self.outcomes.strip():
            return True
        wanted = {item.strip() for item in self.outcomes.split(",") if item.strip()}
        return outcome in wanted


class Activity(models.Model):
    """Each event a user took part in, recorded once: what badge criteria count."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_type = models.CharField(max_length=50)
    event_id = models.CharField(max_length=200)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event_type", "event_id", "user"], name="rewards_activity_once")]
        indexes = [models.Index(fields=["user", "event_type", "occurred_at"])]
        verbose_name_plural = "activities"


class Badge(TranslatedFields, index.Indexed, models.Model):
    COUNT, STREAK, AMBASSADOR = "count", "streak", "ambassador"
    CRITERIA = [
        (COUNT, _("Event count: at least N events (within the window, if set)")),
        (STREAK, _("Monthly streak: the event in each of the last N calendar months")),
        (AMBASSADOR, _("NPS ambassador of the month: most points earned in a month")),
    ]
    TIERS = [("bronze", _("Bronze")), ("silver", _("Silver")), ("gold", _("Gold"))]

    name = models.CharField(_("name"), max_length=100)
    name_ru = models.CharField(_("name in Russian"), max_length=100, blank=True)
    slug = models.SlugField(unique=True)
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    tier = models.CharField(_("tier"), max_length=10, choices=TIERS, default="bronze")
    criterion = models.CharField(_("criterion"), max_length=20, choices=CRITERIA, default=COUNT)
    event_type = models.CharField(_("event type"), max_length=50, choices=EVENT_TYPES, blank=True)
    threshold = models.PositiveIntegerField(_("N"), default=1)
    window_days = models.PositiveIntegerField(_("window (days)"), null=True, blank=True, help_text=_("Count only the last N days; empty: all time."))
    active = models.BooleanField(_("active"), default=True)
    # Checked on events that happen after the badge exists (counting the whole history then).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    panels = [
        FieldPanel("name"), FieldPanel("name_ru"), FieldPanel("slug"), FieldPanel("image"), FieldPanel("description"),
        FieldPanel("description_ru"), FieldPanel("tier"),
        MultiFieldPanel([FieldPanel("criterion"), FieldPanel("event_type"), FieldPanel("threshold"), FieldPanel("window_days")], heading=_("Criteria")),
        FieldPanel("active"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("name_ru")]
    translated_fields = ("name", "description")  # one row per badge (awards point at it): see npshub.translated

    class Meta:
        ordering = ["tier", "name"]
        verbose_name = _("badge")

    def __str__(self):
        return self.name

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.criterion in (self.COUNT, self.STREAK) and not self.event_type:
            raise ValidationError({"event_type": _("Count and streak badges need an event type.")})


class BadgeAward(models.Model):
    badge = models.ForeignKey(Badge, on_delete=models.PROTECT, related_name="awards")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="badge_awards")
    period = models.CharField(max_length=7, blank=True, default="", help_text="YYYY-MM for monthly badges; empty otherwise.")
    awarded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-awarded_at"]
        constraints = [models.UniqueConstraint(fields=["badge", "user", "period"], name="rewards_badge_once")]

    def __str__(self):
        return f"{self.badge} → {self.user}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_notifications")
    message = models.CharField(max_length=255)
    language = models.CharField(max_length=8, blank=True, help_text="The language the message was written in.")
    url = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]


class Challenge(TranslatedFields, index.Indexed, models.Model):
    NPS_RAISE, CONTACT_RATE, CALLBACKS = "nps_raise", "contact_rate", "callbacks"
    GOALS = [
        (NPS_RAISE, _("Raise the team's NPS by N points (against the previous period of the same length)")),
        # xgettext:no-python-format
        (CONTACT_RATE, _("Contact N% of detractors within the callback target time")),
        (CALLBACKS, _("Complete N callbacks")),
    ]

    title = models.CharField(_("title"), max_length=150)
    title_ru = models.CharField(_("title in Russian"), max_length=150, blank=True)
    team = models.ForeignKey("people.Team", on_delete=models.CASCADE, related_name="rewards_challenges")
    goal = models.CharField(_("goal"), max_length=20, choices=GOALS)
    target = models.FloatField(_("N"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), help_text=_("Inclusive."))
    reached_at = models.DateTimeField(null=True, blank=True, editable=False)

    panels = [FieldPanel("title"), FieldPanel("title_ru"), FieldPanel("team"), FieldPanel("goal"), FieldPanel("target"),
              FieldPanel("starts_on"), FieldPanel("ends_on")]
    search_fields = [index.SearchField("title"), index.SearchField("title_ru")]
    translated_fields = ("title",)  # one row per challenge (it is reached once)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("team challenge")

    def __str__(self):
        return f"{self.title} ({self.team})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The end must not be before the start.")})


class Kudos(models.Model):
    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    giver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_given")
    receiver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kudos_received")
    message = models.CharField(max_length=280)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "kudos"
        constraints = [models.CheckConstraint(condition=~Q(giver=models.F("receiver")), name="rewards_kudos_not_self")]

    def __str__(self):
        return f"{self.giver} → {self.receiver}"


class Preference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_preference")
    hide_from_leaderboards = models.BooleanField(default=False)


from rewards.store_models import Redemption, RewardItem  # noqa: E402,F401 (registered with the app here)
