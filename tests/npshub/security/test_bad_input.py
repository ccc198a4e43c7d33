"""Bad input is a clear 400 (JSON for the API, naming the field), never a 500, and a bad row is a
rejected row, never a lost batch: far-off dates, deep JSON, lone surrogates, 64-bit overflows."""

import io
import json
import time

import pytest
from django.core.management import call_command

from npshub import dates, safejson
from npshub.feedback.api.sources import sign
from npshub.feedback.models import Response
from tests import factories as f

pytestmark = pytest.mark.django_db

FAR_PAST = "0001-01-01T00:00:00+05:00"  # five hours before year 1 in UTC: overflowed on storing
GOOD = {"external_id": "good-1", "submitted_at": "2026-03-01T12:00:00", "score": 9}
BAD = {"external_id": "bad-1", "submitted_at": FAR_PAST, "score": 3}
RANGE_REASON = (f"submitted_at must be within {dates.range_text()}, not 0001-01-01T00:00:00+05:00")


@pytest.fixture
def admin():
    return f.user("cx_admin", team=f.org().retail_team)


def stored():
    return sorted(Response.objects.values_list("external_id", flat=True))


def test_api_rejects_the_far_past_row_by_index_and_stores_the_good_one(admin):
    f.source("webshop")
    answer = f.api(admin).post("/api/v1/responses/", [
        {"source": "webshop", **GOOD}, {"source": "webshop", **BAD},
    ], format="json")
    assert answer.status_code == 201
    assert answer.json() == {"created": 1, "duplicates": 0, "updated": 0,
                             "rejected": [{"index": 1, "reason": RANGE_REASON}]}
    assert stored() == ["good-1"]


def test_api_rejects_far_future_and_lone_surrogate_rows_with_their_reason(admin):
    f.source("webshop")
    body = ('[{"source": "webshop", "external_id": "g", "submitted_at": "2026-03-01", "score": 8},'
            ' {"source": "webshop", "external_id": "late", "submitted_at": "9999-12-31T23:59:59-05:00", "score": 8}]')
    answer = f.api(admin).post("/api/v1/responses/", body, content_type="application/json")
    assert answer.status_code == 201
    assert answer.json()["rejected"] == [{"index": 1, "reason": (
        f"submitted_at must be within {dates.range_text()}, not 9999-12-31T23:59:59-05:00")}]
    assert stored() == ["g"]


def test_csv_import_keeps_the_good_rows_beside_a_far_past_row(tmp_path):
    path = tmp_path / "responses.csv"
    path.write_text("external_id,submitted_at,score\n"
                    "ok-1,2026-03-01T10:00:00,9\n"
                    f"bad-2,{FAR_PAST},3\n"
                    "ok-3,2026-03-02T10:00:00,7\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_responses", str(path), "--source", "csv-shop", "--no-progress", stdout=out)
    assert stored() == ["ok-1", "ok-3"]
    assert f"line 3: {RANGE_REASON}" in out.getvalue()


def test_webhook_rejects_the_far_past_row_and_stores_the_good_one(client):
    source = f.source("hook-shop")
    raw = json.dumps([GOOD, BAD]).encode()
    now = str(int(time.time()))
    answer = client.post(f"/api/v1/sources/{source.slug}/webhook/", data=raw, content_type="application/json",
                         HTTP_X_NPS_TIMESTAMP=now, HTTP_X_NPS_SIGNATURE=sign(source.webhook_secret, now, raw))
    assert answer.status_code == 201
    assert answer.json()["rejected"] == [{"index": 1, "reason": RANGE_REASON}]
    assert stored() == ["good-1"]


def test_webhook_with_a_non_numeric_unicode_timestamp_is_401_not_500(client):
    source = f.source("hook-shop")
    answer = client.post(f"/api/v1/sources/{source.slug}/webhook/", data=b"{}", content_type="application/json",
                         HTTP_X_NPS_TIMESTAMP="\u00b2", HTTP_X_NPS_SIGNATURE="00")
    assert answer.status_code == 401
    assert answer.json() == {"detail": "X-NPS-Timestamp must be Unix time in seconds."}


def test_deeply_nested_json_is_a_400_naming_the_problem(admin):
    answer = f.api(admin).post("/api/v1/responses/", "[" * 100_000 + "]" * 100_000,
                               content_type="application/json")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": f"JSON is nested deeper than {safejson.MAX_DEPTH} levels."}


def test_json_nested_within_the_parser_limit_but_too_deep_for_us_is_a_400(admin):
    answer = f.api(admin).post("/api/v1/responses/", "[" * 40 + "]" * 40, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": f"JSON is nested deeper than {safejson.MAX_DEPTH} levels "
                             "(at $[0][0][0][0][0][0][0][0]…)."}


def test_lone_surrogate_in_a_json_body_is_a_400_naming_where(admin):
    f.source("webshop")
    body = '[{"source": "webshop", "external_id": "x", "submitted_at": "2026-03-01", "score": 1, "comment": "\\ud800"}]'
    answer = f.api(admin).post("/api/v1/responses/", body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "JSON text at $[0].comment is not valid Unicode: a lone surrogate \\ud800."}
    assert stored() == []


