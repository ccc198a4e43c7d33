from django.urls import path

from callbacks import views

urlpatterns = [
    path("callbacks/", views.queue, name="queue"),
    path("callbacks/guide/", views.guide, name="guide"),
    path("callbacks/library/", views.library, name="library"),
    path("callbacks/training/", views.training, name="training"),
    path("callbacks/recordings/<int:pk>/", views.recording, name="recording"),
    path("callbacks/<int:pk>/", views.detail, name="detail"),
    path("callbacks/<int:pk>/claim/", views.claim, name="claim"),
    path("callbacks/<int:pk>/release/", views.release, name="release"),
    path("callbacks/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("callbacks/<int:pk>/recording/", views.upload, name="upload"),
    path("callbacks/<int:pk>/dial/", views.dial, name="dial"),
    path("callbacks/<int:pk>/curate/", views.curate, name="curate"),
]
