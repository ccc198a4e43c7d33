"""The NPS trend where people look: the team page, the digest page and the digest and weekly e-mails.

``points`` reads the latest months (or weeks) from the statistics, a period without answers kept as
a gap; ``svg`` draws them for a page (npshub.charts, wide and phone-sized); ``alt_text`` writes the
same figures as one sentence in the active language, for the e-mail image (npshub.digest.chart_image)
and screen readers. Numbers and months follow npshub.formats.
"""

import datetime

from django.utils.translation import gettext as _

from npshub import charts, formats
from npshub.feedback import stats
from npshub.feedback.filters import StatsFilter

MONTHS = 12
WEEKS = 12


def _starts(last, interval, count):
    """The first days of the ``count`` periods ending with the one that starts on ``last``."""
    starts = [last]
    for _i in range(count - 1):
        previous = starts[0] - datetime.timedelta(days=7 if interval == "week" else 1)
        starts.insert(0, stats.period_start(previous, interval))
    return starts


def points(last_day, interval="month", count=None, **dimensions):
    """``[{period_start, nps, responses, margin_of_error, small_sample}]``, oldest first: the ``count``
    periods up to the one holding ``last_day``. Periods without answers inside the range stay (``nps``
    None, drawn as a gap); those before the first answer are left out. Plain data (cacheable)."""
    count = count or (WEEKS if interval == "week" else MONTHS)
    starts = _starts(stats.period_start(last_day, interval), interval, count)
    found = {point["period_start"]: point for point in stats.timeseries(
        StatsFilter(starts[0], last_day, {name: (value,) for name, value in dimensions.items()}), interval)}
    small = stats.small_sample_threshold()
    rows = []
    for start in starts:
        point = found.get(start.isoformat())
        if point is None and not rows:
            continue
        point = dict(point or {"period_start": start.isoformat(), "nps": None, "responses": 0, "margin_of_error": None})
        point["small_sample"] = point["responses"] < small
        rows.append(point)
    return rows


def title(interval):
    return _("NPS by week") if interval == "week" else _("NPS by month")


def label(point, interval):
    return formats.day(point["period_start"]) if interval == "week" else formats.month(point["period_start"])


def svg(rows, interval="month", heading=None):
    """The page's drawing: a wide chart and a phone-sized copy (the stylesheet shows the one that fits)."""
    return charts.trend_chart(rows, heading or title(interval), interval=interval)


def alt_text(rows, interval="month"):
    """``"NPS by month: Dec 2025: 41.2; Jan 2026: 43.0; … Nov 2026: 46.1. Latest: 46.1 ±2.2, 812 answers."``
    in the active language (decimal comma and Russian month names in Russian)."""
    if not any(row.get("nps") is not None for row in rows):
        return f"{title(interval)}: {_('No answers yet.')}"
    figures = "; ".join(
        f"{label(row, interval)}: {formats.number(row['nps'], 1) if row.get('nps') is not None else _('no answers')}"
        for row in rows)
    latest = [row for row in rows if row.get("nps") is not None][-1]
    last = _("Latest: %(nps)s %(margin)s, %(answers)s.") % {
        "nps": formats.number(latest["nps"], 1), "margin": formats.margin(latest.get("margin_of_error")),
        "answers": charts.answers(latest["responses"])}
    return f"{title(interval)}: {figures}. {last}"


def figure(rows, interval="month", heading=None):
    """What ``includes/trend.html`` shows: ``{title, svg, rows, interval, empty}``."""
    heading = heading or title(interval)
    empty = not any(row.get("nps") is not None for row in rows)
    return {"title": heading, "svg": "" if empty else svg(rows, interval, heading), "rows": rows,
            "interval": interval, "empty": empty}
