"""NPS statistics for any StatsFilter: summary, time series, breakdowns, comparisons, rankings.

Answers come from the smallest daily rollup (models/rollups.py) that keeps every dimension the
filter and the grouping need; a combination no rollup covers is computed from the raw rows
(indexed by dimension and date). Both paths give the same numbers (tests/npshub/feedback/
test_rollups_property.py proves it).

Every score result carries the contract fields ``nps, responses, promoters, passives,
detractors, margin_of_error`` plus ``small_sample`` (fewer answers than NPSHUB_SMALL_SAMPLE),
``skipped`` (responses without a recommendation answer: they count nowhere), and ``csat``
(% of 4-5 answers on 1..5), ``csat_responses``, ``ces`` (mean on 1..7), ``ces_responses``
(null and 0 when no source asked them). A 0 is a detractor.
"""

import datetime
import math
import os

from django.conf import settings
from django.db import connection
from django.db.models import Count, DateField, Q, Sum
from django.db.models.functions import Trunc
from django.utils import timezone

from npshub.feedback.models import DIMENSIONS, Response, Source
from npshub.feedback.models.rollups import GRAINS, MEASURES
from npshub.feedback import nps
from npshub.feedback.nps import one_decimal, score_result

INTERVALS = ("day", "week", "month")
BREAKDOWNS = (*DIMENSIONS, "source")
Z_95 = 1.96


def setting(name, default):
    """An integer setting: Django settings first, then the environment, then ``default``."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return int(value)


def small_sample_threshold():
    return setting("NPSHUB_SMALL_SAMPLE", 30)


def ranking_min_responses():
    return setting("NPSHUB_RANKING_MIN_RESPONSES", 30)


# --- where the numbers come from -------------------------------------------------------------

def rollup_for(stats_filter, group_by=None):
    """The smallest rollup model keeping every dimension the query needs, or None (raw rows)."""
    needed = set(stats_filter.dimensions)
    if group_by and group_by != "source":
        needed.add(group_by)
    for model in GRAINS:
        if needed <= set(model.dimensions):
            return model
    return None


def _rollup_query(model, stats_filter, group=None):
    """One SELECT of summed measures over a rollup table, optionally grouped by ``group``
    ("day", "source" or a dimension). Plain SQL: for these tiny reads the ORM's query
    compilation would cost more than the database does."""
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


def _as_date(value):
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


_RAW_MEASURES = {
    **nps.category_counts(),
    "skipped": Count("pk", filter=Q(score__isnull=True)),
    "csat_n": Count("csat"),
    "csat_good": Count("pk", filter=Q(csat__gte=4)),
    "ces_n": Count("ces"),
    "ces_sum": Sum("ces", default=0),
}


def _measured(stats_filter, group=None, force_raw=False):
    """Summed measures (group None) or [(group value, measures)] ordered by the group value;
    ``group`` is a period of INTERVALS (its first local day: the rollups answer by day, raw rows by
    the period itself, grouped in SQL), "source" (slug) or a dimension."""
    model = None if force_raw else rollup_for(stats_filter, None if group in INTERVALS else group)
    if model is not None:
        return _rollup_query(model, stats_filter, "day" if group in INTERVALS else group)
    queryset = stats_filter.apply(Response.objects.order_by())
    if group is None:
        row = queryset.aggregate(**_RAW_MEASURES)
        return {name: int(row[name] or 0) for name in MEASURES}
    column = "source__slug" if group == "source" else group
    if group in INTERVALS:  # the period's first day in the site's time zone
        column = "local_period"
        queryset = queryset.annotate(local_period=Trunc(
            "submitted_at", group, output_field=DateField(), tzinfo=timezone.get_current_timezone()))
    rows = queryset.values(column).annotate(**_RAW_MEASURES).order_by(column)
    return [(row[column], {name: int(row[name] or 0) for name in MEASURES}) for row in rows]


# --- score results ---------------------------------------------------------------------------

def result(measures):
    """A score result from summed measures (a dict with the keys of ``MEASURES``)."""
    data = score_result(measures["promoters"], measures["passives"], measures["detractors"])
    data["small_sample"] = data["responses"] < small_sample_threshold()
    data["skipped"] = measures["skipped"]
    csat_n, ces_n = measures["csat_n"], measures["ces_n"]
    data["csat"] = one_decimal(100 * measures["csat_good"] / csat_n) if csat_n else None
    data["csat_responses"] = csat_n
    data["ces"] = one_decimal(measures["ces_sum"] / ces_n) if ces_n else None
    data["ces_responses"] = ces_n
    return data


def _answered(measures):
    return measures["promoters"] + measures["passives"] + measures["detractors"]


def summary(stats_filter, force_raw=False):
    return result(_measured(stats_filter, force_raw=force_raw))


def period_start(day, interval):
    """The first day of ``day``'s period: itself, its ISO week's Monday, or its month's 1st."""
    if interval == "week":
        return day - datetime.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def timeseries(stats_filter, interval="month", force_raw=False):
    """Points oldest first: ``{period_start, **score result}`` for periods with answers."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    periods = {}
    for day, measures in _measured(stats_filter, interval, force_raw=force_raw):
        start = period_start(_as_date(day), interval)
        totals = periods.setdefault(start, dict.fromkeys(MEASURES, 0))
        for name in MEASURES:
            totals[name] += measures[name]
    return [
        {"period_start": start.isoformat(), **result(totals)}
        for start, totals in sorted(periods.items())
        if _answered(totals)
    ]


def breakdown(stats_filter, by, force_raw=False):
    """Rows ``{key, **score result}`` per value of ``by`` with answers, sorted by key."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS}")
    return [
        {"key": key, **result(measures)}
        for key, measures in _measured(stats_filter, by, force_raw=force_raw)
        if _answered(measures)
    ]


