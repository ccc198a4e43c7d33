from django.urls import path

from callbacks import interview_views, views

urlpatterns = [
    path("callbacks/", views.queue, name="queue"),
    path("callbacks/guide/", views.guide, name="guide"),
    path("callbacks/library/", views.library, name="library"),
    path("callbacks/training/", views.training, name="training"),
    path("callbacks/recordings/<int:pk>/", views.recording, name="recording"),
    path("callbacks/interviews/", interview_views.library, name="interviews"),
    path("callbacks/interviews/new/", interview_views.new, name="interview_new"),
    path("callbacks/interviews/<int:pk>/", interview_views.detail, name="interview"),
    path("callbacks/interviews/<int:pk>/audio/", interview_views.audio, name="interview_audio"),
    path("callbacks/interviews/<int:pk>/erase/", interview_views.erase, name="interview_erase"),
    path("callbacks/<int:pk>/", views.detail, name="detail"),
    path("callbacks/<int:pk>/claim/", views.claim, name="claim"),
    path("callbacks/<int:pk>/release/", views.release, name="release"),
    path("callbacks/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("callbacks/<int:pk>/recording/", views.upload, name="upload"),
    path("callbacks/<int:pk>/dial/", views.dial, name="dial"),
    path("callbacks/<int:pk>/curate/", views.curate, name="curate"),
]
