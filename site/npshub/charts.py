"""Server-rendered SVG charts: no JavaScript library, readable by screen readers. The one home of
the drawing: the live-score blocks, the team page, the digest page and (as PNG, npshub.digest.chart_image)
the e-mails all draw here; their styles are in npshub/static/npshub/charts.css.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` summary; the blocks put
the same numbers in a visually hidden table next to it. Every label goes through format_html, so
a product or topic name can never inject markup.

Charts scale to their container (``viewBox``). Trend and bar charts come as a pair: a wide one and
a narrow one for phones (fewer ticks, the latest periods, labels above bars); the stylesheet shows
the one that fits. Axes fit the data (zero marked when in range); numbers, months and days are
written in the reader's language (npshub.formats).
"""

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from npshub import formats

NARROW_WIDTH = 360
NARROW_PERIODS = 12


def _fmt(value, decimals=1):
    return formats.number(value, decimals) if value is not None else formats.DASH


def _svg(width, height, title, desc, body, css_class):
    uid = _uid()
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css_class, width, height, uid, uid, uid, title, uid, desc, body,
    )


_counter = [0]


def _uid():
    # Unique within a page: a counter bumped per chart (ids only link the svg to its title).
    _counter[0] += 1
    return f"chart-{_counter[0]}"


def _join(parts):
    return mark_safe("".join(str(part) for part in parts))


def _empty(width, height, css_class, title=""):
    body = format_html('<text class="chart__empty" x="{}" y="{}" text-anchor="middle">{}</text>', width / 2, height / 2 + 5,
                       _("No answers yet."))
    return _svg(width, height, title or _("No answers yet."), _("No answers in this period."), body, css_class)


def axis_range(values, most_ticks=5):
    """Ticks for values on the NPS scale: round steps that cover the data, within -100..100."""
    low, high = min(values), max(values)
    if high - low < 10:
        middle = (high + low) / 2
        low, high = middle - 5, middle + 5
    for step in (5, 10, 20, 25, 50):
        if (math.ceil(high / step) - math.floor(low / step)) < most_ticks:
            break
    low = max(-100, math.floor(low / step) * step)
    high = min(100, math.ceil(high / step) * step)
    return list(range(int(low), int(high) + 1, step))


def period_label(value, interval):
    return formats.month(value) if interval == "month" else formats.day(value)


def trend_chart(points, title, chart_type="line", width=960, height=260, interval="month", narrow=True, most_labels=8):
    """NPS per period as a line with its 95% margin band, or as bars with their values.

    With ``narrow`` a second, phone-sized chart of the latest periods follows the wide one.
    """
    wide = _trend(points, title, chart_type, width, height, interval, most_labels=most_labels, css="chart--wide")
    if not narrow:
        return wide
    recent = points[-NARROW_PERIODS:]
    small = _trend(recent, title, chart_type, NARROW_WIDTH, 240, interval, most_labels=4, css="chart--narrow")
    return wide + small


