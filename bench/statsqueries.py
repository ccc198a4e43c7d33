"""The statistics benchmark's queries (bench/run.py): every view with no filter and each single filter
(group A), every pair and a few wider combinations (group B), and each query's anchor, a plain GROUP BY
over the raw rows with the same WHERE."""

import datetime
import itertools
import json

# --- queries ---------------------------------------------------------------------------------
# Enumerated, not chosen. Group A (target 2): every view the dashboard sends (summary, each
# series interval, each breakdown, the team ranking) with no filter and with each single filter
# (each dimension and the source at its most frequent and at its rarest value, and 90 days).
# Group B (target 3): every pair of filters (each dimension, the source, 90 days; the most
# frequent combination of values) and a few of 3-5 filters, with the summary, the monthly series
# and the breakdowns by team and by product. Each is timed through HTTP and against its anchor:
# a plain GROUP BY over the raw rows with the same WHERE, in the same run.

def filters():
    from npshub.feedback.models import DIMENSIONS

    return (*DIMENSIONS, "source")


WIDE = [("region", "channel", "segment"), ("product", "region", "channel", "segment"),
        ("team", "segment", "source", "from"), ("segment", "product", "region", "channel", "from")]


def views():
    from npshub.feedback import stats

    return [("summary", {}), *(("timeseries", {"interval": i}) for i in stats.INTERVALS),
            *(("breakdown", {"by": by}) for by in stats.BREAKDOWNS), ("ranking", {"by": "team"})]


def _column(name):
    return "s.slug" if name == "source" else f"r.{name}"


def _joins(names):
    from npshub.feedback.models import Response, Source

    table = Response._meta.db_table
    join = f" JOIN {Source._meta.db_table} s ON s.id = r.source_id" if "source" in names else ""
    return f"{table} r{join}"


def values(names):
    """The most frequent combination of ``names``' values in the loaded rows (one dict)."""
    from django.db import connection

    columns = ", ".join(_column(name) for name in names)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_joins(names)} GROUP BY {columns} ORDER BY COUNT(*) DESC LIMIT 1")
        return dict(zip(names, cursor.fetchone()))


def rarest(name):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_column(name)} FROM {_joins([name])} GROUP BY {_column(name)} "
                       f"ORDER BY COUNT(*), {_column(name)} LIMIT 1")
        return cursor.fetchone()[0]


def queries(end):
    """[(group, view, params)] for groups "A" and "B"."""
    d90 = {"from": (end - datetime.timedelta(days=89)).isoformat(), "to": end.isoformat()}
    single = [{}, d90]
    for name in filters():
        frequent, rare = values([name])[name], rarest(name)
        single += [{name: frequent}, *([{name: rare}] if rare != frequent else [])]
    found = [("A", view, {**fixed, **f}) for view, fixed in views() for f in single]
    combos = [tuple(pair) for pair in itertools.combinations([*filters(), "from"], 2)] + WIDE
    wide_views = [("summary", {}), ("timeseries", {"interval": "month"}), ("breakdown", {"by": "team"}),
                  ("breakdown", {"by": "product"})]
    for combo in combos:
        dims = [name for name in combo if name != "from"]
        chosen = values(dims) if dims else {}
        params = {**chosen, **(d90 if "from" in combo else {})}
        found += [("B", view, {**fixed, **params}) for view, fixed in wide_views]
    return found


def anchor_sql(view, params):
    """The plain GROUP BY over the raw rows with the query's WHERE: (sql, params)."""
    from django.conf import settings
    from django.db import connection

    from npshub.feedback.filters import StatsFilter

    stats_filter = StatsFilter.from_params(params)
    postgres = connection.vendor == "postgresql"
    where, args, names = [], [], set(stats_filter.dimensions)
    start, end = stats_filter.bounds()
    if start:
        where.append("r.submitted_at >= %s")
        args.append(connection.ops.adapt_datetimefield_value(start))
    if end:
        where.append("r.submitted_at < %s")
        args.append(connection.ops.adapt_datetimefield_value(end))
    for name, chosen in stats_filter.dimensions.items():
        where.append(f"r.{name} IN ({', '.join(['%s'] * len(chosen))})")
        args.extend(chosen)
    if stats_filter.sources:
        names.add("source")
        where.append(f"s.slug IN ({', '.join(['%s'] * len(stats_filter.sources))})")
        args.extend(stats_filter.sources)
    group = None
    if view == "timeseries":
        interval = params["interval"]
        if postgres:
            group = f"date_trunc('{interval}', r.submitted_at AT TIME ZONE '{settings.TIME_ZONE}')"
        else:  # SQLite keeps UTC text: the periods are UTC ones (same cost)
            group = {"day": "date(r.submitted_at)", "week": "date(r.submitted_at, 'weekday 0', '-6 days')",
                     "month": "strftime('%%Y-%%m', r.submitted_at)"}[interval]
    elif view in ("breakdown", "ranking"):
        group = _column(params["by"])
        names.add(params["by"])
    measures = ("SUM(CASE WHEN r.score >= 9 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score IN (7, 8) THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN r.score <= 6 THEN 1 ELSE 0 END), SUM(CASE WHEN r.score IS NULL THEN 1 ELSE 0 END), "
                "COUNT(r.csat), SUM(CASE WHEN r.csat >= 4 THEN 1 ELSE 0 END), COUNT(r.ces), SUM(r.ces)")
    sql = f"SELECT {group + ', ' if group else ''}{measures} FROM {_joins(names)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    if group:
        sql += f" GROUP BY {group}"
    return sql, args


def run_anchor(sql, args):
    """Runs the anchor; returns the number of answered responses it counted."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        rows = cursor.fetchall()
    offset = 0 if len(rows[0]) == 8 else 1
    return sum(int(row[offset] or 0) + int(row[offset + 1] or 0) + int(row[offset + 2] or 0) for row in rows)


def answered(view, body):
    data = json.loads(body)
    if view == "summary":
        return data["responses"]
    return sum(item["responses"] for item in data["points" if view == "timeseries" else "rows"])


def source_of(view, params):
    """The tables the query reads ("monthlyteamrollup+dailyteamrollup", "raw", ...)."""
    from npshub.feedback import rollup_reads
    from npshub.feedback.filters import StatsFilter

    group = params.get("by") if view in ("breakdown", "ranking") else params.get("interval")
    return rollup_reads.describe(StatsFilter.from_params(params), group)
