from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, InlinePanel, ObjectList, TabbedInterface
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register
from wagtailmedia.edit_handlers import MediaChooserPanel

from nps_widgets.models import Screen

SCREEN_FIELDS = (
    "name", "room", "language", "token", "active", "expires_at", "period_days", "segment", "product", "region", "team",
    "show_score", "show_trend", "show_quotes", "show_news", "pinned_quotes", "quote_min_length", "quote_max_age_days",
    "slide_seconds",
)


@modeladmin_register
class ScreenAdmin(ModelAdmin):
    """Meeting-room screens: create one to get its secret link; untick "active" (or set an expiry)
    to revoke it; change the token to replace the link."""

    model = Screen
    menu_label = _("Screens")
    menu_icon = "desktop"
    menu_order = 260
    list_display = ("name", "room", "active", "expires_at", "status", "link")
    list_filter = ("active",)
    search_fields = ("name", "room")
    # The playlist: video and live slides in order (drag or the arrows), each for its seconds. Empty:
    # the screen cycles the live slides its "show ..." options tick, as before playlists existed.
    edit_handler = TabbedInterface([
        ObjectList([FieldPanel(name) for name in SCREEN_FIELDS], heading=_("Screen")),
        ObjectList([InlinePanel(
            "slides", heading=_("Playlist"), label=_("Slide"),
            help_text=_("Videos and live slides in the order the screen shows them. Empty: the live slides "
                        "ticked on the first tab, each for the screen's seconds per slide."),
            panels=[FieldPanel("kind"), MediaChooserPanel("video", media_type="video"), FieldPanel("seconds")],
        )], heading=_("Playlist")),
    ])

    def status(self, obj):
        return _("valid") if obj.is_valid else _("revoked or expired")

    status.short_description = _("status")

    def link(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("open"))

    link.short_description = _("link")
