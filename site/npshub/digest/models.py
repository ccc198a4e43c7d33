"""The email pipeline's records: mailings (one send of an issue), the per-recipient send log that
makes sending exactly once, email preferences, and Microsoft Teams channels."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import PreviewableMixin

# Email types an employee can opt out of. Transactional mail (account, legally required notices,
# a plugin's thank-you notes to customers) has no preference and is always sent.
OPTIONAL_TYPES = {
    "digest": _("Monthly digest"),
    "weekly": _("Weekly results"),
    "announcement": _("Announcements"),
}


class Mailing(models.Model):
    """One email going to an audience: a digest issue or a week's results. ``key`` makes it unique
    (``digest-<page id>``, ``weekly-2026-W47``), so re-running a send finds the same mailing."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    DIGEST, WEEKLY, ANNOUNCEMENT = "digest", "weekly", "announcement"
    KINDS = [(DIGEST, _("Digest issue")), (WEEKLY, _("Weekly results")), (ANNOUNCEMENT, _("Announcement"))]

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=20, choices=KINDS)
    issue = models.ForeignKey(
        "pages.DigestPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailings"
    )
    subject = models.CharField(_("subject"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    completions = models.PositiveIntegerField(default=0, help_text="How many times a send run finished.")
    # Links of the email, by index: the click redirect only ever goes to one of these.
    links = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class RenderedEmail(models.Model):
    """The email of a mailing in one language, rendered from MJML once; recipients only get
    their placeholders filled in."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="rendered")
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=200)
    html = models.TextField()
    text = models.TextField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailing", "language"], name="digest_rendered_once")]


class SendLog(models.Model):
    """One recipient of one mailing. The row is claimed (``sending``) before the SMTP transaction;
    the server's acceptance goes into the acceptance journal at once and the row is marked ``sent``
    with its group (``digest.journal``), so a restarted send never sends an accepted message twice
    (see README, "exactly once")."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    PENDING, SENDING, SENT, RETRY, FAILED, OPTED_OUT = "pending", "sending", "sent", "retry", "failed", "opted_out"
    STATUSES = [
        (PENDING, _("pending")), (SENDING, _("sending")), (SENT, _("sent")),
        (RETRY, _("waiting to retry")), (FAILED, _("failed")), (OPTED_OUT, _("unsubscribed")),
    ]
    TERMINAL = (SENT, FAILED, OPTED_OUT)

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="logs")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    email = models.EmailField()
    language = models.CharField(max_length=8, default="en")
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    smtp_response = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    open_count = models.PositiveIntegerField(default=0)
    clicked_at = models.DateTimeField(null=True, blank=True)
    click_count = models.PositiveIntegerField(default=0)

    @staticmethod
    def report_counts():
        """The aggregates of a mailing's report ({name: Count}) for ``aggregate``/``annotate``:
        one definition for the report page and the admin home's digest panel."""
        return {
            "audience": models.Count("pk"),
            "delivered": models.Count("pk", filter=models.Q(status=SendLog.SENT)),
            "opened": models.Count("pk", filter=models.Q(opened_at__isnull=False)),
            "clicked": models.Count("pk", filter=models.Q(clicked_at__isnull=False)),
            "failed": models.Count("pk", filter=models.Q(status=SendLog.FAILED)),
            "opted_out": models.Count("pk", filter=models.Q(status=SendLog.OPTED_OUT)),
            "waiting": models.Count("pk", filter=models.Q(status__in=[SendLog.PENDING, SendLog.SENDING, SendLog.RETRY])),
        }

    class Meta:
        constraints = [models.UniqueConstraint(fields=["mailing", "recipient"], name="digest_one_log_per_recipient")]
        indexes = [models.Index(fields=["mailing", "status"])]
        verbose_name = _("send log entry")
        verbose_name_plural = _("send log")

    def __str__(self):
        return f"{self.mailing_id} → {self.email}: {self.status}"


class EmailPreference(models.Model):
    """What optional emails an employee receives; changed from the signed link in every email."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preference")
    digest = models.BooleanField(_("monthly digest"), default=True)
    weekly = models.BooleanField(_("weekly results"), default=True)
    announcement = models.BooleanField(_("announcements"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Email preferences of {self.user}"


class TeamsChannel(models.Model):
    """A Microsoft Teams channel's incoming webhook."""

    name = models.CharField(_("name"), max_length=100)
    webhook_url = models.URLField(_("incoming webhook URL"), max_length=1000)
    active = models.BooleanField(_("active"), default=True)
    post_digest = models.BooleanField(_("post when a digest is sent"), default=True)
    post_weekly = models.BooleanField(_("post the weekly results"), default=True)
    post_alerts = models.BooleanField(
        _("post alerts"), default=False, help_text=_("Operational alerts for CX admins, e.g. a source pull that keeps failing."))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE,
        help_text=_("The language of the cards posted to this channel."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("Teams channel")

    def __str__(self):
        return self.name


class TeamsPost(models.Model):
    """Every attempt to post a card to a channel, for the admin to see what failed and why."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    channel = models.ForeignKey(TeamsChannel, on_delete=models.CASCADE, related_name="posts")
    reason = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    ok = models.BooleanField(default=False)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]


class Announcement(models.Model):
    """A one-off branded e-mail (a new section, a campaign) to an audience chosen by department,
    role and language, sent once through the digest pipeline (npshub.digest.announcements)."""

    class Language(models.TextChoices):
        EVERY = "", _("Every language")
        EN = "en", "English"
        RU = "ru", "Русский"

    subject = models.CharField(_("subject"), max_length=200)
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    message = models.TextField(_("message"), help_text=_("Plain text; blank lines start new paragraphs."))
    button_label = models.CharField(_("button label"), max_length=60, blank=True)
    button_url = models.URLField(_("button link"), blank=True)
    departments = models.ManyToManyField(
        "people.Department", blank=True, related_name="+", verbose_name=_("departments"),
        help_text=_("With their sub-departments. None: every department."))
    roles = models.JSONField(_("roles"), default=list, blank=True, help_text=_("None: every role."))
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, blank=True,
                                help_text=_("Only employees reading this language."))
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self):
        return self.subject


class ChannelPost(PreviewableMixin, models.Model):
    """A post an editor writes for the Teams channels (a trend, a tip, a peer's story, a win), posted
    once to each chosen channel as an Adaptive Card in that channel's language (npshub.digest.channel_posts)."""

    class Section(models.TextChoices):
        INDUSTRY_TRENDS = "industry_trends", _("Industry trends")
        TIPS = "tips", _("Tips")
        PEER_POSTS = "peer_posts", _("Peer posts")
        WINS = "wins", _("Wins")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SCHEDULED = "scheduled", _("scheduled")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    section = models.CharField(_("section"), max_length=20, choices=Section.choices, default=Section.TIPS)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    body_en = models.TextField(_("text in English"), blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200, blank=True)
    body_ru = models.TextField(_("text in Russian"), blank=True)
    link_url = models.URLField(_("link"), max_length=1000, blank=True,
                               help_text=_("Optional: a button under the post opens it."))
    image = models.ForeignKey("wagtailimages.Image", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("image"))
    channels = models.ManyToManyField(TeamsChannel, related_name="channel_posts", verbose_name=_("channels"),
                                      limit_choices_to={"active": True})
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    scheduled_at = models.DateTimeField(_("publish at"), null=True, blank=True,
                                        help_text=_("Blank: as soon as the post is scheduled."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "scheduled_at"])]
        verbose_name = _("channel post")
        verbose_name_plural = _("channel posts")

    def __str__(self):
        from django.utils.translation import get_language

        return self.text_in((get_language() or "en")[:2])[1] or str(_("Untitled post"))

    LOCKED = (Status.SENDING, Status.SENT, Status.FAILED)

    @property
    def locked(self):
        """Sending has started: the text is what the channels got and can no longer change."""
        return self.status in self.LOCKED

    def text_in(self, language):
        """(language used, title, body): the channel's language, or the other one when that is blank."""
        order = [language] + [code for code, _name in settings.LANGUAGES if code != language]
        for code in order:
            title, body = getattr(self, f"title_{code}", ""), getattr(self, f"body_{code}", "")
            if title or body:
                return code, title, body
        return language, "", ""

    def publish_time(self):
        """For the list: when it is (or was) due, in the reader's date format."""
        from django.utils.formats import date_format
        from django.utils.timezone import localtime

        moment = self.scheduled_at or self.started_at
        return date_format(localtime(moment), "SHORT_DATETIME_FORMAT") if moment else "—"

    def delivery_summary(self):
        """For the list: "2 of 3 sent", with failures named."""
        from django.db.models import Count, Q

        counts = self.deliveries.aggregate(total=Count("pk"), sent=Count("pk", filter=Q(status="sent")),
                                           failed=Count("pk", filter=Q(status__in=("failed", "unconfirmed"))))
        if not counts["total"]:
            return ", ".join(c.name for c in self.channels.all()) or "—"
        text = _("%(sent)s of %(total)s sent") % counts
        return text + (_(", %(failed)s failed") % counts if counts["failed"] else "")

    # Wagtail's preview panel: the Adaptive Card, rendered from the very JSON that is posted.
    @property
    def preview_modes(self):
        return [(code, _("Card in %(language)s") % {"language": name}) for code, name in settings.LANGUAGES]

    def serve_preview(self, request, mode_name):
        from django.template.response import TemplateResponse

        from npshub.digest import channel_posts

        return TemplateResponse(request, "digest/admin/card_preview.html",
                                {"cards": [channel_posts.preview(self, mode_name)], "standalone": True})


class ChannelPostDelivery(models.Model):
    """A channel post to one channel. The row is claimed (``sending``) and committed before the HTTP
    call, so neither a restarted worker nor a second run ever posts it again (README, "Channel posts")."""

    PENDING, SENDING, SENT, RETRY, FAILED, UNCONFIRMED = "pending", "sending", "sent", "retry", "failed", "unconfirmed"
    STATUSES = [
        (PENDING, _("pending")), (SENDING, _("sending")), (SENT, _("sent")), (RETRY, _("waiting to retry")),
        (FAILED, _("failed")), (UNCONFIRMED, _("not confirmed")),
    ]
    TERMINAL = (SENT, FAILED, UNCONFIRMED)

    post = models.ForeignKey(ChannelPost, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.ForeignKey(TeamsChannel, on_delete=models.CASCADE, related_name="deliveries")
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(_("status"), max_length=12, choices=STATUSES, default=PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["channel__name"]
        constraints = [models.UniqueConstraint(fields=["post", "channel"], name="digest_post_once_per_channel")]
        verbose_name = _("channel post delivery")

    def __str__(self):
        return f"{self.post_id} → {self.channel_id}: {self.status}"
