"""Rollups follow every change to the responses: apply() on ingestion, rebuild() from the raw rows."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from npshub.feedback import rollups
from npshub.feedback.models import (
    DailyProductSegmentRollup, DailyRegionChannelRollup, DailySourceRollup, DailyTeamRollup, Response, Source,
)
from npshub.feedback.models.rollups import GRAINS, MEASURES

pytestmark = pytest.mark.django_db


def snapshot():
    """Every rollup's non-empty rows as {table: {key: measures}}."""
    result = {}
    for model in GRAINS:
        keys = ("day", "source_id", *model.dimensions)
        result[model._meta.db_table] = {
            tuple(row[k] for k in keys): tuple(row[m] for m in MEASURES)
            for row in model.objects.values(*keys, *MEASURES)
            if any(row[m] for m in MEASURES)
        }
    return result


def make(source, n, score, when, **fields):
    return Response(source=source, external_id=str(n), score=score, submitted_at=when, **fields)


def test_apply_counts_each_grain_and_local_day():
    survey = Source.objects.create(name="Survey", slug="survey")
    tz = timezone.get_current_timezone()
    # 23:30 UTC on 31 Dec is already 1 January in Moscow: the rollup day is the local date.
    late = datetime.datetime(2025, 12, 31, 23, 30, tzinfo=datetime.UTC)
    noon = datetime.datetime(2026, 1, 1, 12, 0, tzinfo=tz)
    batch = [
        make(survey, 1, 10, late, team="a", region="north", channel="store", product="kettle", segment="vip",
             csat=5, ces=2),
        make(survey, 2, 0, noon, team="a", region="north", channel="store", product="kettle", segment="vip", csat=3),
        make(survey, 3, 7, noon, team="b", region="south", channel="online", product="kettle", segment="new", ces=6),
        make(survey, 4, None, noon, team="b", region="south", channel="online", product="blender", segment="new"),
    ]
    Response.objects.bulk_create(batch)
    rollups.apply(added=batch)
    day = datetime.date(2026, 1, 1)
    row = DailySourceRollup.objects.get(day=day, source=survey)
    assert (row.promoters, row.passives, row.detractors, row.skipped) == (1, 1, 1, 1)
    assert (row.csat_n, row.csat_good, row.ces_n, row.ces_sum) == (2, 1, 2, 8)
    assert DailyTeamRollup.objects.get(day=day, team="a").detractors == 1
    assert DailyRegionChannelRollup.objects.get(day=day, region="south", channel="online").skipped == 1
    assert DailyProductSegmentRollup.objects.get(day=day, product="kettle", segment="vip").promoters == 1
    # Applying a second batch adds to the same rows.
    more = [make(survey, 5, 9, noon, team="a", region="north", channel="store", product="kettle", segment="vip")]
    Response.objects.bulk_create(more)
    rollups.apply(added=more)
    assert DailyTeamRollup.objects.get(day=day, team="a").promoters == 2
    assert snapshot() == _rebuilt()


def _rebuilt():
    rollups.rebuild()
    return snapshot()


def test_update_moves_counts_and_empty_rows_disappear():
    """The bulk path of ingestion: bulk_update, then apply(added=new versions, removed=old ones)."""
    survey = Source.objects.create(name="Survey", slug="survey")
    when = datetime.datetime(2026, 3, 3, 10, tzinfo=timezone.get_current_timezone())
    response = Response(source=survey, external_id="x", score=3, submitted_at=when, team="a")
    Response.objects.bulk_create([response])
    rollups.apply(added=[response])
    old = Response.objects.get(pk=response.pk)
    response.score, response.team = 10, "b"
    Response.objects.bulk_update([response], ["score", "team"])
    rollups.apply(added=[response], removed=[old])
    teams = {row.team: (row.promoters, row.detractors) for row in DailyTeamRollup.objects.all()}
    assert teams == {"b": (1, 0)}  # team a's emptied row is gone, not a zero row
    assert DailySourceRollup.objects.get().promoters == 1
    assert snapshot() == _rebuilt()


def test_one_off_saves_and_deletes_follow_through_signals():
    survey = Source.objects.create(name="Survey", slug="survey")
    when = datetime.datetime(2026, 3, 3, 10, tzinfo=timezone.get_current_timezone())
    response = Response.objects.create(source=survey, external_id="x", score=3, submitted_at=when, region="n")
    assert DailySourceRollup.objects.get().detractors == 1
    response.score, response.region = 9, "s"
    response.save()
    assert {r.region: r.promoters for r in DailyRegionChannelRollup.objects.all()} == {"s": 1}
    response.save(update_fields=["comment"])  # nothing the rollups count: no change, no extra queries
    assert snapshot() == _rebuilt()
    response.delete()
    assert snapshot() == {model._meta.db_table: {} for model in GRAINS}


def test_rebuild_equals_incremental_on_many_rows():
    import random

    rng = random.Random(7)
    sources = [Source.objects.create(name=s, slug=s) for s in ("a", "b", "c")]
    tz = timezone.get_current_timezone()
    batch = []
    for n in range(600):
        batch.append(make(
            rng.choice(sources), n, rng.choice([None, *range(11)]),
            datetime.datetime(2026, 1, 1, tzinfo=tz) + datetime.timedelta(hours=rng.randint(0, 24 * 60)),
            team=rng.choice("xyz"), region=rng.choice(["n", "s", ""]), channel=rng.choice(["app", "web"]),
            product=rng.choice("pq"), segment=rng.choice(["", "vip"]),
            csat=rng.choice([None, 1, 2, 3, 4, 5]), ces=rng.choice([None, 1, 4, 7]),
        ))
    Response.objects.bulk_create(batch)
    for start in range(0, len(batch), 250):
        rollups.apply(added=batch[start:start + 250])
    incremental = snapshot()
    assert sum(len(rows) for rows in incremental.values()) > 100
    assert incremental == _rebuilt()


def test_rebuild_rollups_command_reports_progress():
    survey = Source.objects.create(name="Survey", slug="survey")
    Response.objects.create(source=survey, external_id="1", score=9, submitted_at=timezone.now())
    out = io.StringIO()
    call_command("rebuild_rollups", stdout=out)
    assert DailySourceRollup.objects.get().promoters == 1
    text = out.getvalue()
    assert "1/15 raw responses grouped" in text and "feedback_dailyteamrollup" in text and "15/15" in text
    assert "feedback_monthlycuberollup: 1 rows" in text
