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


def test_whole_months_read_the_monthly_tier_and_partial_ones_by_day_or_raw_rows(api, responses):
    from npshub.feedback import rollup_reads, stats
    from npshub.feedback.filters import StatsFilter
    from npshub.feedback.models import (
        DailyProductSegmentRollup, DailySegmentRollup, MonthlyCubeRollup, MonthlyPlaceRollup, MonthlySourceRollup,
    )
    from npshub.feedback.models.rollups import DAILY, MONTHLY
    from npshub.feedback.rollup_reads import Part

    covered = StatsFilter(dimensions={"segment": ("vip",)})
    uncovered = StatsFilter(dimensions={"segment": ("vip",), "team": ("",)})  # no daily rollup has both
    assert rollup_reads.rollup_for(covered) is DailySegmentRollup
    assert rollup_reads.rollup_for(covered, "product") is DailyProductSegmentRollup
    assert rollup_reads.rollup_for(uncovered) is None
    assert rollup_reads.rollup_for(uncovered, tier=MONTHLY) is MonthlyPlaceRollup
    assert rollup_reads.rollup_for(uncovered, "product", MONTHLY) is MonthlyCubeRollup
    assert rollup_reads.rollup_for(StatsFilter(), "source", MONTHLY) is MonthlySourceRollup
    # January whole, then February 1..2: the month from the monthly tier, the two days raw (no daily rollup).
    january_on = StatsFilter(datetime.date(2026, 1, 1), datetime.date(2026, 2, 2), uncovered.dimensions)
    assert rollup_reads.plan(january_on) == [
        Part(MonthlyPlaceRollup, StatsFilter(datetime.date(2026, 1, 1), datetime.date(2026, 1, 1), uncovered.dimensions)),
        Part(None, StatsFilter(datetime.date(2026, 2, 1), datetime.date(2026, 2, 2), uncovered.dimensions)),
    ]
    assert rollup_reads.describe(january_on, "week") == "raw"  # weeks are read by day
    assert rollup_reads.describe(StatsFilter(datetime.date(2026, 1, 10)), "product") == (
        "monthlyproductsegmentrollup+dailyproductrollup")
    assert stats.summary(covered)["responses"] == stats.summary(covered, force_raw=True)["responses"] == 2
    # With the daily tier emptied, open ranges still count everything (monthly), day series nothing.
    for model in DAILY:
        model.objects.all().delete()
    assert stats.summary(StatsFilter())["responses"] == 4
    assert stats.timeseries(StatsFilter(), "day") == []
    assert stats.summary(january_on)["responses"] == 2  # January's two vip answers, from the monthly tier
    assert stats.summary(StatsFilter(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31)))["responses"] == 3
    assert stats.summary(StatsFilter(datetime.date(2026, 1, 2), datetime.date(2026, 1, 31)))["responses"] == 0
    # And with the monthly tier emptied too, only the raw-row path still sees the responses.
    for model in MONTHLY:
        model.objects.all().delete()
    assert stats.summary(covered)["responses"] == 0
    assert stats.summary(covered, force_raw=True)["responses"] == 2
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
