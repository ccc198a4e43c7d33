import datetime

import pytest
from django.utils import timezone

from npshub.feedback.models import Response, Source
from npshub.people import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def responses():
    source = Source.objects.create(name="Survey", slug="survey")
    other = Source.objects.create(name="Shop", slug="shop")
    tz = timezone.get_current_timezone()
    rows = [  # (day, score, segment, source)
        (datetime.date(2026, 1, 1), 10, "vip", source),
        (datetime.date(2026, 1, 1), 0, "vip", source),   # a 0 is a detractor, never lost
        (datetime.date(2026, 1, 15), 8, "new", source),
        (datetime.date(2026, 2, 1), 9, "new", other),
        (datetime.date(2026, 2, 2), None, "new", other),  # skipped: counts nowhere
    ]
    for n, (day, score, segment, src) in enumerate(rows):
        Response.objects.create(
            source=src, external_id=str(n), score=score, segment=segment,
            submitted_at=datetime.datetime.combine(day, datetime.time(0, 30), tzinfo=tz),
        )


@pytest.fixture
def api(client, django_user_model):
    user = django_user_model.objects.create_user("e", password="x")
    roles.grant(user, roles.EMPLOYEE)
    client.force_login(user)
    return client


def test_summary_counts_zero_and_skips_unanswered(api, responses):
    data = api.get("/api/v1/nps/summary/").json()
    contract = {"nps": 25.0, "responses": 4, "promoters": 2, "passives": 1, "detractors": 1, "margin_of_error": 81.3}
    assert {key: data[key] for key in contract} == contract
    # Extended, never changed: the denominators and the honesty flags.
    assert (data["skipped"], data["small_sample"], data["csat"], data["csat_responses"]) == (1, True, None, 0)


def test_filters_combine_and_dates_are_inclusive_in_site_time(api, responses):
    data = api.get("/api/v1/nps/summary/?from=2026-01-01&to=2026-01-01&segment=vip").json()
    assert (data["responses"], data["nps"]) == (2, 0.0)
    assert api.get("/api/v1/nps/summary/?source=shop,survey&segment=new").json()["responses"] == 2
    assert api.get("/api/v1/nps/summary/?segment=none").json()["nps"] is None


def test_timeseries_by_month(api, responses):
    data = api.get("/api/v1/nps/timeseries/?interval=month").json()
    assert data["interval"] == "month"
    assert [(p["period_start"], p["responses"]) for p in data["points"]] == [("2026-01-01", 3), ("2026-02-01", 1)]


def test_breakdown_by_segment_and_source(api, responses):
    rows = api.get("/api/v1/nps/breakdown/?by=segment").json()["rows"]
    assert {row["key"]: row["responses"] for row in rows} == {"new": 2, "vip": 2}
    rows = api.get("/api/v1/nps/breakdown/?by=source").json()["rows"]
    assert {row["key"]: row["nps"] for row in rows} == {"shop": 100.0, "survey": 0.0}
    assert api.get("/api/v1/nps/breakdown/?by=colour").status_code == 400
    assert api.get("/api/v1/nps/breakdown/").status_code == 400


def test_uncovered_filters_fall_back_to_raw_rows(api, responses):
    from npshub.feedback import stats
    from npshub.feedback.filters import StatsFilter
    from npshub.feedback.models import DailyProductSegmentRollup
    from npshub.feedback.models.rollups import GRAINS

    covered = StatsFilter(dimensions={"segment": ("vip",)})
    uncovered = StatsFilter(dimensions={"segment": ("vip",), "team": ("",)})  # no rollup has both
    assert stats.rollup_for(covered) is DailyProductSegmentRollup
    assert stats.rollup_for(uncovered) is None
    assert stats.rollup_for(StatsFilter(), group_by="source") is GRAINS[0]
    # With the rollups emptied, only the raw-row path still sees the responses.
    for model in GRAINS:
        model.objects.all().delete()
    assert stats.summary(covered)["responses"] == 0
    assert stats.summary(uncovered)["responses"] == 2
    assert api.get("/api/v1/nps/summary/?segment=vip&team=").json()["responses"] == 0  # blank = no filter


def test_summary_over_a_rollup_is_one_query(responses, django_assert_num_queries):
    from npshub.feedback import stats
    from npshub.feedback.filters import StatsFilter

    big = StatsFilter(dimensions={"product": ("a", "b"), "segment": ("vip",)}, sources=("survey", "shop"))
    with django_assert_num_queries(1):
        stats.summary(big)
    with django_assert_num_queries(1):
        stats.breakdown(StatsFilter(), "source")
    with django_assert_num_queries(1):
        stats.timeseries(StatsFilter(sources=("shop",)), "week")
