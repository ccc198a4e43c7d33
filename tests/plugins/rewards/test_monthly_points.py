"""The per-person monthly points the ledger trigger keeps equal the earned entries' sums, whatever
writes the entries (the ledger service, bulk inserts), and the rebuild query gives the same rows."""

import datetime
import importlib

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

from rewards import ledger, services
from rewards.models import LedgerEntry, MonthlyPoints, Rule
from tests import factories as f


def test_monthly_points_follow_every_ledger_write(team, cxadmin):
    alice, bob = f.user("employee", team=team), f.user("employee", team=team)
    rule = Rule.objects.create(name="R", event_type="lesson_completed", amount=10)
    january = datetime.datetime(2026, 1, 31, 23, 30, tzinfo=datetime.timezone.utc)
    ledger.award(rule, alice, "a1", now=january)
    ledger.award(rule, alice, "a2", now=january + datetime.timedelta(hours=1))  # February in UTC
    ledger.credit(alice, 7, "thanks", approved_by=cxadmin)
    entry = ledger.credit(bob, 5, "thanks", approved_by=cxadmin)
    ledger.reverse(entry, cxadmin, "by mistake")  # a reversal is not earning: boards never counted it
    LedgerEntry.objects.bulk_create([LedgerEntry(user=bob, amount=3, kind=LedgerEntry.GRANT, reason="bulk",
                                                 created_at=january)])

    kept = sorted(MonthlyPoints.objects.values_list("user_id", "month", "points"))
    this_month = timezone.now().astimezone(datetime.timezone.utc).date().replace(day=1)
    assert kept == sorted([
        (alice.pk, datetime.date(2026, 1, 1), 10), (alice.pk, datetime.date(2026, 2, 1), 10),
        (alice.pk, this_month, 7), (bob.pk, datetime.date(2026, 1, 1), 3), (bob.pk, this_month, 5),
    ])
    earned = dict(LedgerEntry.objects.filter(kind__in=LedgerEntry.EARNED_KINDS).values("user")
                  .annotate(total=Sum("amount")).values_list("user", "total"))
    assert earned == {alice.pk: 27, bob.pk: 8}
    board = services.individual_board("all", limit=10)
    assert [(row["user_id"], row["points"]) for row in board] == [(alice.pk, 27), (bob.pk, 8)]

    # The migration's rebuild query over the same entries gives the same rows.
    migration = importlib.import_module("rewards.migrations.0004_monthly_points")
    with connection.cursor() as cursor:
        cursor.execute(migration.totals_sql(connection.vendor))
        rebuilt = sorted((user, month if isinstance(month, datetime.date) else datetime.date.fromisoformat(month), points)
                         for user, month, points in cursor.fetchall())
    assert rebuilt == kept
