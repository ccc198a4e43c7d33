"""Setting up pulls: over the API (POST/PATCH /api/v1/sources/, the pull object) and in the admin
(Pull now, run history), CX admins only."""

import pytest
from django.test import Client

from npshub.feedback.models import PullRun, Source, SourcePull
from tests import factories as f
from tests.intranet.feed import feed_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
FEED = {"kind": "json", "url": "https://reviews.example/api/reviews", "every_minutes": 15,
        "headers_env": {"Authorization": "REVIEWS_TOKEN"}, "next_path": "links.next", "cursor_param": "since",
        "cursor_field": "submitted_at"}


def test_cx_admin_creates_a_pulling_source_and_reads_it_back():
    client = f.api(f.user("cx_admin"))
    response = client.post("/api/v1/sources/", {
        "slug": "reviews", "name": "Review site", "kind": "marketplace",
        "field_mapping": {"_items": "data.reviews", "score": "rating"}, "pull": FEED}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["pull"]["kind"] == "json" and body["pull"]["headers_env"] == {"Authorization": "REVIEWS_TOKEN"}
    assert "query" not in body["pull"] and "database_env" not in body["pull"]  # not for a json pull
    assert body["pull"]["last_run"] is None and body["pull"]["cursor"] == ""
    pull = SourcePull.objects.get(source__slug="reviews")
    assert (pull.every_minutes, pull.next_path, pull.next_run_at) == (15, "links.next", None)
    listed = client.get("/api/v1/sources/").json()
    assert [s["pull"]["url"] for s in listed if s["slug"] == "reviews"] == [FEED["url"]]
    assert client.get("/api/v1/sources/reviews/").json()["pull"]["every_minutes"] == 15


def test_patch_replaces_the_pull_and_null_removes_it():
    client = f.api(f.user("cx_admin"))
    client.post("/api/v1/sources/", {"slug": "till", "name": "Till survey", "pull": FEED}, format="json")
    SourcePull.objects.filter(source__slug="till").update(cursor="2026-03-01T00:00:00+00:00")
    sql = {"kind": "sql", "query": "SELECT * FROM answers", "database_env": "TILL_DB_URL", "cursor_field": "answered_at"}
    response = client.patch("/api/v1/sources/till/", {"pull": sql}, format="json")
    assert response.status_code == 200, response.json()
    pull = SourcePull.objects.get(source__slug="till")
    assert (pull.kind, pull.url, pull.next_path, pull.headers_env, pull.cursor) == ("sql", "", "", {}, "")
    response = client.patch("/api/v1/sources/", {"slug": "till", "name": "Till survey (SQL)"}, format="json")
    assert response.status_code == 200 and Source.objects.get(slug="till").name == "Till survey (SQL)"
    assert SourcePull.objects.filter(source__slug="till").exists()  # no pull key: the pull stays
    assert client.patch("/api/v1/sources/till/", {"pull": None}, format="json").status_code == 200
    assert not SourcePull.objects.filter(source__slug="till").exists()


@pytest.mark.parametrize("pull,field", [
    ({**FEED, "url": "ftp://reviews.example/x"}, "url"),
    ({**FEED, "query": "SELECT 1"}, "query"),
    ({**FEED, "page_param": "page"}, "page_param"),
    ({**FEED, "cursor_field": ""}, "cursor_field"),
    ({**FEED, "headers_env": {"Authorization": "Bearer literally-the-secret"}}, "headers_env"),
    ({**FEED, "every_minutes": 0}, "every_minutes"),
    ({"kind": "sql", "query": "DELETE FROM answers", "database_env": "DB"}, "query"),
    ({"kind": "sql", "query": "SELECT 1", "database_env": "postgres://u:p@db/x"}, "database_env"),
    ({"kind": "carrier-pigeon"}, "kind"),
])
def test_bad_pull_objects_are_a_400_naming_the_field_and_store_nothing(pull, field):
    client = f.api(f.user("cx_admin"))
    response = client.post("/api/v1/sources/", {"slug": "bad", "name": "Bad", "pull": pull}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert field in body["detail"] and field in body["errors"]["pull"]
    assert not Source.objects.filter(slug="bad").exists()


def test_field_mapping_names_our_fields_only():
    client = f.api(f.user("cx_admin"))
    response = client.post("/api/v1/sources/", {"slug": "m", "name": "M", "field_mapping": {"stars": "rating"}},
                           format="json")
    assert response.status_code == 400 and "unknown field(s) stars" in response.json()["detail"]


def test_only_cx_admins_set_up_sources():
    assert f.api().post("/api/v1/sources/", {"slug": "x", "name": "X"}, format="json").status_code == 401
    client = f.api(f.user("editor"))
    assert client.post("/api/v1/sources/", {"slug": "x", "name": "X"}, format="json").status_code == 403
    assert client.patch("/api/v1/sources/x/", {"name": "Y"}, format="json").status_code == 403


def test_admin_pull_now_and_run_history(feed_server):
    feed_server.set_state(reviews=[{"id": "r1", "created": "2026-03-01T10:00:00+00:00", "rating": 10}])
    source = f.source("admin-feed", field_mapping={"_items": "items", "external_id": "id",
                                                   "submitted_at": "created", "score": "rating"})
    pull = SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/offset",
                                     offset_param="offset")
    browser = Client()
    browser.force_login(f.user("cx_admin"))
    listing = browser.get("/admin/feedback/sourcepull/")
    assert listing.status_code == 200 and f"/admin/feedback/pulls/{pull.pk}/pull-now/" in listing.content.decode()
    confirm = browser.get(f"/admin/feedback/pulls/{pull.pk}/pull-now/")
    assert confirm.status_code == 200 and "Admin Feed" in confirm.content.decode()
    done = browser.post(f"/admin/feedback/pulls/{pull.pk}/pull-now/", follow=True)
    assert done.status_code == 200
    run = PullRun.objects.get()
    assert (run.trigger, run.status, run.created) == ("admin", "ok", 1)
    assert done.redirect_chain[-1][0].endswith(f"/admin/feedback/pullrun/?pull__id__exact={pull.pk}")
    history = done.content.decode()
    assert "admin" in history and "succeeded" in history.lower()
    editor = Client()
    editor.force_login(f.user("editor"))
    refused = editor.post(f"/admin/feedback/pulls/{pull.pk}/pull-now/")  # Wagtail's "permission denied"
    assert (refused.status_code, refused["Location"]) == (302, "/admin/")
    assert PullRun.objects.count() == 1


def test_cx_admin_sets_up_a_pull_in_the_admin_form():
    source = f.source("form-feed")
    browser = Client()
    browser.force_login(f.user("cx_admin"))
    form = {"source": source.pk, "kind": "json", "every_minutes": 30, "active": "on", "url": "https://x.example/feed",
            "headers_env": '{"Authorization": "X_TOKEN"}', "next_path": "", "page_param": "", "offset_param": "",
            "cursor_param": "since", "cursor_field": "", "query": "SELECT 1", "database_env": "", "cursor": ""}
    refused = browser.post("/admin/feedback/sourcepull/create/", form)
    assert refused.status_code == 200 and not SourcePull.objects.exists()
    page = refused.content.decode()
    assert "cursor_param and cursor_field go together" in page and "does not apply to a json pull" in page
    created = browser.post("/admin/feedback/sourcepull/create/", {**form, "cursor_field": "submitted_at", "query": ""})
    assert created.status_code == 302
    pull = SourcePull.objects.get(source=source)
    assert (pull.headers_env, pull.cursor_param, pull.every_minutes) == ({"Authorization": "X_TOKEN"}, "since", 30)
