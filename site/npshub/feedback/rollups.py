"""Incremental maintenance and bulk rebuild of the daily and monthly rollups (models/rollups.py).

``apply(added=(), removed=())`` is called by ingestion inside its transaction with the responses
it stored (``added``) and, for updated responses, their previous versions (``removed``). It
counts in Python, then sends one ``INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`` per
rollup table (by COPY through a staging table on PostgreSQL, see bulk.py), so a batch of thousands costs a handful of
statements and concurrent batches add up correctly (row locks on PostgreSQL, one writer on
SQLite).

``rebuild(progress=None)`` recomputes every rollup from the raw rows with one
``INSERT ... SELECT ... GROUP BY`` per table, in one transaction.
"""

from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from npshub.feedback import bulk, nps
from npshub.feedback.models.rollups import GRAINS, MEASURES
from npshub.feedback.periods import period_start

def local_day(moment, tz=None):
    """The rollup day of a moment: its date in the site time zone (``tz``, looked up when not given)."""
    tz = tz or timezone.get_current_timezone()
    if moment.tzinfo is None:
        return moment.date()  # already a site-time moment
    return moment.astimezone(tz).date()


def measures_of(response):
    """The additive measures one response contributes, in ``MEASURES`` order."""
    score, csat, ces = response.score, getattr(response, "csat", None), getattr(response, "ces", None)
    return (
        *nps.category_flags(score),
        int(score is None),
        int(csat is not None),
        int(csat is not None and csat >= 4),
        int(ces is not None),
        ces or 0,
    )


def _deltas(added, removed):
    """{model: {key: [measure deltas]}} with keys (period start, source_id, *dimension values).

    Each response is counted once, into a cube keyed by day, source and every dimension; each
    rollup then folds the cube (far fewer keys than responses in a batch) into its own grain."""
    from npshub.feedback.models import DIMENSIONS

    cube = defaultdict(lambda: [0] * len(MEASURES))
    tz = timezone.get_current_timezone()
    for responses, sign in ((added, 1), (removed, -1)):
        for response in responses:
            key = (local_day(response.submitted_at, tz), response.source_id,
                   *(getattr(response, name) or "" for name in DIMENSIONS))
            row = cube[key]
            for index, value in enumerate(measures_of(response)):
                row[index] += sign * value
    deltas = {}
    for model in GRAINS:
        positions = [2 + DIMENSIONS.index(name) for name in model.dimensions]
        rows = defaultdict(lambda: [0] * len(MEASURES))
        for key, values in cube.items():
            row = rows[(period_start(key[0], model.period), key[1], *(key[p] for p in positions))]
            for index, value in enumerate(values):
                row[index] += value
        deltas[model] = {key: row for key, row in rows.items() if any(row)}
    return deltas


def _columns(model):
    return ("day", "source_id", *model.dimensions)


def apply(added=(), removed=()):
    """Add ``added`` responses to every rollup and take ``removed`` (old versions) out of them."""
    deltas = _deltas(added, removed)
    if not any(deltas.values()):
        return
    with transaction.atomic(), connection.cursor() as cursor:
        for model, rows in deltas.items():
            items = [(*key, *values) for key, values in sorted(rows.items())]  # a stable order: concurrent batches lock rows alike
            bulk.upsert_rows(cursor, model, _columns(model), MEASURES, items)
            if removed:
                # Rows an update emptied count nothing; drop them so they never show as a key.
                days = sorted({key[0] for key in rows})
                table = connection.ops.quote_name(model._meta.db_table)
                empty = " AND ".join(f"{name} = 0" for name in MEASURES)
                for start in range(0, len(days), 500):
                    part = days[start:start + 500]
                    cursor.execute(
                        f"DELETE FROM {table} WHERE day IN ({', '.join(['%s'] * len(part))}) AND {empty}", part
                    )