def _trend(points, title, chart_type, width, height, interval, most_labels, css):
    left, right, top, bottom = 40, 12, 18, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    scored = [p for p in points if p.get("nps") is not None]
    if not scored:
        return _empty(width, height, f"chart--trend {css}", title)
    edges = [p["nps"] for p in scored] + [0] * (chart_type == "bars")
    if chart_type != "bars":
        edges += [p["nps"] + sign * (p.get("margin_of_error") or 0) for p in scored for sign in (1, -1)]
    ticks = axis_range([max(-100, min(100, v)) for v in edges])
    low, high = ticks[0], ticks[-1]

    def y(value):
        value = max(low, min(high, value))
        return round(top + (high - value) / (high - low) * plot_h, 1)

    parts = [format_html_join(
        "", '<line class="chart__grid{}" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
        ((" chart__zero" if v == 0 else "", left, width - right, y(v), y(v), left - 6, y(v) + 4, formats.number(v)) for v in ticks),
    )]
    n = len(points)
    step = plot_w / max(n, 1)

    def x(i):
        return round(left + step * (i + 0.5), 1)

    if chart_type == "bars":
        bar_w = max(2, step * 0.7)
        for i, p in enumerate(points):
            if p.get("nps") is None:
                continue
            y0, y1 = y(max(low, min(high, 0))), y(p["nps"])
            label = f"{period_label(p['period_start'], interval)}: {_fmt(p['nps'])}"
            parts.append(format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                "is-negative" if p["nps"] < 0 else "is-positive", round(x(i) - bar_w / 2, 1), min(y0, y1),
                round(bar_w, 1), max(abs(y1 - y0), 1), label,
            ))
            if step >= 30:  # the value on the bar, above it (below a negative one)
                ty = min(y0, y1) - 4 if p["nps"] >= 0 else max(y0, y1) + 12
                parts.append(format_html('<text class="chart__value chart__value--bar" x="{}" y="{}" text-anchor="middle">{}</text>',
                                         x(i), ty, _fmt(p["nps"])))
    else:
        pairs = [(x(i), p) for i, p in enumerate(points) if p.get("nps") is not None]
        upper = [(px, y(p["nps"] + (p.get("margin_of_error") or 0))) for px, p in pairs]
        lower = [(px, y(p["nps"] - (p.get("margin_of_error") or 0))) for px, p in pairs]
        band = " ".join(f"{a},{b}" for a, b in upper + lower[::-1])
        parts.append(format_html('<polygon class="chart__band" points="{}"/>', band))
        parts.append(format_html('<polyline class="chart__line" points="{}"/>', " ".join(f"{px},{y(p['nps'])}" for px, p in pairs)))
        for px, p in pairs:
            parts.append(format_html(
                '<circle class="chart__dot{}" cx="{}" cy="{}" r="3.5"><title>{}: {} {} ({})</title></circle>',
                " is-small" if p.get("small_sample") else "", px, y(p["nps"]), period_label(p["period_start"], interval),
                _fmt(p["nps"]), formats.margin(p.get("margin_of_error")), answers(p["responses"]),
            ))
        px, last = pairs[-1]  # the latest value written beside its dot
        parts.append(format_html('<text class="chart__value chart__value--last" x="{}" y="{}" text-anchor="end">{}</text>',
                                 px, max(top - 4, y(last["nps"]) - 9), _fmt(last["nps"])))
    every = max(1, math.ceil(n / most_labels))
    label_at = sorted(range(n - 1, -1, -every))  # always the latest period
    parts.append(format_html_join(
        "", '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x(i), height - 8, period_label(points[i]["period_start"], interval)) for i in label_at),
    ))
    desc = _("%(count)s periods from %(first)s to %(last)s; latest NPS %(nps)s.") % {
        "count": n, "first": period_label(points[0]["period_start"], interval),
        "last": period_label(points[-1]["period_start"], interval), "nps": _fmt(scored[-1]["nps"]),
    }
    return _svg(width, height, title, desc, _join(parts), f"chart--trend {css}")


def answers(count):
    return ngettext("%(n)s answer", "%(n)s answers", count) % {"n": formats.number(count)}


def distribution_chart(result, title, width=640, height=56):
    """One 100% bar: promoters, passives, detractors, with the percentages written on it."""
    n = result.get("responses") or 0
    if not n:
        return _empty(width, height, "chart--distribution", title)
    parts, offset = [], 0.0
    labels = {"promoters": _("Promoters"), "passives": _("Passives"), "detractors": _("Detractors")}
    for key in ("promoters", "passives", "detractors"):
        share = result[key] / n
        w = share * width
        pct = formats.percent(100 * share)
        parts.append(format_html(
            '<rect class="chart__seg chart__seg--{}" x="{}" y="0" width="{}" height="{}"><title>{}: {} ({})</title></rect>',
            key, round(offset, 1), round(w, 1), height, labels[key], result[key], pct,
        ))
        if w > 44:
            parts.append(format_html(
                '<text class="chart__seglabel" x="{}" y="{}" text-anchor="middle">{}</text>', round(offset + w / 2, 1), height / 2 + 6, pct,
            ))
        offset += w
    desc = ", ".join(f"{labels[k]} {formats.percent(100 * result[k] / n)}" for k in ("promoters", "passives", "detractors"))
    return _svg(width, height, title, desc, _join(parts), "chart--distribution")


