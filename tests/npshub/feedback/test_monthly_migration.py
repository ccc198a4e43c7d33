"""Migration 0012 fills the rollups it adds (the monthly tier, three daily grains) of an install that
already has responses, with the same rows as ``rollups.rebuild`` writes."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from npshub.feedback import rollups
from npshub.feedback.models import DailyChannelRollup, DailyProductRollup, DailySegmentRollup
from npshub.feedback.models.rollups import MEASURES, MONTHLY

BEFORE = [("feedback", "0011_response_indexes_for_bulk_writes")]
AFTER = [("feedback", "0012_monthly_rollups")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def snapshot():
    return {model._meta.db_table: sorted(
        (str(row["day"]), row["source_id"], *(row[name] for name in model.dimensions), *(row[m] for m in MEASURES))
        for row in model.objects.values())
        for model in (*MONTHLY, DailyChannelRollup, DailySegmentRollup, DailyProductRollup)}


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_monthly_rollups_from_existing_responses():
    try:
        apps = migrate(BEFORE)
        Source, Response = apps.get_model("feedback", "Source"), apps.get_model("feedback", "Response")
        shop = Source.objects.create(name="Shop", slug="shop")
        tz = timezone.get_current_timezone()
        for n, (day, score, csat, team) in enumerate([
            (datetime.date(2026, 1, 31), 10, 5, "a"), (datetime.date(2026, 1, 31), 3, None, "b"),
            (datetime.date(2026, 2, 1), None, 2, "a"), (datetime.date(2026, 3, 15), 7, None, ""),
        ]):
            # 23:30 local on the 31st is January here and already February in UTC: months are local.
            Response.objects.create(source=shop, external_id=str(n), score=score, csat=csat, team=team,
                                    product="kettle", submitted_at=datetime.datetime.combine(
                                        day, datetime.time(23, 30), tzinfo=tz))
        migrate(AFTER)
        filled = snapshot()
        assert filled["feedback_monthlysourcerollup"] == [
            ("2026-01-01", shop.pk, 1, 0, 1, 0, 1, 1, 0, 0), ("2026-02-01", shop.pk, 0, 0, 0, 1, 1, 0, 0, 0),
            ("2026-03-01", shop.pk, 0, 1, 0, 0, 0, 0, 0, 0)]
        assert len(filled["feedback_monthlycuberollup"]) == 4
        assert [row[:3] for row in filled["feedback_dailyproductrollup"]] == [
            ("2026-01-31", shop.pk, "kettle"), ("2026-02-01", shop.pk, "kettle"), ("2026-03-15", shop.pk, "kettle")]
        rollups.rebuild()
        assert snapshot() == filled
    finally:
        migrate(AFTER)
