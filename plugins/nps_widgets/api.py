"""/api/v1/ routes of the widgets plugin."""

from nps_widgets.views import LiveStreamView


def register(router):
    router.add_view("live/", LiveStreamView, "live")
