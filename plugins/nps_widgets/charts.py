"""Server-rendered SVG charts: no JavaScript library, readable by screen readers.

Each chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` summary; the blocks put
the same numbers in a visually hidden table next to it. Every label goes through format_html, so
a product or topic name can never inject markup.
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from npshub import formats


def _fmt(value):
    """A figure in the reader's language: ``60,9`` / ``1 234`` in Russian, ``60.9`` / ``1,234`` in English."""
    if value is None:
        return "–"
    return formats.number(value, 0 if float(value).is_integer() else 1)


def _day(value):
    """A period's first day as people read it: ``2 нояб. 2026 г.`` / ``Nov 2, 2026``."""
    return formats.day(value, with_year=True) if value else "–"


def _svg(width, height, title, desc, body, css_class):
    uid = _uid(title)
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css_class, width, height, uid, uid, uid, title, uid, desc, body,
    )


_counter = [0]


def _uid(title):
    # Unique within a page: a counter bumped per chart (ids only link the svg to its title).
    return f"chart-{_counter[0]}"


def trend_chart(points, title, chart_type="line", width=960, height=260):
    """NPS per period as a line with its 95% margin band, or as bars; y from -100 to 100."""
    _counter[0] += 1
    left, right, top, bottom = 44, 12, 12, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    scored = [p for p in points if p.get("nps") is not None]

    def y(value):
        return round(top + (100 - value) / 200 * plot_h, 1)

    grid = format_html_join(
        "", '<line class="chart__grid{}" x1="{}" x2="{}" y1="{}" y2="{}"/><text class="chart__axis" x="{}" y="{}" text-anchor="end">{}</text>',
        ((" chart__zero" if v == 0 else "", left, width - right, y(v), y(v), left - 6, y(v) + 4, _fmt(v)) for v in (100, 50, 0, -50, -100)),
    )
    n = len(points)
    if not scored:
        body = grid + format_html('<text class="chart__empty" x="{}" y="{}" text-anchor="middle">{}</text>', width / 2, height / 2, _("No answers yet."))
        return _svg(width, height, title, _("No answers in this period."), body, "chart--trend")

    step = plot_w / max(n, 1)

    def x(i):
        return round(left + step * (i + 0.5), 1)

    parts = [grid]
    if chart_type == "bars":
        bar_w = max(2, step * 0.7)
        for i, p in enumerate(points):
            if p.get("nps") is None:
                continue
            y0, y1 = y(0), y(p["nps"])
            parts.append(format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}"><title>{}: {}</title></rect>',
                "is-negative" if p["nps"] < 0 else "is-positive", round(x(i) - bar_w / 2, 1), min(y0, y1),
                round(bar_w, 1), max(abs(y1 - y0), 1), _day(p["period_start"]), _fmt(p["nps"]),
            ))
    else:
        band_upper = [(x(i), y(min(100, p["nps"] + (p.get("margin_of_error") or 0)))) for i, p in enumerate(points) if p.get("nps") is not None]
        band_lower = [(x(i), y(max(-100, p["nps"] - (p.get("margin_of_error") or 0)))) for i, p in enumerate(points) if p.get("nps") is not None]
        band = " ".join(f"{a},{b}" for a, b in band_upper + band_lower[::-1])
        parts.append(format_html('<polygon class="chart__band" points="{}"/>', band))
        line = " ".join(f"{x(i)},{y(p['nps'])}" for i, p in enumerate(points) if p.get("nps") is not None)
        parts.append(format_html('<polyline class="chart__line" points="{}"/>', line))
        for i, p in enumerate(points):
            if p.get("nps") is None:
                continue
            parts.append(format_html(
                '<circle class="chart__dot{}" cx="{}" cy="{}" r="3.5"><title>{}: {} ± {} ({})</title></circle>',
                " is-small" if p.get("small_sample") else "", x(i), y(p["nps"]), _day(p["period_start"]), _fmt(p["nps"]),
                _fmt(p.get("margin_of_error")),
                ngettext("%(count)s answer", "%(count)s answers", p["responses"] or 0) % {"count": _fmt(p["responses"] or 0)},
            ))
    label_at = sorted({0, n // 2, n - 1}) if n > 2 else list(range(n))
    parts.append(format_html_join(
        "", '<text class="chart__axis" x="{}" y="{}" text-anchor="middle">{}</text>',
        ((x(i), height - 8, _day(points[i]["period_start"])) for i in label_at),
    ))
    last = scored[-1]
    desc = _("%(count)s periods from %(first)s to %(last)s; latest NPS %(nps)s.") % {
        "count": n, "first": _day(points[0]["period_start"]), "last": _day(points[-1]["period_start"]), "nps": _fmt(last["nps"]),
    }
    return _svg(width, height, title, desc, mark_safe("".join(str(part) for part in parts)), "chart--trend")


def distribution_chart(result, title, width=640, height=56):
    """One 100% bar: promoters, passives, detractors, with the percentages written on it."""
    _counter[0] += 1
    n = result.get("responses") or 0
    if not n:
        body = format_html('<text class="chart__empty" x="{}" y="{}" text-anchor="middle">{}</text>', width / 2, height / 2 + 5, _("No answers yet."))
        return _svg(width, height, title, _("No answers in this period."), body, "chart--distribution")
    parts, offset = [], 0.0
    labels = {"promoters": _("Promoters"), "passives": _("Passives"), "detractors": _("Detractors")}
    for key in ("promoters", "passives", "detractors"):
        share = result[key] / n
        w = share * width
        pct = round(100 * share)
        parts.append(format_html(
            '<rect class="chart__seg chart__seg--{}" x="{}" y="0" width="{}" height="{}"><title>{}: {} ({})</title></rect>',
            key, round(offset, 1), round(w, 1), height, labels[key], _fmt(result[key]), formats.percent(pct),
        ))
        if w > 44:
            parts.append(format_html(
                '<text class="chart__seglabel" x="{}" y="{}" text-anchor="middle">{}</text>', round(offset + w / 2, 1), height / 2 + 6,
                formats.percent(pct),
            ))
        offset += w
    desc = ", ".join(f"{labels[k]} {formats.percent(round(100 * result[k] / n))}" for k in ("promoters", "passives", "detractors"))
    return _svg(width, height, title, desc, mark_safe("".join(str(p) for p in parts)), "chart--distribution")


def hbar_chart(rows, title, value_key="nps", label_key="key", note_key=None, diverging=True, width=640, row_h=30,
               text_key=None):
    """Horizontal bars, one per row: NPS from -100 to 100 around a zero line, or counts from 0."""
    _counter[0] += 1
    label_w, value_w = 170, 150 if text_key else 64
    height = max(row_h * len(rows), row_h) + 8
    if not rows:
        body = format_html('<text class="chart__empty" x="{}" y="{}" text-anchor="middle">{}</text>', width / 2, row_h / 2 + 8, _("No answers yet."))
        return _svg(width, row_h + 8, title, _("No answers in this period."), body, "chart--bars")
    plot_x, plot_w = label_w, width - label_w - value_w
    values = [row.get(value_key) for row in rows]
    maximum = 100 if diverging else max([v for v in values if v is not None] + [1])
    zero = plot_x + plot_w / 2 if diverging else plot_x
    scale = (plot_w / 2 if diverging else plot_w) / maximum
    parts = []
    if diverging:
        parts.append(format_html('<line class="chart__zero" x1="{}" x2="{}" y1="0" y2="{}"/>', zero, zero, height))
    for i, row in enumerate(rows):
        value = row.get(value_key)
        y = 4 + i * row_h
        label = str(row.get(label_key) or "—")
        short = label if len(label) <= 22 else label[:21] + "…"
        parts.append(format_html('<text class="chart__label" x="{}" y="{}" text-anchor="end">{}</text>', label_w - 8, y + row_h / 2 + 4, short))
        if value is not None:
            w = abs(value) * scale
            bar_x = zero - w if value < 0 else zero
            css = "is-small" if row.get("small_sample") else ("is-negative" if value < 0 else "is-positive")
            note = f" · {row[note_key]}" if note_key and row.get(note_key) is not None else ""
            parts.append(format_html(
                '<rect class="chart__bar {}" x="{}" y="{}" width="{}" height="{}" rx="2"><title>{}: {}{}</title></rect>',
                css, round(bar_x, 1), y + 4, round(max(w, 1), 1), row_h - 10, label, _fmt(value), note,
            ))
        parts.append(format_html(
            '<text class="chart__value" x="{}" y="{}" text-anchor="end">{}</text>', width - 4, y + row_h / 2 + 4,
            row.get(text_key) if text_key else _fmt(value),
        ))
    desc = "; ".join(f"{row.get(label_key)}: {_fmt(row.get(value_key))}" for row in rows[:20])
    return _svg(width, height, title, desc, mark_safe("".join(str(p) for p in parts)), "chart--bars")
