from django.urls import path

from npshub.reach import embed, views

app_name = "reach"
urlpatterns = [
    path("reach/", views.dashboard, name="dashboard"),
    path("reach/usage.csv", views.usage_csv, name="usage-csv"),
    path("embed/<str:key>/score.js", embed.score_js, name="embed-js"),
    path("embed/<str:key>/score.json", embed.score_json, name="embed-json"),
]
