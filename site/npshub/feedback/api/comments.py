"""The comment stream (GET /api/v1/comments/), its export, and the topic chart (GET /api/v1/topics/).

Comments are masked (phone numbers, e-mail addresses, card numbers); contact data never appears."""

import csv
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub.api.pagination import Pagination
from npshub.feedback import topics
from npshub.feedback.api.stats import FILTER_PARAMETERS, parse_filter
from npshub.feedback.api.throttles import SEARCH_SCOPE, SearchThrottle
from npshub.feedback.comments import EXPORT_COLUMNS, comment_item, comment_queryset
from npshub.spreadsheet import safe_cell

EXPORT_MAX_ROWS = 200_000

COMMENT_PARAMETERS = [
    *FILTER_PARAMETERS,
    OpenApiParameter("topic", str, description="Topic slug, or a comma-separated list (any of them)"),
    OpenApiParameter("q", str, description="Words that must all appear in the masked comment "
                     "(searches are throttled per user: NPSHUB_SEARCH_RATE, default 30/min)"),
    OpenApiParameter("score_min", int, description="Lowest score, 0..10"),
    OpenApiParameter("score_max", int, description="Highest score, 0..10"),
]


class TopicRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    score = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(allow_null=True)
    comment = serializers.CharField(help_text="Personal data masked")
    topics = TopicRefSerializer(many=True)
    source = serializers.CharField()
    segment = serializers.CharField()
    product = serializers.CharField()
    channel = serializers.CharField()
    region = serializers.CharField()
    team = serializers.CharField()
    language = serializers.CharField()


class TopicStatSerializer(serializers.Serializer):
    topic = serializers.CharField()
    name = serializers.CharField()
    mentions = serializers.IntegerField()
    detractor_mentions = serializers.IntegerField()
    nps = serializers.FloatField(allow_null=True)
    responses = serializers.IntegerField()
    promoters = serializers.IntegerField()
    passives = serializers.IntegerField()
    detractors = serializers.IntegerField()
    margin_of_error = serializers.FloatField(allow_null=True)


def _score_bound(params, name):
    value = params.get(name, "").strip()
    if not value:
        return None
    if not (value.isascii() and value.isdecimal()) or not 0 <= int(value) <= 10:
        raise ValidationError({"detail": f"'{name}' must be a whole number 0..10, not {value!r}."})
    return int(value)


def filtered_comments(request):
    """The comment queryset for the request's query parameters; bad values -> 400."""
    params = request.query_params
    stats_filter = parse_filter(request)
    score_min, score_max = _score_bound(params, "score_min"), _score_bound(params, "score_max")
    if score_min is not None and score_max is not None and score_min > score_max:
        raise ValidationError({"detail": "'score_min' must not be above 'score_max'."})
    topic = [slug.strip() for slug in params.get("topic", "").split(",") if slug.strip()]
    return comment_queryset(stats_filter, topic=topic or None, q=params.get("q", "").strip() or None,
                            score_min=score_min, score_max=score_max)


class CommentListView(APIView):
    """Customer comments, newest first, masked; filters as the statistics plus topic, q, score band."""

    throttle_classes = [*APIView.throttle_classes, SearchThrottle]
    throttle_scope = SEARCH_SCOPE

    @extend_schema(tags=["comments"], parameters=COMMENT_PARAMETERS, responses=CommentSerializer(many=True))
    def get(self, request):
        paginator = Pagination()
        page = paginator.paginate_queryset(filtered_comments(request), request, view=self)
        return paginator.get_paginated_response([comment_item(response) for response in page])


class _FileNegotiation(DefaultContentNegotiation):
    """``?format=`` picks the file type here, not a DRF renderer; errors are still JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class _Echo:
    def write(self, value):
        return value


def _row(item):
    item = dict(item, topics=", ".join(topic["slug"] for topic in item["topics"]))
    return [item[column] if item[column] is not None else "" for column in EXPORT_COLUMNS]


class CommentExportView(APIView):
    """The filtered comment stream as a CSV (streamed) or XLSX file; masked, no contact data."""

    content_negotiation_class = _FileNegotiation
    throttle_classes = [*APIView.throttle_classes, SearchThrottle]
    throttle_scope = SEARCH_SCOPE

    @extend_schema(
        tags=["comments"],
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], description="default csv"), *COMMENT_PARAMETERS],
        responses={(200, "text/csv"): str, (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request):
        file_format = request.query_params.get("format", "csv")
        if file_format not in ("csv", "xlsx"):
            raise ValidationError({"detail": f"'format' must be csv or xlsx, not {file_format!r}."})
        queryset = filtered_comments(request)[:EXPORT_MAX_ROWS]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        if file_format == "csv":
            return self._csv(queryset, f"comments-{stamp}.csv")
        return self._xlsx(queryset, f"comments-{stamp}.xlsx")

    def _items(self, queryset):
        return (comment_item(response) for response in queryset.iterator(chunk_size=2000))

    def _csv(self, queryset, filename):
        writer = csv.writer(_Echo())

        def rows():
            yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
            for item in self._items(queryset):
                yield writer.writerow([safe_cell(value) for value in _row(item)])

        response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def _xlsx(self, queryset, filename):
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Comments")
        sheet.append(list(EXPORT_COLUMNS))
        for item in self._items(queryset):
            sheet.append([safe_cell(value, xlsx=True) for value in _row(item)])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class TopicStatsView(APIView):
    """Topics with their mentions, detractor mentions and NPS; most detractor mentions first."""

    @extend_schema(tags=["comments"], parameters=FILTER_PARAMETERS, responses=TopicStatSerializer(many=True))
    def get(self, request):
        return APIResponse(topics.topic_stats(parse_filter(request)))


def register(router):
    router.add_view("comments/", CommentListView, "comments")
    router.add_view("comments/export/", CommentExportView, "comments-export")
    router.add_view("topics/", TopicStatsView, "topics")
