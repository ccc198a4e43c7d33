from django.urls import path

from plans import meeting, views

urlpatterns = [
    path("plans/", views.overview, name="overview"),
    path("plans/new/", views.new, name="new"),
    path("plans/<int:plan_id>/", views.detail, name="detail"),
    path("plans/<int:plan_id>/actions/", views.add_action, name="add_action"),
    path("plans/<int:plan_id>/check-in/", views.check_in, name="check_in"),
    path("plans/<int:plan_id>/status/", views.plan_status, name="plan_status"),
    path("plans/actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path("teams/<slug:slug>/meeting/", meeting.meeting, name="meeting"),
]