def hbar_chart(rows, title, value_key="nps", label_key="key", note_key=None, diverging=True, width=640, row_h=30,
               text_key=None, narrow=True, link_key=None):
    """Horizontal bars, one per row, with the value written at the end of each.

    NPS bars start at zero and split around it only when a value is negative (``diverging``);
    counts start at zero. With ``narrow`` a phone-sized copy follows with the labels above the bars.
    """
    if not rows:
        return _empty(width, row_h + 8, "chart--bars", title)
    values = [row.get(value_key) for row in rows if row.get(value_key) is not None]
    split = diverging and any(v < 0 for v in values)
    wide = _hbars(rows, title, value_key, label_key, note_key, split, width, row_h, text_key, link_key, stacked=False)
    if not narrow:
        return wide
    return wide + _hbars(rows, title, value_key, label_key, note_key, split, NARROW_WIDTH, 44, text_key, link_key, stacked=True)


def _hbars(rows, title, value_key, label_key, note_key, split, width, row_h, text_key, link_key, stacked):
    label_w = 0 if stacked else 170
    value_w = (120 if stacked else 150) if text_key else 64
    height = row_h * len(rows) + 8
    plot_x, plot_w = label_w, width - label_w - value_w
    values = [row.get(value_key) for row in rows if row.get(value_key) is not None]
    reach = max([abs(v) for v in values] + [1])
    if split:
        zero, scale = plot_x + plot_w / 2, (plot_w / 2) / reach
    else:
        zero, scale = plot_x, plot_w / reach
    parts = []
    if split:
        parts.append(format_html('<line class="chart__zero" x1="{}" x2="{}" y1="0" y2="{}"/>', zero, zero, height))
    for i, row in enumerate(rows):
        start = len(parts)
        value = row.get(value_key)
        y = 4 + i * row_h
        label = str(row.get(label_key) or "—")
        limit = 44 if stacked else 22
        short = label if len(label) <= limit else label[: limit - 1] + "…"
        bar_y, bar_h = (y + 20, row_h - 26) if stacked else (y + 4, row_h - 10)
        if stacked:
            parts.append(format_html('<text class="chart__label" x="0" y="{}">{}</text>', y + 14, short))
        else:
            parts.append(format_html('<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>', label_w - 8,
                                     y + row_h / 2 + 4, short))
        if value is not None:
            w = abs(value) * scale
            bar_x = zero - w if value < 0 else zero
            css = "is-small" if row.get("small_sample") else ("is-negative" if value < 0 else "is-positive")
            note = f" · {row[note_key]}" if note_key and row.get(note_key) is not None else ""
            parts.append(format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}: {}{}</title></rect>',
                css, round(bar_x, 1), bar_y, round(max(w, 1), 1), bar_h, label, _number(value), note,
            ))
        parts.append(format_html(
            '<text class="chart__value" x="{}" y="{}" text-anchor="end">{}</text>', width - 4, bar_y + bar_h / 2 + 5,
            row.get(text_key) if text_key else _number(value),
        ))
        if link_key and row.get(link_key):  # the whole row (label, bar, value) is one link
            parts[start:] = [format_html('<a class="chart__link" href="{}">{}</a>', row[link_key], _join(parts[start:]))]
    desc = "; ".join(f"{row.get(label_key)}: {_number(row.get(value_key))}" for row in rows[:20])
    css = "chart--bars chart--narrow" if stacked else "chart--bars chart--wide"
    return _svg(width, height, title, desc, _join(parts), css)


def _number(value):
    """Counts without decimals, scores with one."""
    if value is None:
        return formats.DASH
    return formats.number(value, 0 if float(value).is_integer() and isinstance(value, int) else 1)
