"""Signed webhooks (POST /api/v1/sources/<slug>/webhook/) and the sources list for CX admins.

Signing scheme (README "Feedback ingestion"): the sender puts the Unix time in seconds in
``X-NPS-Timestamp`` and ``hex(HMAC-SHA256(webhook_secret, timestamp + "." + raw body))`` in
``X-NPS-Signature`` (an optional ``sha256=`` prefix is accepted). A timestamp more than five
minutes away from our clock is refused, and so is a signature already accepted (a replay):
both 401, nothing stored.
"""

import datetime
import hashlib
import hmac
import json
import time

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub.api.permissions import role_required
from npshub.feedback.api.ingest import IngestReportSerializer, report_body
from npshub.feedback.api.pulls import PullSerializer, SourceWriteSerializer
from npshub.feedback.ingest import Ingestor, items_of, map_record
from npshub.feedback.models import Source, WebhookDelivery

TOLERANCE_SECONDS = 300


def sign(secret, timestamp, body):
    """The signature a sender puts in X-NPS-Signature for ``body`` (bytes) sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


class RawBodyParser(BaseParser):
    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


class WebhookView(APIView):
    """Responses pushed by a source, in its own JSON mapped through its field mapping."""

    authentication_classes = []
    permission_classes = [AllowAny]
    parser_classes = [RawBodyParser]

    @extend_schema(
        tags=["ingestion"],
        request={"application/json": {"type": "object"}},
        parameters=[
            OpenApiParameter("X-NPS-Timestamp", str, OpenApiParameter.HEADER, required=True,
                             description="Unix time in seconds; within 5 minutes of ours."),
            OpenApiParameter("X-NPS-Signature", str, OpenApiParameter.HEADER, required=True,
                             description='hex HMAC-SHA256(webhook secret, timestamp + "." + raw body); "sha256=" prefix allowed'),
        ],
        responses={201: IngestReportSerializer},
    )
    def post(self, request, slug):
        source = get_object_or_404(Source, slug=slug)
        body = request.body
        signature = self._verify(request, source, body)
        try:
            payload = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise exceptions.ParseError("The body is not JSON.") from None
        items = items_of(payload, source.field_mapping or {})
        if items is None:
            raise exceptions.ParseError("The body must be a JSON object or a list of objects.")
        if not source.active:
            raise exceptions.PermissionDenied("This source is inactive.")
        with transaction.atomic():
            try:
                with transaction.atomic():
                    WebhookDelivery.objects.create(source=source, signature=signature)
            except IntegrityError:
                raise exceptions.AuthenticationFailed("This delivery was already received (replay).") from None
            ingestor = Ingestor(source, via="webhook")
            for index, item in enumerate(items):
                ingestor.add(index, map_record(item, source.field_mapping or {}))
            report = ingestor.finish()
        # Deliveries older than the tolerance can no longer be replayed: their timestamp is refused.
        WebhookDelivery.objects.filter(
            received_at__lt=timezone.now() - datetime.timedelta(seconds=2 * TOLERANCE_SECONDS)
        ).delete()
        return APIResponse(report_body(report), status=status.HTTP_201_CREATED)

    def _verify(self, request, source, body):
        timestamp = request.headers.get("X-NPS-Timestamp", "").strip()
        given = request.headers.get("X-NPS-Signature", "").strip().lower().removeprefix("sha256=")
        if not timestamp or not given:
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp and X-NPS-Signature headers are required.")
        if not timestamp.isdigit():
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp must be Unix time in seconds.")
        if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp is more than 5 minutes away: refused.")
        expected = sign(source.webhook_secret, timestamp, body)
        if not hmac.compare_digest(expected, given):
            raise exceptions.AuthenticationFailed("Bad signature.")
        return expected

    def get_authenticate_header(self, request):
        return 'NPS-Signature realm="webhook"'


class SourceSerializer(serializers.ModelSerializer):
    webhook_url = serializers.SerializerMethodField()
    responses = serializers.IntegerField(read_only=True, source="response_count")
    pull = serializers.SerializerMethodField()

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "active", "field_mapping", "webhook_url", "responses", "created_at", "pull"]
        read_only_fields = fields

    def get_webhook_url(self, source) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/sources/{source.slug}/webhook/")

    def get_pull(self, source) -> dict | None:
        pull = getattr(source, "pull", None)  # None when the source does not pull
        return PullSerializer(pull).data if pull is not None else None


def _sources():
    from django.db.models import Count

    return Source.objects.annotate(response_count=Count("responses")).select_related("pull").order_by("name")


def _write(request, source, status_code):
    serializer = SourceWriteSerializer(source, data=request.data, partial=source is not None)
    serializer.is_valid(raise_exception=True)
    source = serializer.save()
    return APIResponse(SourceSerializer(_sources().get(pk=source.pk), context={"request": request}).data,
                       status=status_code)


class SourceListView(APIView):
    """Sources (CX admins): slugs, kinds, field mappings, pulls and webhook URLs; never secrets.
    POST creates one (with an optional ``pull`` object); PATCH changes the one named by ``slug``."""

    permission_classes = [role_required("cx_admin")]

    @extend_schema(tags=["ingestion"], responses=SourceSerializer(many=True))
    def get(self, request):
        return APIResponse(SourceSerializer(_sources(), many=True, context={"request": request}).data)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses={201: SourceSerializer})
    def post(self, request):
        return _write(request, None, status.HTTP_201_CREATED)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses=SourceSerializer)
    def patch(self, request):
        slug = request.data.get("slug") if isinstance(request.data, dict) else None
        if not slug:
            raise exceptions.ValidationError({"slug": "name the source to change (or PATCH /api/v1/sources/<slug>/)"})
        return _write(request, get_object_or_404(Source, slug=slug), status.HTTP_200_OK)


class SourceDetailView(APIView):
    permission_classes = [role_required("cx_admin")]

    @extend_schema(tags=["ingestion"], responses=SourceSerializer)
    def get(self, request, slug):
        return APIResponse(SourceSerializer(get_object_or_404(_sources(), slug=slug), context={"request": request}).data)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses=SourceSerializer)
    def patch(self, request, slug):
        return _write(request, get_object_or_404(Source, slug=slug), status.HTTP_200_OK)


def register(router):
    router.add_view("sources/", SourceListView, "sources")
    router.add_view("sources/<slug:slug>/", SourceDetailView, "source-detail")
    router.add_view("sources/<slug:slug>/webhook/", WebhookView, "source-webhook")