def raw_measures(prefix=""):
    """The ``MEASURES`` of raw responses as aggregates, each named ``prefix`` + its name (for
    ``aggregate``/``annotate``): the SQL twin of ``measures_of``."""
    return {
        **nps.category_counts(prefix=prefix),
        f"{prefix}skipped": Count("pk", filter=Q(score__isnull=True)),
        f"{prefix}csat_n": Count("csat"),
        f"{prefix}csat_good": Count("pk", filter=Q(csat__gte=4)),
        f"{prefix}ces_n": Count("ces"),
        f"{prefix}ces_sum": Sum("ces", default=0),
    }


def _cube_queryset():
    """Measures per local day, source and every dimension: one pass over the raw rows."""
    from npshub.feedback.models import DIMENSIONS, Response

    return (
        Response.objects.order_by()
        .annotate(rollup_day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("rollup_day", "source_id", *DIMENSIONS)
        .annotate(**raw_measures(prefix="m_"))
    )


CUBE = "npshub_rollup_cube"
# The first day of a cube row's month (its day column is a date on PostgreSQL, ISO text on SQLite).
_MONTH_START = {"postgresql": "CAST(date_trunc('month', day) AS date)", "sqlite": "date(day, 'start of month')"}


def rebuild(progress=None):
    """Recompute every rollup from the raw rows; ``progress(done, total, label)`` after each step
    (the pass over the raw rows, then each rollup table).

    One GROUP BY pass over the raw rows fills a temporary table keyed by day, source and every
    dimension (far smaller than the raw rows); each rollup is then an ``INSERT ... SELECT ...
    GROUP BY`` over it. All in one transaction: readers see the old rollups until it commits.
    Returns {table name: rows written}.
    """
    from npshub.feedback.models import DIMENSIONS

    written = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner guesses nearly one group per row (the dimensions are correlated) and picks an
            # external sort of every row; hashing the few hundred thousand real groups in memory is far faster.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"DROP TABLE IF EXISTS {CUBE}")
        select_sql, params = _cube_queryset().query.sql_with_params()
        columns = ", ".join(("day", "source_id", *DIMENSIONS, *MEASURES))
        cursor.execute(f"CREATE TEMPORARY TABLE {CUBE} ({columns})" if connection.vendor == "sqlite" else
                       f"CREATE TEMPORARY TABLE {CUBE} ON COMMIT DROP AS SELECT * FROM ({select_sql}) cube WHERE false",
                       [] if connection.vendor == "sqlite" else params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {CUBE} RENAME COLUMN rollup_day TO day")
            for name in MEASURES:
                cursor.execute(f"ALTER TABLE {CUBE} RENAME COLUMN m_{name} TO {name}")
        cursor.execute(f"INSERT INTO {CUBE} ({columns}) {select_sql}", params)
        steps = len(GRAINS) + 1
        if progress:
            progress(1, steps, "raw responses grouped")
        for done, model in enumerate(GRAINS, start=2):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")
            keys = ", ".join(_columns(model))
            selected = ", ".join((_MONTH_START[connection.vendor] if model.period == "month" else "day",
                                  *_columns(model)[1:]))
            sums = ", ".join(f"SUM({name})" for name in MEASURES)
            cursor.execute(
                f"INSERT INTO {table} ({keys}, {', '.join(MEASURES)}) SELECT {selected}, {sums} FROM {CUBE} "
                f"GROUP BY {selected}"
            )
            written[model._meta.db_table] = cursor.rowcount
            if progress:
                progress(done, steps, model._meta.db_table)
        cursor.execute(f"DROP TABLE IF EXISTS {CUBE}")
    return written


def ensure_built(progress=None):
    """Rebuild when there are responses but no rollups yet (e.g. data loaded before they existed)."""
    from npshub.feedback.models import DailySourceRollup, Response

    if Response.objects.exists() and not DailySourceRollup.objects.exists():
        return rebuild(progress)
    return None
