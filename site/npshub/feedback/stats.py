"""NPS statistics for any StatsFilter: summary, time series, breakdowns, comparisons, rankings.

Answers come from the rollups (monthly for whole months, daily for the rest) or, where no rollup
covers a query, from the raw rows: ``rollup_reads.measured`` plans and reads them. Every path gives
the same numbers (tests/npshub/feedback/test_rollups_property.py proves it).

Every score result carries the contract fields ``nps, responses, promoters, passives,
detractors, margin_of_error`` plus ``small_sample`` (fewer answers than NPSHUB_SMALL_SAMPLE),
``skipped`` (responses without a recommendation answer: they count nowhere), and ``csat``
(% of 4-5 answers on 1..5), ``csat_responses``, ``ces`` (mean on 1..7), ``ces_responses``
(null and 0 when no source asked them). A 0 is a detractor.
"""

import math
import os

from django.conf import settings

from npshub.feedback.models import DIMENSIONS
from npshub.feedback.models.rollups import MEASURES
from npshub.feedback.nps import one_decimal, score_result
from npshub.feedback.periods import INTERVALS, period_start
from npshub.feedback.rollup_reads import measured

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


# --- score results ---------------------------------------------------------------------------

def result(measures, small_sample=None):
    """A score result from summed measures (a dict with the keys of ``MEASURES``); ``small_sample``:
    the threshold, when a caller making many results has looked it up once."""
    data = score_result(measures["promoters"], measures["passives"], measures["detractors"])
    threshold = small_sample_threshold() if small_sample is None else small_sample
    data["small_sample"] = data["responses"] < threshold
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
    return result(measured(stats_filter, force_raw=force_raw))


def timeseries(stats_filter, interval="month", force_raw=False):
    """Points oldest first: ``{period_start, **score result}`` for periods with answers."""
    if interval not in INTERVALS:
        raise ValueError(f"interval must be one of {INTERVALS}")
    rows = measured(stats_filter, interval, force_raw=force_raw)
    if interval == "day":  # one row per day already (a day is never split): nothing to fold
        periods = dict(rows)
    else:
        periods = {}
        for day, measures in rows:
            totals = periods.setdefault(period_start(day, interval), dict.fromkeys(MEASURES, 0))
            for name in MEASURES:
                totals[name] += measures[name]
    threshold = small_sample_threshold()
    return [
        {"period_start": start.isoformat(), **result(totals, threshold)}
        for start, totals in sorted(periods.items())
        if _answered(totals)
    ]


def breakdown(stats_filter, by, force_raw=False):
    """Rows ``{key, **score result}`` per value of ``by`` with answers, sorted by key."""
    if by not in BREAKDOWNS:
        raise ValueError(f"by must be one of {BREAKDOWNS}")
    threshold = small_sample_threshold()
    return [
        {"key": key, **result(measures, threshold)}
        for key, measures in measured(stats_filter, by, force_raw=force_raw)
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
