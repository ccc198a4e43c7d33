"""NPS statistics endpoints: the public contract (ARCHITECTURE.md) plus compare and ranking.

Contract fields are never removed or renamed; every score result adds ``small_sample``,
``skipped``, ``csat``, ``csat_responses``, ``ces`` and ``ces_responses`` (see npshub.feedback.stats).
"""

from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub.feedback import reference, stats
from npshub.feedback.filters import FILTER_PARAMS, InvalidFilter, StatsFilter

FILTER_PARAMETERS = [
    OpenApiParameter(name, str, description="Inclusive date YYYY-MM-DD (site time zone)"
                     if name in ("from", "to") else "One value or a comma-separated list (or the parameter repeated)")
    for name in FILTER_PARAMS
]
SHARED_FILTER_PARAMETERS = [p for p in FILTER_PARAMETERS if p.name not in ("from", "to")]
PERIOD_PARAMETERS = [
    OpenApiParameter(name, str, description=f"Inclusive date YYYY-MM-DD (site time zone) of period {name[0].upper()}")
    for name in ("a_from", "a_to", "b_from", "b_to")
]


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
    """A StatsFilter from query params (or a request); bad values are a 400 {"detail": ...}."""
    params = getattr(params, "query_params", params)
    try:
        return StatsFilter.from_params(params)
    except InvalidFilter as exc:
        raise ValidationError({"detail": str(exc)}) from exc


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
    many = getattr(params, "getlist", lambda name: [params.get(name)])
    shared = {name: ",".join(v for v in many(name) if v) for name in FILTER_PARAMS if name not in ("from", "to") and params.get(name)}
    filters = []
    for side in ("a", "b"):
        side_params = dict(shared, **{"from": params.get(f"{side}_from"), "to": params.get(f"{side}_to")})
        try:
            filters.append(StatsFilter.from_params(side_params))
        except InvalidFilter as exc:
            message = str(exc).replace("'from'", f"'{side}_from'").replace("'to'", f"'{side}_to'")
            raise ValidationError({"detail": message}) from exc
    return filters


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


class SummaryView(APIView):
    @extend_schema(tags=["nps"], parameters=FILTER_PARAMETERS, responses=ScoreSerializer)
    def get(self, request):
        return APIResponse(run_view("summary", request.query_params))


class TimeseriesView(APIView):
    @extend_schema(
        tags=["nps"],
        parameters=[OpenApiParameter("interval", str, enum=list(stats.INTERVALS),
                                     description="day, ISO week (Monday) or calendar month, in site time"),
                    *FILTER_PARAMETERS],
        responses=TimeseriesSerializer,
    )
    def get(self, request):
        return APIResponse(run_view("timeseries", request.query_params))


class BreakdownView(APIView):
    @extend_schema(
        tags=["nps"],
        parameters=[OpenApiParameter("by", str, enum=list(stats.BREAKDOWNS), required=True), *FILTER_PARAMETERS],
        responses=BreakdownSerializer,
    )
    def get(self, request):
        return APIResponse(run_view("breakdown", request.query_params))


class CompareView(APIView):
    @extend_schema(
        tags=["nps"],
        summary="Compare the NPS of two periods, with a significance test",
        description=(
            "Period A (`a_from`..`a_to`) against period B (`b_from`..`b_to`), both with the shared "
            "filters. `change` = NPS(B) - NPS(A); `significant` when |change| > 1.96 x "
            "sqrt(se_a^2 + se_b^2), the standard errors coming from the margin-of-error variance."
        ),
        parameters=[*PERIOD_PARAMETERS, *SHARED_FILTER_PARAMETERS],
        responses=CompareSerializer,
        examples=[OpenApiExample("Two months", value={
            "a": {"nps": 20.0, "responses": 400}, "b": {"nps": 32.5, "responses": 380},
            "change": 12.5, "change_margin_of_error": 11.6, "significant": True,
        }, response_only=True)],
    )
    def get(self, request):
        return APIResponse(run_view("compare", request.query_params))


class RankingView(APIView):
    @extend_schema(
        tags=["nps"],
        summary="Fair ranking of teams, regions, ... by the lower bound of the 95% interval",
        parameters=[
            OpenApiParameter("by", str, enum=list(stats.BREAKDOWNS), required=True),
            OpenApiParameter("min_responses", int, description="Fewer answers: 'not enough answers' "
                             "(default NPSHUB_RANKING_MIN_RESPONSES, 30)"),
            *FILTER_PARAMETERS,
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
