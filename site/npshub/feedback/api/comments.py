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

from npshub import events
from npshub.api.pagination import LargeCountPagination
from npshub.feedback import topics
from npshub.feedback.api.stats import FilteredView, parse_filter
from npshub.feedback.api.throttles import SEARCH_SCOPE, SearchThrottle
from npshub.feedback.comments import EXPORT_COLUMNS, CommentFilterSet, comment_item
from npshub.feedback.models import Response, Source
from npshub.spreadsheet import safe_cell

EXPORT_MAX_ROWS = 200_000


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


class CommentsView(FilteredView):
    """The comment stream's views: ``CommentFilterSet`` declares and checks the filters."""

    queryset = Response.objects.all()
    filterset_class = CommentFilterSet
    throttle_classes = [*FilteredView.throttle_classes, SearchThrottle]
    throttle_scope = SEARCH_SCOPE


class CommentListView(CommentsView):
    """Customer comments, newest first, masked; filters as the statistics plus topic, q, score band."""

    pagination_class = LargeCountPagination  # millions of comments: exact counts up to 10,000

    @extend_schema(tags=["comments"], responses=CommentSerializer(many=True), summary="List customer comments")
    def get(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        _announce_reading(request)
        return self.get_paginated_response([comment_item(response) for response in page])


def _announce_reading(request):
    """An employee (not a source's token) read customer comments: ``events.comments_read``, with one
    event id per person and day so that a receiver counts the day once however often they read."""
    user = request.user
    if not user.is_authenticated or isinstance(request.auth, Source):
        return
    day = timezone.localdate()
    events.publish(events.comments_read, sender=CommentListView, user=user, day=day,
                   event_id=f"comments_read.{user.pk}.{day.isoformat()}")


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


class CommentExportView(CommentsView):
    """The filtered comment stream as a CSV (streamed) or XLSX file; masked, no contact data."""

    content_negotiation_class = _FileNegotiation

    @extend_schema(
        tags=["comments"],
        summary="Export customer comments as CSV or XLSX",
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"], description="default csv")],
        responses={(200, "text/csv"): str, (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes},
    )
    def get(self, request):
        file_format = request.query_params.get("format", "csv")
        if file_format not in ("csv", "xlsx"):
            raise ValidationError({"detail": f"'format' must be csv or xlsx, not {file_format!r}."})
        queryset = self.filter_queryset(self.get_queryset())[:EXPORT_MAX_ROWS]
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


class TopicStatsView(FilteredView):
    """Topics with their mentions, detractor mentions and NPS; most detractor mentions first."""

    @extend_schema(tags=["comments"], responses=TopicStatSerializer(many=True), summary="List topics with their NPS")
    def get(self, request):
        return APIResponse(topics.topic_stats(parse_filter(request)))


def register(router):
    router.add_view("comments/", CommentListView, "comments")
    router.add_view("comments/export/", CommentExportView, "comments-export")
    router.add_view("topics/", TopicStatsView, "topics")
