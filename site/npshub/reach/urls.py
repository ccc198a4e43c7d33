from django.urls import path, re_path

from npshub.reach import embed, views

app_name = "reach"
urlpatterns = [
    path("reach/", views.dashboard, name="dashboard"),
    path("reach/usage.csv", views.usage_csv, name="usage-csv"),
    # Keys are URL-safe tokens (secrets.token_urlsafe); anything else is not a route.
    re_path(r"^embed/(?P<key>[A-Za-z0-9_-]{1,64})/score\.js$", embed.score_js, name="embed-js"),
    re_path(r"^embed/(?P<key>[A-Za-z0-9_-]{1,64})/score\.json$", embed.score_json, name="embed-json"),
]
