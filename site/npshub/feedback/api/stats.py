"""NPS statistics endpoints: the public contract (ARCHITECTURE.md) plus compare and ranking.

Contract fields are never removed or renamed; every score result adds ``small_sample``,
``skipped``, ``csat``, ``csat_responses``, ``ces`` and ``ces_responses`` (see npshub.feedback.stats).
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response as APIResponse

from npshub.api.schema import FilterSetSchema
from npshub.feedback import reference, stats
from npshub.feedback.filters import CompareFilterSet, FilterBackend, StatsFilter, StatsFilterSet
from npshub.feedback.models import Response


class FilteredView(GenericAPIView):
    # A view of statistics: its FilterSet declares the filters, so the schema lists them; the view
    # reads them through the same FilterSet (``StatsFilter.from_params``). (A comment, not a
    # docstring: the schema would show it as every subclass's description.)

    queryset = Response.objects.none()  # the statistics read rollups; the model names the FilterSet's
    filterset_class = StatsFilterSet
    filter_backends = [FilterBackend]
    pagination_class = None  # one result, not pages (the comment list pages)
    schema = FilterSetSchema()


class ScoreSerializer(serializers.Serializer):
    nps = serializers.FloatField(allow_null=True)
    responses = serializers.IntegerField(help_text="Answers to the recommendation question (the denominator).")
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    margin_of_error = serializers.FloatField(allow_null=True)
    small_sample = serializers.BooleanField(help_text="Fewer answers than NPSHUB_SMALL_SAMPLE (30): read with care.")
    skipped = serializers.IntegerField(help_text="Responses that skipped the recommendation question: counted nowhere.")
    csat = serializers.FloatField(allow_null=True, help_text="% of CSAT answers that are 4 or 5 (1..5 scale).")
    csat_responses = serializers.IntegerField()
    ces = serializers.FloatField(allow_null=True, help_text="Mean customer effort (1..7 scale).")
    ces_responses = serializers.IntegerField()


class PointSerializer(ScoreSerializer):
    period_start = serializers.DateField()


class TimeseriesSerializer(serializers.Serializer):
    interval = serializers.CharField()
    points = PointSerializer(many=True)


class BreakdownRowSerializer(ScoreSerializer):
    key = serializers.CharField()


class BreakdownSerializer(serializers.Serializer):
    by = serializers.CharField()
    rows = BreakdownRowSerializer(many=True)


class CompareSerializer(serializers.Serializer):
    a = ScoreSerializer()
    b = ScoreSerializer()
    change = serializers.FloatField(allow_null=True, help_text="NPS of b minus NPS of a.")
    change_margin_of_error = serializers.FloatField(allow_null=True)
    significant = serializers.BooleanField()


class RankingRowSerializer(BreakdownRowSerializer):
    lower_bound = serializers.FloatField(help_text="nps - margin_of_error: what the ranking sorts by.")
    ranked = serializers.BooleanField(help_text="False: not enough answers to rank.")
    rank = serializers.IntegerField(allow_null=True)


class RankingSerializer(serializers.Serializer):
    by = serializers.CharField()
    min_responses = serializers.IntegerField()
    rows = RankingRowSerializer(many=True)


def parse_filter(params):
    """A StatsFilter from query params (or a request); bad values raise InvalidFilter, a 400
    {"detail": ...} naming the parameter (npshub.api.errors)."""
    return StatsFilter.from_params(getattr(params, "query_params", params))


def choice(params, name, choices, default):
    value = params.get(name, default)
    if value not in choices:
        shown = "missing" if value is None else repr(value)
        raise ValidationError({"detail": f"'{name}' must be one of {', '.join(choices)}, not {shown}."})
    return value


def positive_int(params, name, default):
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise ValidationError({"detail": f"'{name}' must be a whole number of 0 or more, not {value!r}."})
    return number


def period_filters(params):
    """The two filters of a comparison: shared dimension filters, each with its own dates."""
    return CompareFilterSet(params, queryset=Response.objects.none()).periods()


def with_labels(by, rows):
    """Rows keep the slug as ``key`` and get its ``label`` in the request's language (contract extended)."""
    names = reference.labels(by, [row["key"] for row in rows])
    return [{**row, "label": names.get(row["key"], row["key"])} for row in rows]


