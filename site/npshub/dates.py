"""The one home of the sane date range: every date or moment read from outside (query strings,
ingested records, CSV files, pulls) must fall between ``EARLIEST`` and ``LATEST``.

Python's dates run from year 1 to 9999, but a period ending on 9999-12-31 (plus a day), a moment
of 0001-01-01T00:00:00+05:00 (minus five hours) or a previous period before year 1 overflow; the
range below leaves room on both sides, so arithmetic on a valid date never overflows.

    day = dates.parse_date(request.GET.get("to"), "to")     # None when empty
    dates.check_moment(moment, "submitted_at")               # raises OutOfRange
"""

import datetime

from django.utils.translation import gettext as _

from npshub.params import BadParameter

EARLIEST = datetime.date(1970, 1, 1)
LATEST = datetime.date(2100, 12, 31)


class InvalidDate(BadParameter):
    """A date that cannot be read or is out of range; the message names the field."""


class OutOfRange(InvalidDate):
    pass


def range_text():
    return f"{EARLIEST.isoformat()}..{LATEST.isoformat()}"


def check_date(day, name):
    """``day`` when it lies within the range, else OutOfRange naming ``name``."""
    if not EARLIEST <= day <= LATEST:
        raise OutOfRange(_("'%(name)s' must be a date within %(range)s, not %(value)s.") % {
            "name": name, "range": range_text(), "value": day.isoformat()})
    return day


def parse_date(value, name):
    """A YYYY-MM-DD date within the range, or None for an empty value; InvalidDate otherwise."""
    if value is None or not str(value).strip():
        return None
    text = str(value).strip()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(_("'%(name)s' must be a date as YYYY-MM-DD, not %(value)s.") % {
            "name": name, "value": repr(text[:40])}) from None
    return check_date(day, name)


def check_moment(moment, name):
    """An aware or naive datetime whose calendar date lies within the range (the date as written,
    so that converting it to UTC can never overflow)."""
    if not EARLIEST <= moment.date() <= LATEST:
        raise OutOfRange(_("%(name)s must be within %(range)s, not %(value)s") % {
            "name": name, "range": range_text(), "value": moment.isoformat()})
    return moment
