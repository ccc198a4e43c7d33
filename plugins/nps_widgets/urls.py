from django.urls import path

from nps_widgets import comments_page, screen_playlist, views

urlpatterns = [
    path("stats/", views.dashboard_view, name="dashboard"),
    path("comments/", comments_page.comments, name="comments"),
    path("widgets/block/", views.block_fragment, name="block"),
    path("screens/<str:token>/", views.screen_view, name="screen"),
    path("screens/<str:token>/live/", views.screen_live, name="screen-live"),
    path("screens/<str:token>/videos/<int:media_id>/", screen_playlist.video, name="screen-video"),
]
