"""What the blocks, the dashboard and the screens show, from the core's statistics and comments.

Everything goes through npshub.feedback (stats, comments, topics, masking); the widgets never
query responses for numbers themselves. ``period`` values are "7", "30", "90", "365" (the last N
days including today) or "all".
"""

import hashlib
import json
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from npshub.feedback import comments, reference, stats, topics
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import DIMENSIONS, Topic

FILTER_FIELDS = (*DIMENSIONS, "source")
PERIODS = [
    ("7", _("Last 7 days")),
    ("30", _("Last 30 days")),
    ("90", _("Last 90 days")),
    ("365", _("Last 12 months")),
    ("all", _("All time")),
]
def period_bounds(period, today=None):
    """(from, to) dates of a period, both None for all time."""
    if not period or period == "all":
        return None, None
    today = today or timezone.localdate()
    days = int(period)
    return today - timedelta(days=days - 1), today


def previous_bounds(period, today=None):
    """The window of the same length just before ``period`` (None, None for all time)."""
    start, end = period_bounds(period, today)
    if start is None:
        return None, None
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def year_earlier(day):
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def filter_params(value):
    """The dimension/source part of a block value or a query dict, as StatsFilter params."""
    params = {}
    for name in FILTER_FIELDS:
        raw = value.get(name) if hasattr(value, "get") else None
        if raw:
            params[name] = str(raw)
    return params


def make_filter(value, start=None, end=None):
    params = filter_params(value)
    if start:
        params["from"] = start.isoformat()
    if end:
        params["to"] = end.isoformat()
    return StatsFilter.from_params(params)


def score(stats_filter):
    return dict(stats.summary(stats_filter))


def shares(result):
    """Percentages of promoters / passives / detractors (one decimal), None without answers."""
    n = result.get("responses") or 0
    if not n:
        return None
    return {key: round(100 * result[key] / n, 1) for key in ("promoters", "passives", "detractors")}


def compare(current, previous):
    """{"a": current, "b": previous, "change": current minus previous, "significant"}."""
    # The core's change is its second filter's NPS minus its first's.
    result = stats.compare(previous, current)
    return {"a": dict(result["b"]), "b": dict(result["a"]), "change": result["change"], "significant": result["significant"]}


def timeseries(stats_filter, interval):
    return [dict(point) for point in stats.timeseries(stats_filter, interval)]


def breakdown(stats_filter, by):
    """Rows keyed by slug, each with the ``label`` people read (in the reader's language)."""
    rows = [dict(row) for row in stats.breakdown(stats_filter, by)]
    try:
        names = reference.labels(by, [row["key"] for row in rows])
    except ValueError:  # not a labelled dimension
        names = {}
    for row in rows:
        row["label"] = names.get(row["key"]) or row["key"]
    return rows


SCORE_BANDS = [
    ("", _("All scores"), None, None),
    ("detractors", _("Detractors (0-6)"), 0, 6),
    ("passives", _("Passives (7-8)"), 7, 8),
    ("promoters", _("Promoters (9-10)"), 9, 10),
]


def band_limits(band):
    for key, _label, low, high in SCORE_BANDS:
        if key == band:
            return low, high
    return None, None


def comment_rows(stats_filter, topic=None, band="", q=None, limit=10, min_length=0):
    """The newest comments, masked, as plain dicts (never the customer's contact data)."""
    low, high = band_limits(band)
    queryset = comments.comment_queryset(
        stats_filter, topic=topic or None, q=q or None, score_min=low, score_max=high,
    )
    rows = []
    for response in queryset.select_related("source")[: limit * 3 if min_length else limit]:
        text = response.comment_masked  # stored masked at ingestion
        if len(text) < min_length:
            continue
        rows.append({
            "id": response.pk,
            "text": text,
            "score": response.score,
            "category": response.category,
            "submitted_at": response.submitted_at,
            "source": response.source.slug,
            "product": response.product,
            "segment": response.segment,
            "language": response.language,  # the customer's: templates mark the quote with it
        })
        if len(rows) >= limit:
            break
    # People read labels: the source's and the product's, in the reader's language (one query each).
    names = {d: reference.labels(d, {row[d] for row in rows}) for d in ("source", "product", "segment")}
    for row in rows:
        row["source_slug"], row["product_slug"], row["segment_slug"] = row["source"], row["product"], row["segment"]
        row.update({d: names[d].get(row[d], row[d]) for d in names})
    return rows


TOPICS_CACHE_SECONDS = 60


def topic_rows(stats_filter, limit=8):
    """Topics detractors mention most, each with its NPS.

    The topic chart joins every topic link of the period to its answer (a fifth of a second at 1M
    answers, seconds at 10M): a page block shows it from a cache for up to a minute per filter and
    language. New answers and re-tagged topics show at once (the newest answer's and topic link's ids
    are in the key); an edited score or an erased answer within the minute."""
    from django.core.cache import cache
    from django.utils import translation

    wanted = [translation.get_language(), limit, stats_filter.as_params(), topics.newest_ids()]
    key = "nps_widgets:topics:" + hashlib.sha256(json.dumps(wanted, sort_keys=True).encode()).hexdigest()
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = [dict(row) for row in topics.topic_stats(stats_filter)]
    rows.sort(key=lambda row: (-row.get("detractor_mentions", 0), -row.get("mentions", 0), str(row.get("name"))))
    rows = [row for row in rows if row.get("mentions")][:limit]
    cache.set(key, rows, TOPICS_CACHE_SECONDS)
    return rows


def topic_choices():
    return sorted(((t.slug, t.tr.name) for t in Topic.objects.all()), key=lambda choice: choice[1].lower())


def dimension_values(name, limit=200):
    """Known values of a dimension (or source slugs), for the dashboard's pickers: (slug, label in
    the reader's language), by label."""
    from django.core.cache import cache

    from npshub.feedback.models import Response, Source

    key = f"nps_widgets:values:{name}"
    values = cache.get(key)
    if values is None:
        if name == "source":
            values = list(Source.objects.order_by("name").values_list("slug", "name")[:limit])
        else:
            found = (
                Response.objects.exclude(**{name: ""}).order_by(name).values_list(name, flat=True).distinct()[:limit]
            )
            values = [(value, value) for value in found]
        cache.set(key, values, 300)
    names = reference.labels(name, [slug for slug, _name in values])
    return sorted(((slug, names.get(slug) or text) for slug, text in values), key=lambda choice: choice[1].lower())


def iso(value):
    return value.isoformat() if isinstance(value, date) else value
