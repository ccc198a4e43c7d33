"""Template filters for figures in the reader's language: ``{% load hub_format %}``.

``{{ score.nps|num:1 }}`` → 43,8 · ``{{ change|signed }}`` → +2,3 · ``{{ change|trend }}`` → up/down/"" · ``{{ share|pct }}`` → 76 % ·
``{{ moe|margin }}`` → ±2,2 · ``{{ period_start|month }}`` → дек. 2025 · ``{{ when|day }}`` ·
``{{ created_at|ago }}`` → 2 минуты назад. The rules live in ``npshub.formats``.
"""

from django import template

from npshub import formats

register = template.Library()


@register.filter
def num(value, decimals=0):
    return formats.number(value, int(decimals))


@register.filter
def signed(value, decimals=1):
    return formats.signed(value, int(decimals))


@register.filter
def trend(value, decimals=1):
    """``"up"``, ``"down"`` or ``""`` (unknown or zero as written): for arrows and colours."""
    return formats.direction(value, int(decimals))


@register.filter
def pct(value, decimals=0):
    return formats.percent(value, int(decimals))


@register.filter
def margin(value, decimals=1):
    return formats.margin(value, int(decimals))


@register.filter
def month(value, style="short"):
    return formats.month(value, short=style != "long")


@register.filter
def day(value, style=""):
    return formats.day(value, with_year=style == "year")


@register.filter
def ago(value):
    return formats.ago(value)


@register.filter
def label(value, dimension):
    """``{{ response.product|label:"product" }}`` → "Электрочайник": a dimension value's label in the
    reader's language (its slug until someone names it). One query: for lists, prefer labels()."""
    from npshub.feedback import reference

    return reference.label(dimension, value) if value else ""


@register.filter
def script_lang(text):
    """The language of words people wrote, told by their script (the company writes Russian or English):
    ``"ru"`` when Cyrillic letters outnumber Latin ones, else ``"en"``. For ``lang`` attributes."""
    text = str(text or "")
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    return "ru" if cyrillic > latin else "en"
