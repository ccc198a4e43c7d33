"""The live-update event log (the cross-process fan-out without Redis) and meeting-room screens."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

# The video formats a screen plays (and serves), by file extension.
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def new_screen_token():
    return secrets.token_urlsafe(24)


class LiveEvent(models.Model):
    """One score update, written by whichever process stored the responses. Each web process
    polls ``id > last seen`` a few times a second (one query per process, fanned out in-process
    to its open streams). Used only when REDIS_URL is unset; rows older than an hour are pruned."""

    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"live event {self.pk}"


class Screen(ClusterableModel):
    """A meeting-room display reached by its secret link, without signing in. Its playlist (``slides``)
    orders video and live slides; without one it shows the live slides its *show* options tick."""

    name = models.CharField(_("name"), max_length=120)
    room = models.CharField(_("room"), max_length=120, blank=True)
    language = models.CharField(
        _("language"), max_length=8, blank=True, choices=settings.LANGUAGES,
        help_text=_("The language of every text on the screen; empty: the browser's."))
    token = models.CharField(
        _("secret token"), max_length=64, unique=True, default=new_screen_token,
        help_text=_("The secret part of the link. Change it to invalidate the old link."),
    )
    active = models.BooleanField(_("active"), default=True, help_text=_("Untick to revoke the link at once."))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, help_text=_("Empty: never."))
    period_days = models.PositiveIntegerField(_("score period (days)"), default=90)
    segment = models.CharField(_("segment"), max_length=200, blank=True, help_text=_("Optional; comma-separated values."))
    product = models.CharField(_("product"), max_length=200, blank=True)
    region = models.CharField(_("region"), max_length=200, blank=True)
    team = models.CharField(_("team"), max_length=200, blank=True)
    show_score = models.BooleanField(_("show the score"), default=True)
    show_trend = models.BooleanField(_("show the trend"), default=True)
    show_quotes = models.BooleanField(_("show customer quotes"), default=True)
    show_news = models.BooleanField(_("show initiatives and wins"), default=True)
    pinned_quotes = models.TextField(
        _("pinned quotes"), blank=True,
        help_text=_("Response ids chosen by editors, one per line or comma-separated; shown before the automatic ones."),
    )
    quote_min_length = models.PositiveIntegerField(_("minimum quote length"), default=40)
    quote_max_age_days = models.PositiveIntegerField(_("quotes from the last N days"), default=30)
    slide_seconds = models.PositiveIntegerField(_("seconds per slide"), default=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("screen")
        verbose_name_plural = _("screens")

    def __str__(self):
        return f"{self.name} ({self.room})" if self.room else self.name

    @property
    def is_valid(self):
        return self.active and (self.expires_at is None or self.expires_at > timezone.now())

    @classmethod
    def for_token(cls, token):
        """The active, unexpired screen with this token, or 404 (the same for every failure)."""
        screen = cls.objects.filter(token=token).first() if token else None
        if screen is None or not screen.is_valid:
            raise Http404
        return screen

    def get_absolute_url(self):
        return f"/screens/{self.token}/"

    def filter_params(self):
        params = {name: getattr(self, name) for name in ("segment", "product", "region", "team") if getattr(self, name)}
        if self.period_days:
            params["from"] = (timezone.localdate() - timedelta(days=self.period_days - 1)).isoformat()
        return params

    def pinned_ids(self):
        ids = []
        for part in self.pinned_quotes.replace(",", " ").split():
            if part.isdigit():
                ids.append(int(part))
        return ids

    def playlist(self):
        """The slides in order, videos loaded (an empty list: the screen has no playlist)."""
        return list(self.slides.select_related("video").order_by("sort_order", "pk"))

    def plays_video(self, media_id):
        return self.slides.filter(kind=ScreenSlide.VIDEO, video_id=media_id).exists()


def video_type(media):
    """The browser content type of a media item a screen may play, or None (audio, other formats)."""
    if media is None or media.type != "video":
        return None
    return VIDEO_TYPES.get(media.file.name.rsplit(".", 1)[-1].lower()) if "." in media.file.name else None


class ScreenSlide(Orderable):
    """One step of a screen's playlist: a video, or one of the live slides, for some seconds."""

    VIDEO = "video"
    KINDS = [
        (VIDEO, _("Video")),
        ("score", _("Live: the score")),
        ("trend", _("Live: the trend")),
        ("comments", _("Live: customer comments")),
        ("wins", _("Live: big wins")),
        ("news", _("Live: initiatives and wins")),
    ]

    screen = ParentalKey(Screen, on_delete=models.CASCADE, related_name="slides")
    kind = models.CharField(_("slide"), max_length=20, choices=KINDS, default="score")
    video = models.ForeignKey(
        "wagtailmedia.Media", verbose_name=_("video"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+", help_text=_("MP4 or WebM, uploaded under Media. Plays muted."))
    seconds = models.PositiveIntegerField(
        _("seconds"), null=True, blank=True,
        help_text=_("Empty: a video plays to its end; a live slide stays the screen's seconds per slide. "
                    "A shorter video loops until its seconds are over."))

    class Meta(Orderable.Meta):
        verbose_name = _("slide")
        verbose_name_plural = _("playlist")

    def __str__(self):
        return str(self.video) if self.kind == self.VIDEO and self.video_id else str(self.get_kind_display())

    def clean(self):
        super().clean()
        if self.seconds is not None and not 1 <= self.seconds <= 3600:
            raise ValidationError({"seconds": _("Between 1 and 3600 seconds, or empty.")})
        if self.kind == self.VIDEO:
            if self.video_id is None:
                raise ValidationError({"video": _("Choose the video this slide plays.")})
            if video_type(self.video) is None:
                raise ValidationError({"video": _("Screens play MP4 or WebM videos only.")})
        elif self.video_id is not None:
            raise ValidationError({"video": _("Only a video slide plays a video: empty this field or pick “Video”.")})