def run_view(view, params):
    """The data of one statistics view for query ``params`` (used by the API and the exports)."""
    if view == "summary":
        return stats.summary(parse_filter(params))
    if view == "timeseries":
        interval = choice(params, "interval", stats.INTERVALS, "month")
        return {"interval": interval, "points": stats.timeseries(parse_filter(params), interval)}
    if view == "breakdown":
        by = choice(params, "by", stats.BREAKDOWNS, None)
        return {"by": by, "rows": with_labels(by, stats.breakdown(parse_filter(params), by))}
    if view == "ranking":
        by = choice(params, "by", stats.BREAKDOWNS, None)
        minimum = positive_int(params, "min_responses", stats.ranking_min_responses())
        return {"by": by, "min_responses": minimum,
                "rows": with_labels(by, stats.ranking(parse_filter(params), by, min_responses=minimum))}
    if view == "compare":
        filter_a, filter_b = period_filters(params)
        return stats.compare(filter_a, filter_b)
    raise ValueError(view)


class SummaryView(FilteredView):
    @extend_schema(tags=["nps"], responses=ScoreSerializer, summary="Get the NPS summary",
                   description="NPS, response counts by group and the 95% margin of error of the filtered "
                               "responses, for any signed-in employee; `nps` is null without responses. "
                               "400 for a bad filter.")
    def get(self, request):
        return APIResponse(run_view("summary", request.query_params))


class TimeseriesView(FilteredView):
    @extend_schema(
        tags=["nps"],
        summary="Get the NPS over time",
        description="The NPS per day, week or month of the filtered responses, for any signed-in employee. "
                    "400 for a bad filter or interval.",
        parameters=[OpenApiParameter("interval", str, enum=list(stats.INTERVALS),
                                     description="day, ISO week (Monday) or calendar month, in site time")],
        responses=TimeseriesSerializer,
    )
    def get(self, request):
        return APIResponse(run_view("timeseries", request.query_params))


class BreakdownView(FilteredView):
    @extend_schema(
        tags=["nps"],
        summary="Break the NPS down by a dimension",
        description="One row per segment, product, channel, region or team (`by`), with its label in the "
                    "request's language, for any signed-in employee. 400 for a bad filter or `by`.",
        parameters=[OpenApiParameter("by", str, enum=list(stats.BREAKDOWNS), required=True)],
        responses=BreakdownSerializer,
    )
    def get(self, request):
        return APIResponse(run_view("breakdown", request.query_params))


class CompareView(FilteredView):
    filterset_class = CompareFilterSet

    @extend_schema(
        tags=["nps"],
        summary="Compare the NPS of two periods, with a significance test",
        description=(
            "Period A (`a_from`..`a_to`) against period B (`b_from`..`b_to`), both with the shared "
            "filters. `change` = NPS(B) - NPS(A); `significant` when |change| > 1.96 x "
            "sqrt(se_a^2 + se_b^2), the standard errors coming from the margin-of-error variance."
        ),
        responses=CompareSerializer,
        examples=[OpenApiExample("Two months", value={
            "a": {"nps": 20.0, "responses": 400}, "b": {"nps": 32.5, "responses": 380},
            "change": 12.5, "change_margin_of_error": 11.6, "significant": True,
        }, response_only=True)],
    )
    def get(self, request):
        return APIResponse(run_view("compare", request.query_params))


class RankingView(FilteredView):
    @extend_schema(
        tags=["nps"],
        summary="Fair ranking of teams, regions, ... by the lower bound of the 95% interval",
        description="One row per unit of `by`, ranked by `nps - margin_of_error`; units with fewer than "
                    "`min_responses` answers are listed unranked. Any signed-in employee; 400 for a bad "
                    "filter, `by` or `min_responses`.",
        parameters=[
            OpenApiParameter("by", str, enum=list(stats.BREAKDOWNS), required=True),
            OpenApiParameter("min_responses", int, description="Fewer answers: 'not enough answers' "
                             "(default NPSHUB_RANKING_MIN_RESPONSES, 30)"),
        ],
        responses=RankingSerializer,
    )
    def get(self, request):
        return APIResponse(run_view("ranking", request.query_params))


def register(router):
    from npshub.feedback.api.export import ExportView

    router.add_view("nps/summary/", SummaryView, "nps-summary")
    router.add_view("nps/timeseries/", TimeseriesView, "nps-timeseries")
    router.add_view("nps/breakdown/", BreakdownView, "nps-breakdown")
    router.add_view("nps/compare/", CompareView, "nps-compare")
    router.add_view("nps/ranking/", RankingView, "nps-ranking")
    router.add_view("nps/export/", ExportView, "nps-export")
