from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NpsWidgetsConfig(AppConfig):
    name = "nps_widgets"
    label = "nps_widgets"
    verbose_name = "Live NPS widgets"
    default_auto_field = "django.db.models.BigAutoField"

    class NpsHubPluginMeta:
        name = "Live NPS widgets"
        version = "1.0"
        description = "Live score blocks, charts, the comment stream, the statistics page and meeting-room screens."
        blocks = "nps_widgets.blocks.BLOCKS"
        api = "nps_widgets.api.register"
        urls = "nps_widgets.urls"
        nav = [(_("Statistics"), "nps_widgets:dashboard"), (_("Comments"), "nps_widgets:comments")]
        settings = {
            "NPS_WIDGETS_LIVE": True,  # publish live updates when responses arrive
            "NPS_WIDGETS_LIVE_POLL": 0.25,  # seconds between event-table polls (no Redis)
            "NPS_WIDGETS_LIVE_HEARTBEAT": 15,  # seconds between SSE keep-alive comments
        }
        demo = "nps_widgets.demo.load"
        # CX admins manage the meeting-room screens; editors build their playlists (videos and live
        # slides) on existing screens (granted by the core after migrate; videos: roles.COLLECTION_PERMISSIONS).
        permissions = {
            "cx_admin": [f"nps_widgets.{action}_screen" for action in ("add", "change", "delete", "view")],
            "editor": ["nps_widgets.change_screen", "nps_widgets.view_screen"],
        }
        css = ["nps_widgets/widgets.css"]
        js = ["nps_widgets/live.js"]

    def ready(self):
        from nps_widgets import signal_handlers  # noqa: F401
