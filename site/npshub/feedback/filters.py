"""The statistics filters shared by the API, the pages and the exports: the one place that reads and
checks them.

``StatsFilterSet`` (django-filter) declares the parameters, so that the OpenAPI schema lists them
and every reader validates them alike: ``from``/``to`` are inclusive dates in the site's time zone,
within ``npshub.dates``' range; each dimension and ``source`` is one value, a comma-separated list or
the parameter repeated (``?region=a&region=b``, as a form's checkboxes send it), or both. Bad values
raise ``InvalidFilter`` (a 400 ``{"detail": ...}`` in the API) with a message naming the parameter.

``StatsFilter`` is the checked value the statistics work on (the rollups are not a queryset):
``StatsFilter.from_params(request.GET)`` builds it through the FilterSet.

    stats_filter = StatsFilter.from_params(request.query_params)   # raises InvalidFilter
    rows = StatsFilterSet(request.query_params, queryset=Response.objects.all()).checked().qs
"""

import datetime
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as drf_filters

from npshub import dates
from npshub.feedback.models import DIMENSIONS, Response
from npshub.params import BadParameter

FILTER_PARAMS = ("from", "to", *DIMENSIONS, "source")


class InvalidFilter(BadParameter):
    pass


# --- Fields: each reads one parameter and says what is wrong with it by name ----------------------

class ValuesWidget(django_filters.widgets.BaseCSVWidget, forms.TextInput):
    """A comma-separated list, or the parameter repeated, or both: the values in order, stripped,
    without blanks or repeats; None when the parameter is absent."""

    def value_from_datadict(self, data, files, name):
        if name not in data:
            return None
        raw = data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        if isinstance(raw, str) or not hasattr(raw, "__iter__"):
            raw = [raw]
        return list(dict.fromkeys(item.strip() for value in raw for item in str(value or "").split(",") if item.strip()))


class DayField(forms.Field):
    """A YYYY-MM-DD date within ``npshub.dates``' range; the message names ``param``."""

    def __init__(self, *args, param, **kwargs):
        self.param = param
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            return dates.parse_date(value, self.param)
        except dates.InvalidDate as exc:
            raise forms.ValidationError(str(exc), code="invalid") from None


class ValuesFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """One value, a comma-separated list or the parameter repeated (any of them)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", ValuesWidget)
        super().__init__(*args, **kwargs)


class DayFilter(django_filters.DateFilter):
    """An inclusive date in the site's time zone (``lookup_expr`` date__gte or date__lte)."""

    field_class = DayField


# --- The FilterSets -------------------------------------------------------------------------------

class OrderedForm(forms.Form):
    """Checks that each (low, high) pair of ``ordered`` is in order once both are valid."""

    ordered = ()  # (low, high, message with %(low)s and %(high)s)

    def clean(self):
        data = super().clean()
        for low, high, message in self.ordered:
            if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
                raise forms.ValidationError(message() % {"low": low, "high": high}, code="order")
        return data


def not_after():
    return _("'%(low)s' must not be after '%(high)s'.")


class StatsForm(OrderedForm):
    ordered = (("from", "to", not_after),)


class ParamFilterSet(drf_filters.FilterSet):
    """A FilterSet whose first error, as a sentence naming the parameter, is an InvalidFilter."""

    def checked(self):
        """This FilterSet once its parameters are valid; InvalidFilter with the first error if not."""
        if not self.is_valid():
            raise InvalidFilter(first_error(self.form.errors))
        return self


def first_error(errors):
    for messages in errors.values():  # the fields in declaration order, then the checks across them
        for message in messages:
            return message
    return _("Invalid filter.")


def declare(filterset, **filters):
    """Declare filters whose names are not Python names (``from``) or come from a list
    (``DIMENSIONS``), so that subclasses inherit them as any other."""
    for name, declared in filters.items():
        filterset.declared_filters[name] = filterset.base_filters[name] = declared
    return filterset


