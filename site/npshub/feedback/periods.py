"""Period arithmetic of the statistics: where a day's period starts, and how a date range splits
into whole months (read from the monthly rollups) and the partial months at its ends (read by day).

Days are local days in the site time zone; a range is inclusive at both ends and ``None`` is open.
"""

import datetime
from dataclasses import dataclass

ONE_DAY = datetime.timedelta(days=1)
INTERVALS = ("day", "week", "month")  # the periods a series can be grouped by


def period_start(day, interval):
    """The first day of ``day``'s period: itself ("day"), its ISO week's Monday, or its month's 1st."""
    if interval == "week":
        return day - datetime.timedelta(days=day.weekday())
    if interval == "month":
        return day.replace(day=1)
    return day


def next_month(month_start):
    return (month_start + datetime.timedelta(days=32)).replace(day=1)


@dataclass(frozen=True)
class MonthSplit:
    """``months``: (first, last) month starts of the whole months inside the range, either None when
    open (None when the range holds no whole month); ``edges``: the inclusive (from, to) day ranges
    left over at its ends, at most two."""

    months: tuple | None
    edges: tuple


def split_months(date_from, date_to):
    """Split the inclusive range ``date_from``..``date_to`` (either None: open) into whole months and
    partial edges. An open end counts as whole: every month up to it is read from the monthly tier.

    >>> split_months(datetime.date(2026, 1, 20), datetime.date(2026, 3, 31))
    MonthSplit(months=(datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)), edges=((datetime.date(2026, 1, 20), datetime.date(2026, 1, 31)),))
    """
    first = last = None
    edges = []
    if date_from is not None:
        first = date_from if date_from.day == 1 else next_month(date_from.replace(day=1))
    if date_to is not None:  # its month if it is the month's last day, else the month before
        month = date_to.replace(day=1)
        last = month if (date_to + ONE_DAY).day == 1 else (month - ONE_DAY).replace(day=1)
    if first is not None and last is not None and first > last:
        return MonthSplit(None, ((date_from, date_to),))
    if date_from is not None and first != date_from:
        edges.append((date_from, first - ONE_DAY))
    if date_to is not None and next_month(last) - ONE_DAY != date_to:
        edges.append((next_month(last), date_to))
    return MonthSplit((first, last), tuple(edges))
