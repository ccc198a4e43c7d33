from django.urls import path

from rewards import views

urlpatterns = [
    path("rewards/", views.store, name="store"),
    path("rewards/items/<int:item_id>/redeem/", views.redeem, name="redeem"),
    path("rewards/redemptions/<int:redemption_id>/cancel/", views.cancel, name="cancel"),
    path("rewards/approvals/", views.approvals, name="approvals"),
    path("rewards/approvals/<int:redemption_id>/", views.decide, name="decide"),
    path("rewards/leaderboards/", views.leaderboards, name="leaderboards"),
    path("rewards/preferences/", views.preferences, name="preferences"),
    path("me/", views.me, name="me"),
    path("me/notifications/read/", views.notifications_read, name="notifications_read"),
    path("people/", views.people_search, name="people"),
    path("people/<int:user_id>/", views.person, name="person"),
    path("people/<int:user_id>/kudos/", views.give_kudos, name="give_kudos"),
    path("teams/<slug:slug>/", views.team, name="team"),
]
