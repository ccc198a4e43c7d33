"""Callbacks: the queue of consenting customers, claims, calls, recordings, the audit trail,
playbooks per segment and the training material for callers.

Personal data never lives here: the customer's name and phone stay in feedback.CustomerContact
and are read only for the claimant (``workflow.contact_for``), each read written to AuditLog.
Call notes are stored twice when written: as typed (``notes``) and masked (``notes_masked``, what
everyone but their author and CX admins reads, and what search looks in; see ``access``).
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from callbacks.storage import private_storage
from npshub.pages.i18n import SAME_URL
from npshub.translated import TranslatedFields


class Outcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")
    CALL_BACK_LATER = "call_back_later", _("Call back later")
    REFUSED = "refused", _("Refused")


class Callback(models.Model):
    """A consenting customer to call back, waiting in (or done with) the queue."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLAIMED = "claimed", _("Claimed")
        DONE = "done", _("Done")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    response = models.OneToOneField("feedback.Response", on_delete=models.CASCADE, related_name="callback")
    category = models.CharField(_("segment category"), max_length=10, default="detractor")
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="callbacks",
        help_text=_("The department concerned: the department of the response's team."),
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    priority = models.FloatField(_("priority"), default=0, db_index=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="claimed_callbacks"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_expires_at = models.DateTimeField(null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    notes_masked = models.TextField(_("notes (personal data masked)"), blank=True)
    tags = models.CharField(_("tags"), max_length=300, blank=True, help_text=_("Comma-separated."))
    resolved = models.BooleanField(_("resolved"), default=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="completed_callbacks"
    )
    exemplary = models.BooleanField(_("exemplary call"), default=False)
    exemplary_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recovered_at = models.DateTimeField(_("customer recovered"), null=True, blank=True)
    recovery_response = models.ForeignKey(
        "feedback.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-priority", "due_at", "pk"]
        indexes = [models.Index(fields=["status", "-priority"], name="callback_queue")]

    def __str__(self):
        return f"Callback #{self.pk} (score {self.response.score})"

    @property
    def overdue(self):
        return bool(self.due_at and self.status in (self.Status.OPEN, self.Status.CLAIMED) and self.due_at < timezone.now())

    @property
    def tag_list(self):
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]

    def claim_active_for(self, user):
        return (
            self.status == self.Status.CLAIMED and self.claimed_by_id == getattr(user, "pk", None)
            and self.claim_expires_at is not None and self.claim_expires_at > timezone.now()
        )


class CallAttempt(models.Model):
    """One call and its outcome; a callback may take several (no answer, call back later)."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="call_attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    notes = models.TextField(blank=True)
    notes_masked = models.TextField(blank=True)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]


class FollowUpAction(models.Model):
    """Something a team must do after a call (replace the kettle, fix the app...)."""

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="follow_ups")
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="callback_follow_ups")
    description = models.CharField(_("action"), max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    done = models.BooleanField(_("done"), default=False)

    def __str__(self):
        return f"{self.team}: {self.description}"


def recording_path(instance, filename):
    return f"recordings/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Recording(models.Model):
    """A call recording in the private storage; streamed only by a permission-checked view."""

    FORMATS = {"audio/mpeg": ".mp3", "audio/mp4": ".m4a", "audio/wav": ".wav", "audio/ogg": ".ogg"}

    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="recordings")
    file = models.FileField(storage=private_storage, upload_to=recording_path, max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    class Source(models.TextChoices):
        UPLOAD = "upload", _("Uploaded")
        PBX = "pbx", _("PBX")

    source = models.CharField(max_length=10, choices=Source.choices, default=Source.UPLOAD)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delete_after = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Recording #{self.pk} of callback #{self.callback_id}"

    @property
    def extension(self):
        return self.FORMATS.get(self.content_type, ".bin")


def interview_path(instance, filename):
    return f"interviews/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{instance.extension}"


class Interview(models.Model):
    """A research interview or call not tied to a callback (a customer interview, a focus-group
    excerpt), with its consent record, in the same private storage, library, access rules,
    retention and audit trail as call recordings (``access.interview_records``).

    Personal data: the interviewee's name and contact, who consented, and the transcript. The
    summary is stored twice, as written and masked (``summary_masked``: what the training audience
    reads and searches). Training material only when the consent covers training."""

    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("Customer interview")
        FOCUS_GROUP = "focus_group", _("Focus-group excerpt")
        CALL = "call", _("Customer call")

    class Use(models.TextChoices):
        RESEARCH = "research", _("Internal research only")
        TRAINING = "training", _("Research and training of employees")

    FORMATS = Recording.FORMATS

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INTERVIEW)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.SET_NULL, related_name="interviews",
        verbose_name=_("department"), help_text=_("Its callers and managers see the personal data; empty: CX admins only."),
    )
    product = models.CharField(_("product"), max_length=100, blank=True, db_index=True)
    topics = models.ManyToManyField("feedback.Topic", blank=True, related_name="interviews", verbose_name=_("topics"))
    summary = models.TextField(_("summary"))
    summary_masked = models.TextField(_("summary (personal data masked)"), blank=True)
    transcript = models.TextField(_("transcript"), blank=True)
    interviewee_name = models.CharField(_("interviewee"), max_length=150)
    interviewee_contact = models.CharField(_("interviewee's phone or e-mail"), max_length=200, blank=True)
    consent_given_by = models.CharField(_("consent given by"), max_length=150)
    consent_given_at = models.DateField(_("consent given on"))
    consent_use = models.CharField(_("consent covers"), max_length=10, choices=Use.choices, default=Use.RESEARCH, db_index=True)
    file = models.FileField(storage=private_storage, upload_to=interview_path, max_length=300)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    delete_after = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("research interview")
        verbose_name_plural = _("research interviews")

    def __str__(self):
        return self.title

    @property
    def extension(self):
        return self.FORMATS.get(self.content_type, ".bin")

    @property
    def for_training(self):
        return self.consent_use == self.Use.TRAINING


class AuditLog(models.Model):
    """Who did what, when, to which object: contact views, listens, claims, consent changes."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor = models.CharField(_("actor"), max_length=150, help_text=_("Username, or the system / source that acted."))
    action = models.CharField(_("action"), max_length=40, db_index=True)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "action", "at"], name="auditlog_user_action_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


