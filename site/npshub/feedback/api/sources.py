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
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub.api.permissions import role_required
from npshub.api.throttling import WebhookThrottle
from npshub.feedback.api.ingest import IngestReportSerializer, report_body
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
    throttle_classes = [WebhookThrottle]

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
        source = Source.objects.filter(slug=slug).first()
        body = request.body
        # An unknown source is checked against a random secret: the same 401s, in the same order,
        # as for a known one, so the answers never tell which sources exist.
        signature = self._verify(request, source.webhook_secret if source else secrets.token_hex(32), body)
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

    def _verify(self, request, secret, body):
        timestamp = request.headers.get("X-NPS-Timestamp", "").strip()
        given = request.headers.get("X-NPS-Signature", "").strip().lower().removeprefix("sha256=")
        if not timestamp or not given:
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp and X-NPS-Signature headers are required.")
        if not timestamp.isdigit():
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp must be Unix time in seconds.")
        if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
            raise exceptions.AuthenticationFailed("X-NPS-Timestamp is more than 5 minutes away: refused.")
        expected = sign(secret, timestamp, body)
        if not hmac.compare_digest(expected, given):
            raise exceptions.AuthenticationFailed("Bad signature.")
        return expected

    def get_authenticate_header(self, request):
        return 'NPS-Signature realm="webhook"'


class SourceSerializer(serializers.ModelSerializer):
    webhook_url = serializers.SerializerMethodField()
    responses = serializers.IntegerField(read_only=True, source="response_count")

    class Meta:
        model = Source
        fields = ["slug", "name", "kind", "active", "field_mapping", "webhook_url", "responses", "created_at"]
        read_only_fields = fields

    def get_webhook_url(self, source) -> str:
        return self.context["request"].build_absolute_uri(f"/api/v1/sources/{source.slug}/webhook/")


class SourceListView(APIView):
    """Sources (CX admins): slugs, kinds, field mappings and webhook URLs; never secrets."""

    permission_classes = [role_required("cx_admin")]

    @extend_schema(tags=["ingestion"], responses=SourceSerializer(many=True))
    def get(self, request):
        from django.db.models import Count

        sources = Source.objects.annotate(response_count=Count("responses")).order_by("name")
        return APIResponse(SourceSerializer(sources, many=True, context={"request": request}).data)


def register(router):
    router.add_view("sources/", SourceListView, "sources")
    router.add_view("sources/<slug:slug>/webhook/", WebhookView, "source-webhook")
