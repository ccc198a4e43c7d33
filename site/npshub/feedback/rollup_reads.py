"""Where the statistics' numbers come from: the monthly rollups, the daily ones, or the raw rows.

``measured(stats_filter, group)`` plans each query (``plan``) and sums what its parts return:

- **whole months** of the range (an open end counts as whole) come from the smallest *monthly*
  rollup that keeps every dimension the filter and the grouping need; the monthly tier ends with a
  rollup over every dimension, so any combination has one;
- **partial months** at the range's ends, and day and week series, come from the smallest *daily*
  rollup that covers the query, or from the raw rows (indexed by dimension and date) when none does.

All paths give the same numbers (tests/npshub/feedback/test_rollups_property.py checks them against
the raw rows for random data, updates and filters). Plain SQL over the rollups: for these small
reads the ORM's query compilation would cost more than the database does.
"""

import dataclasses
import datetime

from django.db import connection
from django.db.models import DateField
from django.db.models.functions import Trunc
from django.utils import timezone

from npshub.feedback.models import Response, Source
from npshub.feedback.models.rollups import DAILY, MEASURES, MONTHLY
from npshub.feedback.periods import INTERVALS, split_months
from npshub.feedback.rollups import raw_measures

_RAW_MEASURES = raw_measures()


def rollup_for(stats_filter, group_by=None, tier=DAILY):
    """The smallest rollup of ``tier`` keeping every dimension the query needs, or None."""
    needed = set(stats_filter.dimensions)
    if group_by and group_by not in ("source", *INTERVALS):
        needed.add(group_by)
    for model in tier:
        if needed <= set(model.dimensions):
            return model
    return None


@dataclasses.dataclass(frozen=True)
class Part:
    """One read of a query: ``model`` (None: the raw rows) over ``stats_filter`` (its dates are the
    part's own days; for a monthly model they are month starts)."""

    model: type | None
    stats_filter: object


def plan(stats_filter, group=None):
    """[Part]: where each stretch of the range is read from (see the module's docstring)."""
    if group in ("day", "week"):  # a period shorter than a month: daily rollups or raw rows
        return [Part(rollup_for(stats_filter, group), stats_filter)]
    split = split_months(stats_filter.date_from, stats_filter.date_to)
    parts = []
    if split.months:
        months = dataclasses.replace(stats_filter, date_from=split.months[0], date_to=split.months[1])
        parts.append(Part(rollup_for(stats_filter, group, MONTHLY), months))
    for start, end in split.edges:
        edge = dataclasses.replace(stats_filter, date_from=start, date_to=end)
        parts.append(Part(rollup_for(edge, group), edge))
    return parts


def describe(stats_filter, group=None):
    """The tables a query reads, e.g. "monthlyteamrollup+dailyteamrollup" (benchmarks, logs)."""
    names = []
    for part in plan(stats_filter, group):
        name = part.model._meta.db_table.replace("feedback_", "") if part.model else "raw"
        if name not in names:
            names.append(name)
    return "+".join(names)


def measured(stats_filter, group=None, force_raw=False):
    """Summed measures (``group`` None) or [(group value, measures)] ordered by the group value.

    ``group`` is a period of INTERVALS (the value is a date: the first local day of the period or of
    a shorter stretch inside it, which callers fold with ``periods.period_start``), "source" (slug)
    or a dimension."""
    parts = [Part(None, stats_filter)] if force_raw else plan(stats_filter, group)
    results = [_read(part, group) for part in parts]
    if group is None:
        return {name: sum(result[name] for result in results) for name in MEASURES}
    if group in INTERVALS:
        results = [[(_as_date(key), values) for key, values in result] for result in results]
    if len(results) == 1:
        return results[0]
    totals = {}
    for result in results:
        for key, values in result:
            row = totals.setdefault(key, dict.fromkeys(MEASURES, 0))
            for name in MEASURES:
                row[name] += values[name]
    return sorted(totals.items(), key=lambda item: (item[0] is None, item[0]))


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def _read(part, group):
    if part.model is None:
        return _raw_query(part.stats_filter, group)
    return _rollup_query(part.model, part.stats_filter, "day" if group in INTERVALS else group)


def _rollup_query(model, stats_filter, group=None):
    """One SELECT of summed measures over a rollup table, optionally grouped by ``group``
    ("day", "source" or a dimension)."""
    table = connection.ops.quote_name(model._meta.db_table)
    source_table = connection.ops.quote_name(Source._meta.db_table)
    where, params, joins = [], [], ""
    if stats_filter.date_from:
        where.append("r.day >= %s")
        params.append(connection.ops.adapt_datefield_value(stats_filter.date_from))
    if stats_filter.date_to:
        where.append("r.day <= %s")
        params.append(connection.ops.adapt_datefield_value(stats_filter.date_to))
    for name, values in sorted(stats_filter.dimensions.items()):
        where.append(f"r.{name} IN ({', '.join(['%s'] * len(values))})")
        params.extend(values)
    if stats_filter.sources or group == "source":
        joins = f" JOIN {source_table} s ON s.id = r.source_id"
    if stats_filter.sources:
        where.append(f"s.slug IN ({', '.join(['%s'] * len(stats_filter.sources))})")
        params.extend(stats_filter.sources)
    sums = ", ".join(f"COALESCE(SUM(r.{name}), 0)" for name in MEASURES)
    column = None if group is None else "s.slug" if group == "source" else f"r.{group}"
    sql = f"SELECT {column + ', ' if column else ''}{sums} FROM {table} r{joins}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if column:
        sql += f" GROUP BY {column} ORDER BY {column}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if column is None:
        return dict(zip(MEASURES, map(int, rows[0])))  # PostgreSQL sums bigints as numeric
    return [(row[0], dict(zip(MEASURES, map(int, row[1:])))) for row in rows]


def _raw_query(stats_filter, group=None):
    """The same from the raw rows; a period is grouped in SQL by its first local day."""
    queryset = stats_filter.apply(Response.objects.order_by())
    if group is None:
        row = queryset.aggregate(**_RAW_MEASURES)
        return {name: int(row[name] or 0) for name in MEASURES}
    column = "source__slug" if group == "source" else group
    if group in INTERVALS:
        column = "local_period"
        queryset = queryset.annotate(local_period=Trunc(
            "submitted_at", group, output_field=DateField(), tzinfo=timezone.get_current_timezone()))
    rows = queryset.values(column).annotate(**_RAW_MEASURES).order_by(column)
    return [(row[column], {name: int(row[name] or 0) for name in MEASURES}) for row in rows]