# --- honest comparisons ----------------------------------------------------------------------

def standard_error(score):
    """The standard error of an NPS in points, from the same variance as the margin of error."""
    n = score["responses"]
    if not n:
        return None
    p_promoters, p_detractors = score["promoters"] / n, score["detractors"] / n
    variance = max(p_promoters + p_detractors - (p_promoters - p_detractors) ** 2, 0.0)
    return 100 * math.sqrt(variance / n)


def _exact_nps(score):
    n = score["responses"]
    return 100 * (score["promoters"] - score["detractors"]) / n if n else None


def compare(filter_a, filter_b):
    """Is the NPS of ``filter_b`` really different from that of ``filter_a``?

    ``change`` is b's NPS minus a's (one decimal; None when either has no answers); it is
    ``significant`` when its size exceeds 1.96 x the combined standard error
    sqrt(se_a^2 + se_b^2) (two-sample z-test at 95%), given as ``change_margin_of_error``.
    """
    a, b = summary(filter_a), summary(filter_b)
    data = {"a": a, "b": b, "change": None, "change_margin_of_error": None, "significant": False}
    if a["responses"] and b["responses"]:
        change = _exact_nps(b) - _exact_nps(a)
        margin = Z_95 * math.sqrt(standard_error(a) ** 2 + standard_error(b) ** 2)
        data["change"] = one_decimal(change)
        data["change_margin_of_error"] = one_decimal(margin)
        data["significant"] = abs(change) > margin
    return data


def ranking(stats_filter, by, min_responses=None):
    """Units of ``by`` ranked fairly (``fair_rank`` of the breakdown rows)."""
    return fair_rank(breakdown(stats_filter, by), min_responses)


def fair_rank(rows, min_responses=None):
    """The one fair-ranking rule: score rows ranked by the lower bound of the 95% interval, not the raw NPS.

    ``rows`` are score results (``responses``, ``promoters``, ``detractors``, ``key``, ...); each gets
    ``lower_bound`` (nps - margin_of_error), ``ranked`` (False: "too few answers", fewer than
    ``min_responses``, default NPSHUB_RANKING_MIN_RESPONSES) and ``rank`` (1 = best; equal lower
    bounds share a rank; None when not ranked). Ranked rows come first, best first; the others
    follow by number of answers (never by their score). Rows without answers are left out.
    """
    minimum = ranking_min_responses() if min_responses is None else min_responses
    rows = [row for row in rows if row.get("responses")]
    lowers = {}
    for row in rows:
        lower = _exact_nps(row) - Z_95 * standard_error(row)
        row["lower_bound"] = one_decimal(lower)
        lowers[id(row)] = lower
        row["ranked"] = row["responses"] >= minimum
        row["rank"] = None
    ranked = sorted((r for r in rows if r["ranked"]), key=lambda r: (-lowers[id(r)], -r["responses"], str(r["key"])))
    others = sorted((r for r in rows if not r["ranked"]), key=lambda r: (-r["responses"], str(r["key"])))
    previous = None
    for position, row in enumerate(ranked, start=1):
        row["rank"] = previous["rank"] if previous and previous["lower_bound"] == row["lower_bound"] else position
        previous = row
    return ranked + others


def fair_groups(rows, min_responses=None):
    """``fair_rank`` split for pages and e-mails: {"ranked": [...], "too_few": [...], "min_responses": n}.
    Show ``too_few`` apart, under a "Too few answers" heading, never with a rank."""
    minimum = ranking_min_responses() if min_responses is None else min_responses
    rows = fair_rank(rows, minimum)
    return {"ranked": [r for r in rows if r["ranked"]], "too_few": [r for r in rows if not r["ranked"]],
            "min_responses": minimum}
