from django.urls import path

from npshub.digest import views

app_name = "digest"

urlpatterns = [
    path("o/<str:token>.gif", views.pixel, name="pixel"),
    path("c/<str:token>/<int:index>/", views.click, name="click"),
    path("u/<str:token>/", views.preferences, name="preferences"),
    path("u/<str:token>/<slug:kind>/", views.unsubscribe, name="unsubscribe"),
]