class ConsentChange(models.Model):
    """A customer's withdrawal of consent or request for erasure, as recorded (API or admin)."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    class Kind(models.TextChoices):
        WITHDRAWAL = "withdrawal", _("Consent withdrawn")
        ERASURE = "erasure", _("Erasure of personal data")

    response = models.ForeignKey("feedback.Response", on_delete=models.CASCADE, related_name="consent_changes")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("how"), max_length=100, blank=True, help_text=_("E.g. phone call, e-mail, source API."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} for response {self.response_id}"


class GuideAcknowledgement(models.Model):
    """A caller confirmed having read the caller guide; required before the first claim."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="callback_guide_ack")
    page = models.ForeignKey("wagtailcore.Page", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)


class TrainingPage(Page):
    """Training material for callers: tips, why the calls matter, how the platform works."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = RichTextField(_("body"), features=["h2", "h3", "bold", "italic", "ol", "ul", "link"])
    is_caller_guide = models.BooleanField(
        _("caller guide"), default=False,
        help_text=_("The short guide every caller must acknowledge before the first claim (one page)."),
    )

    override_translatable_fields = SAME_URL  # one URL in every language
    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body"), FieldPanel("is_caller_guide")]
    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]
    template = "callbacks/training_page.html"

    class Meta:
        verbose_name = _("caller training page")


class TrainingCollection(TranslatedFields, models.Model):
    """A named set of exemplary calls for training (a snippet editors build)."""

    name = models.CharField(_("name"), max_length=150)
    name_ru = models.CharField(_("name in Russian"), max_length=150, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    calls = models.ManyToManyField(
        Callback, blank=True, related_name="training_collections", limit_choices_to={"exemplary": True},
        verbose_name=_("exemplary calls"),
    )

    panels = [FieldPanel("name"), FieldPanel("name_ru"), FieldPanel("description"), FieldPanel("description_ru"),
              FieldPanel("calls")]
    translated_fields = ("name", "description")  # one row: the calls belong to it once

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Playbook(TranslatedFields, models.Model):
    """What happens to each segment's customers: thank promoters, follow passives up, queue detractors."""

    class Category(models.TextChoices):
        PROMOTER = "promoter", _("Promoters (9–10)")
        PASSIVE = "passive", _("Passives (7–8)")
        DETRACTOR = "detractor", _("Detractors (0–6)")

    class Action(models.TextChoices):
        THANK_YOU_EMAIL = "thank_you_email", _("Send a branded thank-you e-mail")
        FOLLOW_UP_EMAIL = "follow_up_email", _("Send a follow-up e-mail")
        QUEUE = "queue", _("Add to the callback queue")
        NONE = "none", _("Nothing")

    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("segment"), max_length=10, choices=Category.choices, unique=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    subject = models.CharField(_("e-mail subject"), max_length=200, blank=True)
    subject_ru = models.CharField(_("e-mail subject in Russian"), max_length=200, blank=True)
    message = models.TextField(_("e-mail message"), blank=True, help_text=_("Plain text, without a greeting (the e-mail starts with “Dear Ann,”); {name} is the customer's first name."))
    message_ru = models.TextField(
        _("e-mail message in Russian"), blank=True,
        help_text=_("Sent to customers who answered in Russian; empty: they get the English message."))
    active = models.BooleanField(_("active"), default=True)

    panels = [FieldPanel("name"), FieldPanel("category"), FieldPanel("action"), FieldPanel("subject"),
              FieldPanel("message"), FieldPanel("subject_ru"), FieldPanel("message_ru"), FieldPanel("active")]
    # One playbook per segment (unique) that runs point at: the Russian texts sit beside the English.
    translated_fields = ("subject", "message")

    class Meta:
        ordering = ["category"]

    def __str__(self):
        return self.name


class PlaybookAction(models.Model):
    """One playbook action taken for one response: who, when, result."""

    wagtail_reference_index_ignore = True  # a record, not content: no usage to index (two queries a save)

    playbook = models.ForeignKey(Playbook, null=True, on_delete=models.SET_NULL, related_name="runs")
    response = models.ForeignKey("feedback.Response", on_delete=models.CASCADE, related_name="playbook_actions")
    action = models.CharField(max_length=20, choices=Playbook.Action.choices)
    actor = models.CharField(max_length=150, default="system")
    result = models.CharField(max_length=20, default="pending")
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["response", "action"], name="playbook_action_once")]