def _values(name, what):
    return ValuesFilter(field_name=name, label=what, help_text=f"{what}: one value, a comma-separated list, or the parameter "
                                                   "repeated (any of them).")


def _day(name, lookup, what):
    return DayFilter(field_name="submitted_at", lookup_expr=lookup, param=name, label=what,
                     help_text=f"{what} (inclusive, YYYY-MM-DD, site time zone; {dates.range_text()}).")


class DimensionFilterSet(ParamFilterSet):
    """The dimensions and ``source``: what the statistics filters and a comparison share."""

    class Meta:
        model = Response
        fields = []


declare(DimensionFilterSet, **{name: _values(name, name.capitalize()) for name in DIMENSIONS},
        source=_values("source__slug", "Source slug"))


class StatsFilterSet(DimensionFilterSet):
    """``from``, ``to``, the dimensions and ``source``. ``stats_filter()`` is the checked value;
    ``qs`` the responses it selects (the same rules as the statistics: ``StatsFilter.apply``)."""

    class Meta(DimensionFilterSet.Meta):
        form = StatsForm

    def stats_filter(self):
        data = self.checked().form.cleaned_data
        dimensions = {name: tuple(data[name]) for name in DIMENSIONS if data.get(name)}
        return StatsFilter(data.get("from"), data.get("to"), dimensions, tuple(data.get("source") or ()))

    def filter_queryset(self, queryset):
        return self.stats_filter().apply(queryset)


declare(StatsFilterSet, **{"from": _day("from", "date__gte", "First day"), "to": _day("to", "date__lte", "Last day")})


class CompareForm(OrderedForm):
    ordered = (("a_from", "a_to", not_after), ("b_from", "b_to", not_after))


class CompareFilterSet(DimensionFilterSet):
    """Two periods, A (``a_from``..``a_to``) and B (``b_from``..``b_to``), with the shared filters."""

    class Meta(DimensionFilterSet.Meta):
        form = CompareForm

    def periods(self):
        """(StatsFilter of A, StatsFilter of B)."""
        data = self.checked().form.cleaned_data
        dimensions = {name: tuple(data[name]) for name in DIMENSIONS if data.get(name)}
        sources = tuple(data.get("source") or ())
        return tuple(StatsFilter(data.get(f"{side}_from"), data.get(f"{side}_to"), dimensions, sources) for side in "ab")


declare(CompareFilterSet, **{
    f"{side}_{end}": _day(f"{side}_{end}", f"date__{lookup}", f"{what} of period {side.upper()}")
    for side in "ab" for end, lookup, what in (("from", "gte", "First day"), ("to", "lte", "Last day"))
})


# --- The value the statistics work on -------------------------------------------------------------

@dataclass(frozen=True)
class StatsFilter:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    dimensions: dict = field(default_factory=dict)  # name -> tuple of values
    sources: tuple = ()

    @classmethod
    def from_params(cls, params):
        """The filter of query ``params`` (a QueryDict or a dict) read by ``StatsFilterSet``."""
        return StatsFilterSet(params, queryset=Response.objects.none()).stats_filter()

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

    def apply(self, queryset, prefix=""):
        """``queryset`` of responses narrowed to the filter; ``prefix`` ("response__") applies it to a
        model that points at responses (the topic links) through one join, not a subquery."""
        start, end = self.bounds()
        if start:
            queryset = queryset.filter(**{f"{prefix}submitted_at__gte": start})
        if end:
            queryset = queryset.filter(**{f"{prefix}submitted_at__lt": end})
        for name, values in self.dimensions.items():
            queryset = queryset.filter(**{f"{prefix}{name}__in": values})
        if self.sources:
            queryset = queryset.filter(**{f"{prefix}source__slug__in": self.sources})
        return queryset


class FilterBackend(drf_filters.DjangoFilterBackend):
    """django-filter's backend whose bad parameter is a 400 ``{"detail": "..."}`` naming it, as
    everywhere else in the API (InvalidFilter is a BadParameter: npshub.api.errors)."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        return queryset if filterset is None else filterset.checked().qs
