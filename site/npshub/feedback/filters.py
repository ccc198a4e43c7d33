"""The statistics filters shared by the API, the pages and the exports.

``from``/``to`` are inclusive dates in the site's time zone; each dimension and ``source`` may be
a comma-separated list (or repeated). Dates lie within ``npshub.dates``' range. Bad values raise ``InvalidFilter`` with a message naming the parameter.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from npshub import dates
from npshub.params import BadParameter
from npshub.feedback.models import DIMENSIONS

FILTER_PARAMS = ("from", "to", *DIMENSIONS, "source")


class InvalidFilter(BadParameter):
    pass


def _date(params, name):
    try:
        return dates.parse_date(params.get(name), name)
    except dates.InvalidDate as exc:
        raise InvalidFilter(str(exc)) from None


def _values(params, name):
    """A comma-separated list, or the parameter repeated (``?region=a&region=b``, as a form's
    checkboxes send it), or both: the values in order, without repeats."""
    raw = params.getlist(name) if hasattr(params, "getlist") else [params.get(name) or ""]
    return list(dict.fromkeys(item.strip() for value in raw for item in str(value or "").split(",") if item.strip()))


@dataclass(frozen=True)
class StatsFilter:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    dimensions: dict = field(default_factory=dict)  # name -> tuple of values
    sources: tuple = ()

    @classmethod
    def from_params(cls, params):
        date_from, date_to = _date(params, "from"), _date(params, "to")
        if date_from and date_to and date_from > date_to:
            raise InvalidFilter("'from' must not be after 'to'.")
        dimensions = {name: tuple(_values(params, name)) for name in DIMENSIONS if _values(params, name)}
        return cls(date_from, date_to, dimensions, tuple(_values(params, "source")))

    def as_params(self):
        params = {}
        if self.date_from:
            params["from"] = self.date_from.isoformat()
        if self.date_to:
            params["to"] = self.date_to.isoformat()
        for name, values in self.dimensions.items():
            params[name] = ",".join(values)
        if self.sources:
            params["source"] = ",".join(self.sources)
        return params

    def bounds(self):
        """The [start, end) datetimes in the site's time zone, each None when open."""
        tz = timezone.get_current_timezone()
        start = end = None
        if self.date_from:
            start = datetime.datetime.combine(self.date_from, datetime.time.min, tzinfo=tz)
        if self.date_to:
            end = datetime.datetime.combine(self.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end

    def apply(self, queryset):
        start, end = self.bounds()
        if start:
            queryset = queryset.filter(submitted_at__gte=start)
        if end:
            queryset = queryset.filter(submitted_at__lt=end)
        for name, values in self.dimensions.items():
            queryset = queryset.filter(**{f"{name}__in": values})
        if self.sources:
            queryset = queryset.filter(source__slug__in=self.sources)
        return queryset
