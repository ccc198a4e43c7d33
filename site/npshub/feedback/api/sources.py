"""Signed webhooks (POST /api/v1/sources/<slug>/webhook/) and the sources list for CX admins.

Signing scheme (README "Feedback ingestion"): the sender puts the Unix time in seconds in
``X-NPS-Timestamp`` and ``hex(HMAC-SHA256(webhook_secret, timestamp + "." + raw body))`` in
``X-NPS-Signature`` (an optional ``sha256=`` prefix is accepted). A timestamp more than five
minutes away from our clock is refused, and so is a signature already accepted (a replay):
both 401, nothing stored.
"""

import secrets

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub import safejson
from npshub.api.permissions import role_required
from npshub.api.throttling import WebhookThrottle
from npshub.feedback.api.ingest import IngestReportSerializer, report_body
from npshub.feedback.api.pulls import PullSerializer, SourceWriteSerializer
from npshub.feedback.ingest import Ingestor
from npshub.feedback.records import items_of, map_record
from npshub.feedback.models import Source
from npshub.feedback.signing import accept_once, forget_expired, sign, verify

__all__ = ["WebhookView", "SourceListView", "register", "sign"]


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
        summary="Receive a source's signed webhook",
        description="Responses pushed by a source, in its own JSON mapped through its field mapping, signed "
                    "with the source's webhook secret: 201 with the ingestion report; 401 for a bad, stale "
                    "or replayed signature; 400 unless the body is a JSON object or list; 403 for an inactive source.",
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
        signature = verify(request.headers, source.webhook_secret if source else secrets.token_hex(32), body)
        try:
            payload = safejson.loads(body)
        except safejson.BadJSON as exc:
            raise exceptions.ParseError(f"The body is not JSON we accept: {exc}") from None
        items = items_of(payload, source.field_mapping or {})
        if items is None:
            raise exceptions.ParseError("The body must be a JSON object or a list of objects.")
        if not source.active:
            raise exceptions.PermissionDenied("This source is inactive.")
        with transaction.atomic():
            accept_once(signature, source=source)
            ingestor = Ingestor(source, via="webhook")
            for index, item in enumerate(items):
                ingestor.add(index, map_record(item, source.field_mapping or {}))
            report = ingestor.finish()
        forget_expired()
        return APIResponse(report_body(report), status=status.HTTP_201_CREATED)

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

    @extend_schema(tags=["ingestion"], responses=SourceSerializer(many=True), summary="List sources",
                   description="Every source with its kind, field mapping, pull and webhook URL; never secrets. "
                               "CX admins only (403 for anyone else).")
    def get(self, request):
        return APIResponse(SourceSerializer(_sources(), many=True, context={"request": request}).data)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses={201: SourceSerializer},
                   summary="Create a source",
                   description="CX admins: a new source, with an optional `pull` object. 201 with the source; 400 "
                               "for invalid fields or pull settings.")
    def post(self, request):
        return _write(request, None, status.HTTP_201_CREATED)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses=SourceSerializer,
                   operation_id="sources_partial_update_by_body_slug",
                   summary="Change the source named by the body's slug",
                   description="CX admins: PATCH the source whose `slug` the body names (the same as PATCH "
                               "/api/v1/sources/<slug>/). 200; 400 without a slug; 404 for an unknown one.")
    def patch(self, request):
        slug = request.data.get("slug") if isinstance(request.data, dict) else None
        if not slug:
            raise exceptions.ValidationError({"slug": "name the source to change (or PATCH /api/v1/sources/<slug>/)"})
        return _write(request, get_object_or_404(Source, slug=slug), status.HTTP_200_OK)


class SourceDetailView(APIView):
    permission_classes = [role_required("cx_admin")]

    @extend_schema(tags=["ingestion"], responses=SourceSerializer, summary="Get a source",
                   description="CX admins: one source by its slug; 404 when unknown.")
    def get(self, request, slug):
        return APIResponse(SourceSerializer(get_object_or_404(_sources(), slug=slug), context={"request": request}).data)

    @extend_schema(tags=["ingestion"], request=SourceWriteSerializer, responses=SourceSerializer,
                   summary="Change a source",
                   description="CX admins: change the given fields of a source (a `pull` of null removes its pull). "
                               "200; 400 for invalid fields; 404 when unknown.")
    def patch(self, request, slug):
        return _write(request, get_object_or_404(Source, slug=slug), status.HTTP_200_OK)


def register(router):
    router.add_view("sources/", SourceListView, "sources")
    router.add_view("sources/<slug:slug>/", SourceDetailView, "source-detail")
    router.add_view("sources/<slug:slug>/webhook/", WebhookView, "source-webhook")
