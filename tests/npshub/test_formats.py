"""Figures in the reader's language: one set of rules for pages, charts, e-mails and cards."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from npshub import formats

NNBSP = "\u202f"


@pytest.mark.parametrize(
    ("language", "value", "decimals", "expected"),
    [
        ("ru", 1234.5, 1, f"1{NNBSP}234,5"),
        ("en", 1234.5, 1, "1,234.5"),
        ("ru", 4581, 0, f"4{NNBSP}581"),
        ("en", 4581, 0, "4,581"),
        ("ru", -12.25, 1, "\u221212,3"),  # half away from zero, true minus sign
        ("en", 0.05, 1, "0.1"),
        ("en", None, 1, "–"),
    ],
)
def test_number(language, value, decimals, expected):
    assert formats.number(value, decimals, language=language) == expected


def test_signed_percent_margin():
    assert formats.signed(2.34, language="ru") == "+2,3"
    assert formats.signed(-2.34, language="en") == "\u22122.3"
    assert formats.signed(0.04, language="en") == "0.0"  # no "+0.0" for no change
    assert formats.percent(76.4, language="ru") == "76\u00a0%"
    assert formats.percent(76.4, language="en") == "76%"
    assert formats.margin(2.2, language="ru") == "±2,2"


def test_months_days_and_relative_times():
    december = datetime.date(2025, 12, 1)
    assert formats.month(december, language="ru") == "дек. 2025"
    assert formats.month(december, language="en") == "Dec 2025"
    assert formats.month("2025-12-01", language="ru", short=False) == "декабрь 2025"
    assert formats.day(december, language="en") == "Dec 1"
    now = timezone.now()
    assert formats.ago(now - datetime.timedelta(minutes=2), now=now, language="ru") == "2 минуты назад"
    assert formats.ago(now - datetime.timedelta(minutes=2), now=now, language="en") == "2 minutes ago"


def test_filters_follow_the_active_language():
    template = Template("{% load hub_format %}{{ v|num:1 }} {{ c|signed }} {{ m|margin }} {{ d|month }}")
    context = Context({"v": 43.8, "c": 1.5, "m": 2.2, "d": datetime.date(2026, 1, 1)})
    with translation.override("ru"):
        assert template.render(context) == "43,8 +1,5 ±2,2 янв. 2026"
    with translation.override("en"):
        assert template.render(context) == "43.8 +1.5 ±2.2 Jan 2026"
