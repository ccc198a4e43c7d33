"""The SVG charts: axes fit the data with zero marked, months in the reader's language, values on
bars, a phone-sized copy of the latest periods, bars split around zero only for negative values."""

import re

from django.utils import translation

from npshub import charts


def months(values):
    return [{"period_start": f"2026-{m:02d}-01", "nps": v, "margin_of_error": 4.0, "responses": 120, "small_sample": False}
            for m, v in enumerate(values, start=1)]


def axis(svg):
    return re.findall(r'<text class="chart__axis" x="[\d.]+" y="[\d.]+" text-anchor="end">([^<]+)</text>', svg)


def test_axis_fits_the_data_and_marks_zero():
    assert charts.axis_range([26, 46]) == [20, 30, 40, 50]
    assert charts.axis_range([-12, 31]) == [-20, 0, 20, 40]
    assert charts.axis_range([-100, 100]) == [-100, -50, 0, 50, 100]
    with translation.override("en"):
        wide = str(charts.trend_chart(months([26, 30, 46]), "Trend", narrow=False))
    assert axis(wide) == ["20", "30", "40", "50"] and "chart__zero" not in wide
    with translation.override("en"):
        crossing = str(charts.trend_chart(months([-5, 12]), "Trend", chart_type="bars", narrow=False))
    assert "\u22125" in "".join(axis(crossing)) and 'class="chart__grid chart__zero"' in crossing


def test_months_in_the_readers_language_and_values_on_bars():
    with translation.override("ru"):
        svg = str(charts.trend_chart(months([10.5, -3.25]), "Тренд", chart_type="bars", narrow=False))
    assert "янв. 2026" in svg and "февр. 2026" in svg and "2026-01-01" not in svg
    assert ">10,5</text>" in svg and ">\u22123,3</text>" in svg  # decimal comma, real minus, written on the bars


def test_phones_get_the_latest_periods():
    values = [float(v) for v in range(-10, 38, 3)]  # sixteen months
    points = [{"period_start": f"{2025 + (i // 12)}-{i % 12 + 1:02d}-01", "nps": v, "margin_of_error": 3.0, "responses": 40}
              for i, v in enumerate(values)]
    with translation.override("en"):
        both = str(charts.trend_chart(points, "Trend"))
    wide, narrow = both.split("</svg>")[:2]
    assert 'chart--wide' in wide and 'chart--narrow' in narrow and 'viewBox="0 0 360 240"' in narrow
    assert narrow.count("<circle") == charts.NARROW_PERIODS and "Apr 2026" in narrow and "Jan 2025" not in narrow
    assert ">35.0</text>" in narrow  # the latest value is written beside its dot


def test_bars_split_around_zero_only_with_negative_values():
    rows = [{"key": "kettle", "nps": 60.9, "responses": 40}, {"key": "blender", "nps": 30.4, "responses": 35}]
    with translation.override("en"):
        positive = str(charts.hbar_chart(rows, "By product"))
        mixed = str(charts.hbar_chart(rows + [{"key": "fan", "nps": -20.0, "responses": 31}], "By product"))
    assert "chart__zero" not in positive and 'x="170"' in positive  # bars start at the left edge of the plot
    assert mixed.count('class="chart__zero"') == 2 and ">\u221220.0</text>" in mixed
    narrow = positive.split("</svg>")[1]
    assert '<text class="chart__label" x="0" y="18">kettle</text>' in narrow  # label above its bar on phones