def test_lone_surrogate_in_a_kudos_message_is_a_400(admin):
    colleague = f.user("employee")
    answer = f.api(admin).post("/api/v1/rewards/kudos/", f'{{"to": {colleague.pk}, "message": "hi \\udfff"}}',
                               content_type="application/json")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "JSON text at $.message is not valid Unicode: a lone surrogate \\udfff."}


@pytest.mark.parametrize("url", [
    "/api/v1/comments/?to=9999-12-31",
    "/api/v1/comments/export/?to=9999-12-31&format=csv",
    "/api/v1/callbacks/stats/?to=9999-12-31",
    "/api/v1/nps/summary/?to=9999-12-31",
    "/api/v1/nps/timeseries/?to=9999-12-31",
    "/api/v1/nps/export/?to=9999-12-31&view=timeseries&format=csv",
])
def test_far_future_to_is_a_400_json_naming_the_field(admin, url):
    answer = f.api(admin).get(url)
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["detail"] == f"'to' must be a date within {dates.range_text()}, not 9999-12-31."


def test_far_past_from_on_callback_stats_is_a_400(admin):
    answer = f.api(admin).get("/api/v1/callbacks/stats/?from=0001-01-01")
    assert answer.status_code == 400
    assert answer.json() == {"detail": f"'from' must be a date within {dates.range_text()}, not 0001-01-01."}


def test_unreadable_date_on_callback_stats_is_a_400_not_a_500(admin):
    answer = f.api(admin).get("/api/v1/callbacks/stats/?to=soon")
    assert answer.status_code == 400
    assert answer.json() == {"detail": "'to' must be a date as YYYY-MM-DD, not 'soon'."}


@pytest.mark.parametrize("query,name,value", [("to=9999-12-31", "to", "9999-12-31"),
                                              ("from=0001-01-01", "from", "0001-01-01")])
def test_stats_page_with_a_date_out_of_range_is_a_400_page_naming_the_field(client, admin, query, name, value):
    client.force_login(admin)
    answer = client.get(f"/stats/?{query}")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "text/html; charset=utf-8"
    assert f"&#x27;{name}&#x27; must be a date within {dates.range_text()}, not {value}." in answer.content.decode()


def test_stats_page_in_russian_names_the_field_in_russian(client, admin):
    client.force_login(admin)
    client.cookies["django_language"] = "ru"
    answer = client.get("/stats/?to=9999-12-31")
    assert answer.status_code == 400
    assert f"«to» — дата в пределах {dates.range_text()}, а не 9999-12-31." in answer.content.decode()


@pytest.mark.parametrize("value", ["99999999999999999999999", "\u00b2", "-1", "0"])
def test_kudos_for_an_impossible_user_id_is_a_400(admin, value):
    answer = f.api(admin).get("/api/v1/rewards/kudos/", {"user": value})
    assert answer.status_code == 400
    assert answer.json() == {"detail": "user: Must be a user id.", "errors": {"user": "Must be a user id."}}


OUT_OF_RANGE = "A number or date in the request is out of range."


@pytest.mark.parametrize("error,detail", [
    (OverflowError("Python int too large to convert to SQLite INTEGER"), OUT_OF_RANGE),
    (RecursionError("maximum recursion depth exceeded"), "The request is nested too deeply."),
    (UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed"),
     "The request holds text that is not valid Unicode (for example a lone surrogate)."),
])
def test_the_api_maps_overflow_recursion_and_encoding_errors_to_400_json(admin, error, detail):
    """The safety net behind every API view (the DRF exception handler), whatever raised it."""
    from rest_framework.test import APIRequestFactory
    from rest_framework.views import APIView

    class Failing(APIView):
        def get(self, request):
            raise error

    request = APIRequestFactory().get("/api/v1/anything/")
    request.user = admin
    answer = Failing.as_view()(request)
    assert (answer.status_code, answer.data) == (400, {"detail": detail})


@pytest.mark.parametrize("path,content_type", [("/api/v1/anything/", "application/json"),
                                               ("/stats/", "text/html; charset=utf-8")])
def test_the_middleware_maps_an_overflow_in_any_view_to_a_400(rf, admin, path, content_type):
    """The safety net behind pages and plain Django views (npshub.middleware.BadInputMiddleware)."""
    from npshub.middleware import BadInputMiddleware

    request = rf.get(path)
    request.user = admin
    answer = BadInputMiddleware(lambda request: None).process_exception(request, OverflowError("date value out of range"))
    assert (answer.status_code, answer["Content-Type"]) == (400, content_type)
    assert OUT_OF_RANGE in answer.content.decode()
    assert BadInputMiddleware(lambda request: None).process_exception(request, KeyError("x")) is None


@pytest.mark.parametrize("path", ["/api/v1/comments/export/?channel=%2F%00x", "/api/v1/comments/?q=a%00b",
                                  "/comments/?q=%00", "/stats/?product%00=kettle"])
def test_a_nul_in_the_query_string_is_a_400_on_any_database(client, admin, path):
    """PostgreSQL cannot store a NUL in text (schemathesis found /api/v1/comments/export/ answering 500)."""
    client.force_login(admin)
    answer = client.get(path)
    assert answer.status_code == 400
    assert "NUL character" in answer.content.decode()
    assert (answer["Content-Type"] == "application/json") == path.startswith("/api/")
