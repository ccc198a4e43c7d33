"""Numbers, dates and relative times in the reader's language: the one home for how the hub writes
a figure (pages, charts, e-mails, Teams cards, screens, exports meant for people).

Built on Babel (CLDR data), so Russian gets a decimal comma, thin-space thousands ("1 234,5"),
month names ("дек. 2025") and plural-aware relative times ("2 минуты назад"); English gets
"1,234.5", "Dec 2025", "2 minutes ago". Every function takes ``language`` (default: the active
Django language) and returns text; ``None`` becomes ``default`` ("–").

Templates: ``{% load hub_format %}`` then ``{{ value|num:1 }}``, ``|signed:1``, ``|pct``,
``|margin``, ``|month``, ``|day``, ``|ago``. JavaScript formats live values with the same rules
(``Intl.NumberFormat`` plus the thin space, see ``number_js_options``).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date, format_skeleton, format_timedelta
from babel.numbers import format_decimal
from django.utils import timezone, translation

THIN_SPACE = "\u202f"  # narrow no-break space: the Russian thousands separator, never wraps
MINUS = "\u2212"
DASH = "–"
SUPPORTED = ("en", "ru")


def locale_of(language=None):
    """The Babel locale name for a Django language code (``ru-ru`` → ``ru``), English by default."""
    code = (language or translation.get_language() or "en").split("-")[0].lower()
    return code if code in SUPPORTED else "en"


def _rounded(value, decimals):
    """Round half away from zero, as the NPS maths does (``nps.one_decimal``), not banker's rounding."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value, decimals=0, language=None, default=DASH):
    """``1234.5`` → ``"1 234,5"`` (ru) / ``"1,234.5"`` (en); ``decimals`` fixed places."""
    if value is None:
        return default
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    locale = locale_of(language)
    text = format_decimal(_rounded(value, decimals), format=pattern, locale=locale)
    text = text.replace("\xa0", THIN_SPACE)
    return text.replace("-", MINUS)


def signed(value, decimals=1, language=None, default=DASH):
    """A change with its sign: ``+2,3`` / ``−2,3`` / ``0,0`` (no sign on zero)."""
    if value is None:
        return default
    text = number(value, decimals, language)
    return text if text.startswith(MINUS) or _rounded(value, decimals) == 0 else "+" + text


def direction(value, decimals=1):
    """Which way a change goes as written: ``"up"``, ``"down"`` or ``""`` when unknown or when it rounds
    to zero (shown neutral: no arrow, no colour)."""
    if value is None or _rounded(value, decimals) == 0:
        return ""
    return "up" if value > 0 else "down"


def percent(value, decimals=0, language=None, default=DASH):
    """``76.4`` (already a percentage) → ``"76 %"`` (ru, no-break space) / ``"76%"`` (en)."""
    if value is None:
        return default
    text = number(value, decimals, language)
    return f"{text}\u00a0%" if locale_of(language) == "ru" else f"{text}%"


def margin(value, decimals=1, language=None, default=""):
    """The margin of error as one token that never wraps: ``"±2,2"``."""
    if value is None:
        return default
    return "±" + number(value, decimals, language)


def _as_date(value):
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def month(value, language=None, short=True):
    """``2025-12-01`` → ``"дек. 2025"`` / ``"Dec 2025"`` (``short=False``: ``"декабрь 2025"``)."""
    if value is None:
        return DASH
    locale = locale_of(language)
    return format_date(_as_date(value), "LLL yyyy" if short else "LLLL yyyy", locale=locale)


def month_name(value, language=None, short=True):
    """Only the month, for axis ticks inside one year: ``"дек."`` / ``"Dec"``."""
    return format_date(_as_date(value), "LLL" if short else "LLLL", locale=locale_of(language))


def day(value, language=None, with_year=False):
    """``"1 дек."`` / ``"Dec 1"`` (``with_year``: ``"1 дек. 2025 г."`` / ``"Dec 1, 2025"``)."""
    if value is None:
        return DASH
    return format_skeleton("yMMMd" if with_year else "MMMd", _as_date(value), locale=locale_of(language))


def ago(moment, now=None, language=None):
    """``"2 минуты назад"`` / ``"2 minutes ago"`` (``"in 3 days"`` for the future)."""
    if moment is None:
        return DASH
    now = now or timezone.now()
    return format_timedelta(moment - now, add_direction=True, threshold=1, locale=locale_of(language))


def number_js_options(language=None):
    """What the browser needs to format live values like the server: ``{"locale", "group"}``."""
    return {"locale": locale_of(language), "group": THIN_SPACE if locale_of(language) == "ru" else ","}
