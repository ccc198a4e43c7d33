"""The statistics and comment filters are django-filter FilterSets: one reading of from/to, the
dimensions and source for the API, the exports and the pages; the OpenAPI schema lists them."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from drf_spectacular.drainage import GENERATOR_STATS

from npshub.feedback.filters import InvalidFilter, StatsFilter, StatsFilterSet
from npshub.feedback.models import DIMENSIONS, Response
from tests import factories as f

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)
FILTERS = ("from", "to", *DIMENSIONS, "source")


@pytest.fixture
def api():
    return f.api(f.user("employee"))


@pytest.fixture
def regions():
    shop, app = f.source(f.unique("shop")), f.source(f.unique("app"))
    f.responses(shop, DAY, promoters=3, region="north")
    f.responses(app, DAY, detractors=2, region="south")
    f.responses(shop, DAY + datetime.timedelta(days=5), passives=4, region="east")
    for score, region in ((10, "north"), (2, "south"), (7, "east")):
        f.response(score, source_=shop, region=region, comment=f"Said in the {region}",
                   submitted_at=_noon(DAY))
    return shop, app


def _noon(day):
    from django.utils import timezone

    return datetime.datetime.combine(day, datetime.time(12), tzinfo=timezone.get_current_timezone())


def _csv_rows(answer):
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# --- The schema ------------------------------------------------------------------------------------

def test_the_schema_validates_without_a_warning(tmp_path):
    GENERATOR_STATS.reset()  # warnings of schemas built earlier in this process are not this one's
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert not GENERATOR_STATS


@pytest.mark.parametrize("path", ["/api/v1/nps/summary/", "/api/v1/nps/breakdown/", "/api/v1/nps/export/",
                                  "/api/v1/comments/", "/api/v1/comments/export/", "/api/v1/topics/"])
def test_the_schema_lists_the_filters_from_the_filterset(api, path):
    schema = api.get("/api/schema/?format=json").json()
    parameters = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
    assert set(FILTERS) <= set(parameters)
    assert parameters["from"]["schema"] == parameters["to"]["schema"] == {"type": "string", "format": "date"}
    for name in (*DIMENSIONS, "source"):
        assert parameters[name]["schema"] == {"type": "array", "items": {"type": "string"}}
        assert parameters[name]["explode"] is False and "repeated" in parameters[name]["description"]


def test_the_schema_lists_the_comment_filters_and_keeps_the_view_parameters(api):
    schema = api.get("/api/schema/?format=json").json()
    comments = {p["name"]: p for p in schema["paths"]["/api/v1/comments/"]["get"]["parameters"]}
    assert {"topic", "q", "score_min", "score_max", "page", "page_size"} <= set(comments)
    assert comments["score_min"]["schema"] == {"type": "integer", "minimum": 0, "maximum": 10}
    compare = {p["name"] for p in schema["paths"]["/api/v1/nps/compare/"]["get"]["parameters"]}
    assert {"a_from", "a_to", "b_from", "b_to", *DIMENSIONS, "source"} <= compare and "from" not in compare
    export = {p["name"]: p for p in schema["paths"]["/api/v1/nps/export/"]["get"]["parameters"]}
    assert {"view", "format", "interval", "by", "min_responses", "a_from", "b_to"} <= set(export)
    assert set(export["interval"]["schema"]["enum"]) == {"day", "week", "month"}


# --- One reading of the parameters ------------------------------------------------------------------

def test_from_params_reads_a_query_dict_and_a_dict_alike():
    query = QueryDict("region=north&region=south,north&source=shop&from=2026-03-01&to=2026-03-31")
    expected = StatsFilter(datetime.date(2026, 3, 1), datetime.date(2026, 3, 31), {"region": ("north", "south")},
                           ("shop",))
    assert StatsFilter.from_params(query) == expected
    assert StatsFilter.from_params({"region": "north, south,,", "source": "shop", "from": "2026-03-01",
                                    "to": "2026-03-31"}) == expected
    assert StatsFilter.from_params({}) == StatsFilter()


def test_the_filtersets_rows_are_the_statistics_rows(regions):
    shop, _app = regions
    query = QueryDict(f"region=north&region=east&source={shop.slug}&to={DAY.isoformat()}")
    rows = StatsFilterSet(query, queryset=Response.objects.all()).checked().qs
    assert set(rows) == set(StatsFilter.from_params(query).apply(Response.objects.all()))
    assert sorted(row.region for row in rows) == ["east", "north", "north", "north", "north"]


@pytest.mark.parametrize("params,message", [
    ({"from": "soon"}, "'from' must be a date as YYYY-MM-DD, not 'soon'."),
    ({"to": "2026-02-30"}, "'to' must be a date as YYYY-MM-DD, not '2026-02-30'."),
    ({"from": "2026-03-02", "to": "2026-03-01"}, "'from' must not be after 'to'."),
])
def test_bad_parameters_raise_invalid_filter_naming_them(params, message):
    with pytest.raises(InvalidFilter) as raised:
        StatsFilter.from_params(params)
    assert str(raised.value) == message


# --- Through the HTTP API ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/nps/summary/", "/api/v1/nps/breakdown/?by=region",
                                  "/api/v1/nps/export/?view=breakdown&by=region&format=csv", "/api/v1/comments/"])
def test_repeated_and_comma_separated_values_give_the_same_answer(api, regions, path):
    shop, app = regions
    sep = "&" if "?" in path else "?"
    comma = api.get(f"{path}{sep}region=north,south&source={shop.slug},{app.slug}")
    repeated = api.get(f"{path}{sep}region=north&region=south&source={shop.slug}&source={app.slug}")
    mixed = api.get(f"{path}{sep}region=north,south&region=north&source={shop.slug},{app.slug}")
    assert comma.status_code == repeated.status_code == mixed.status_code == 200
    assert comma.content == repeated.content == mixed.content
    every = api.get(path)
    assert comma.content != every.content  # the filter did narrow (east is left out)


def test_the_values_count_what_they_name(api, regions):
    both = api.get("/api/v1/nps/summary/?region=north&region=south").json()
    assert (both["responses"], both["promoters"], both["detractors"]) == (7, 4, 3)
    rows = api.get("/api/v1/nps/breakdown/?by=region&region=north&region=south").json()["rows"]
    assert sorted(row["key"] for row in rows) == ["north", "south"]
    comments = api.get("/api/v1/comments/?region=south&region=east").json()
    assert sorted(item["comment"] for item in comments["results"]) == ["Said in the east", "Said in the south"]
    exported = _csv_rows(api.get("/api/v1/comments/export/?format=csv&region=north&region=east"))
    assert sorted(row["region"] for row in exported) == ["east", "north"]


@pytest.mark.parametrize("path", ["/api/v1/nps/summary/", "/api/v1/nps/timeseries/", "/api/v1/nps/breakdown/?by=team",
                                  "/api/v1/nps/ranking/?by=team", "/api/v1/nps/export/?view=summary&format=csv",
                                  "/api/v1/comments/", "/api/v1/comments/export/?format=csv", "/api/v1/topics/"])
@pytest.mark.parametrize("query,message", [
    ("from=2026-3-1", "'from' must be a date as YYYY-MM-DD, not '2026-3-1'."),
    ("to=tomorrow", "'to' must be a date as YYYY-MM-DD, not 'tomorrow'."),
    ("from=2026-03-10&to=2026-03-09", "'from' must not be after 'to'."),
])
def test_a_bad_date_or_from_after_to_is_a_400_naming_the_parameter(api, path, query, message):
    sep = "&" if "?" in path else "?"
    answer = api.get(f"{path}{sep}{query}")
    assert answer.status_code == 400
    assert answer["Content-Type"] == "application/json"
    assert answer.json() == {"detail": message}


@pytest.mark.parametrize("query,message", [
    ("a_from=2026-03-10&a_to=2026-03-09", "'a_from' must not be after 'a_to'."),
    ("b_to=March", "'b_to' must be a date as YYYY-MM-DD, not 'March'."),
])
def test_the_comparisons_periods_are_checked_by_name(api, query, message):
    for path in ("/api/v1/nps/compare/?", "/api/v1/nps/export/?view=compare&format=csv&"):
        answer = api.get(f"{path}{query}")
        assert answer.status_code == 400 and answer.json() == {"detail": message}


def test_the_date_bounds_are_inclusive_days(api, regions):
    day = DAY.isoformat()
    assert api.get(f"/api/v1/nps/summary/?from={day}&to={day}").json()["responses"] == 8
    later = (DAY + datetime.timedelta(days=5)).isoformat()
    assert api.get(f"/api/v1/nps/summary/?from={later}").json()["responses"] == 4
    assert api.get(f"/api/v1/comments/?to={day}").json()["count"] == 3
    assert api.get(f"/api/v1/comments/?from={later}").json()["count"] == 0


@pytest.mark.parametrize("param", [*DIMENSIONS, "source"])
def test_an_unknown_value_gives_no_rows_not_an_error(api, regions, param):
    summary = api.get(f"/api/v1/nps/summary/?{param}=nowhere")
    assert summary.status_code == 200
    assert (summary.json()["responses"], summary.json()["nps"]) == (0, None)
    assert api.get(f"/api/v1/nps/breakdown/?by=region&{param}=nowhere").json()["rows"] == []
    comments = api.get(f"/api/v1/comments/?{param}=nowhere")
    assert comments.status_code == 200 and comments.json()["count"] == 0
    assert api.get(f"/api/v1/comments/?{param}=nowhere,north").status_code == 200


def test_the_comment_filters_still_check_scores_after_the_dates(api, regions):
    answer = api.get("/api/v1/comments/?score_min=8&score_max=3")
    assert answer.status_code == 400 and answer.json() == {"detail": "'score_min' must not be above 'score_max'."}
    answer = api.get("/api/v1/comments/?score_max=eleven&to=never")
    assert answer.json() == {"detail": "'to' must be a date as YYYY-MM-DD, not 'never'."}
    scores = [item["score"] for item in api.get("/api/v1/comments/?score_min=7&topic=&q=said").json()["results"]]
    assert sorted(scores) == [7, 10]
