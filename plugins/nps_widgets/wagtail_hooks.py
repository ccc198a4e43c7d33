from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail_modeladmin.options import ModelAdmin, modeladmin_register

from nps_widgets.models import Screen


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

    def status(self, obj):
        return _("valid") if obj.is_valid else _("revoked or expired")

    status.short_description = _("status")

    def link(self, obj):
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', obj.get_absolute_url(), _("open"))

    link.short_description = _("link")
