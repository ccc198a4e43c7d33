"""POST /api/v1/responses/: responses in JSON, from CX admins or a source's own ingest token."""

import hmac

from django.http import QueryDict

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import authentication, exceptions, serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from npshub.api.parsers import SafeJSONParser
from npshub.feedback.ingest import Ingestor
from npshub.feedback.models import Source
from npshub.people import roles


class SourceTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Source <ingest token>``: the request acts for that source only."""

    keyword = "Source"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Invalid Source header: expected 'Source <ingest token>'.")
        token = header[1].decode(errors="replace")
        source = Source.objects.filter(ingest_token=token).first()
        # Compare in constant time as well, so timing says nothing about near-misses.
        if source is None or not hmac.compare_digest(source.ingest_token, token):
            raise exceptions.AuthenticationFailed("Invalid source token.")
        if not source.active:
            raise exceptions.AuthenticationFailed("This source is inactive.")
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), source

    def authenticate_header(self, request):
        return self.keyword


class SourceTokenScheme(OpenApiAuthenticationExtension):
    """The source ingest token in the OpenAPI schema: ``Authorization: Source <ingest token>``."""

    target_class = SourceTokenAuthentication
    name = "sourceToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Source <ingest token>`: acts for that source only."}


class CxAdminOrSourceToken(BasePermission):
    message = "This needs the cx_admin role or the source's ingest token."

    def has_permission(self, request, view):
        if isinstance(request.auth, Source):
            return True
        user = request.user
        return bool(user and user.is_authenticated and roles.has_role(user, roles.CX_ADMIN))


class ResponseInSerializer(serializers.Serializer):
    """Documentation of one posted response (validation is the ingestion service's)."""

    source = serializers.SlugField(help_text="Source slug; optional with a source token (must be its own).")
    external_id = serializers.CharField()
    submitted_at = serializers.DateTimeField(help_text="ISO 8601; naive = site time zone")
    score = serializers.IntegerField(min_value=0, max_value=10)
    comment = serializers.CharField(required=False)
    segment = serializers.CharField(required=False)
    product = serializers.CharField(required=False)
    channel = serializers.CharField(required=False)
    region = serializers.CharField(required=False)
    team = serializers.CharField(required=False)
    language = serializers.CharField(required=False)
    customer_name = serializers.CharField(required=False)
    customer_phone = serializers.CharField(required=False)
    customer_email = serializers.CharField(required=False)
    callback_consent = serializers.BooleanField(required=False)
    data_consent = serializers.BooleanField(required=False)
    consent_at = serializers.DateTimeField(required=False)
    consent_version = serializers.CharField(required=False)
    csat = serializers.IntegerField(required=False, min_value=1, max_value=5)
    ces = serializers.IntegerField(required=False, min_value=1, max_value=7)


IngestReportSerializer = inline_serializer("IngestReport", {
    "created": serializers.IntegerField(),
    "duplicates": serializers.IntegerField(),
    "updated": serializers.IntegerField(),
    "rejected": inline_serializer("RejectedItem", {"index": serializers.IntegerField(), "reason": serializers.CharField()}, many=True),
})


def report_body(report):
    return report.as_dict(position_name="index")


class AnyTypeJSONParser(SafeJSONParser):
    """The body is read as JSON whatever its Content-Type says: anything else is a 400."""

    media_type = "*/*"


class ResponsesView(APIView):
    """Store customer responses: one object or a list. Idempotent on (source, external_id)."""

    authentication_classes = [SourceTokenAuthentication, *APIView.authentication_classes]
    permission_classes = [CxAdminOrSourceToken]
    parser_classes = [AnyTypeJSONParser]

    @extend_schema(
        tags=["ingestion"],
        summary="Store customer responses",
        request=ResponseInSerializer(many=True),
        responses={201: IngestReportSerializer},
        examples=[OpenApiExample("one", value={"source": "survey", "external_id": "A-1", "submitted_at": "2026-03-01T10:00:00", "score": 9, "comment": "Great"})],
        description="Allowed to CX admins (session or `Authorization: Token <key>`) and to a source's own "
        "ingest token (`Authorization: Source <ingest token>`), which may only post to its own source (403 "
        "otherwise). One object or a list, idempotent on (source, external_id): 201 with created, duplicates, "
        "updated and rejected (index and reason each); 400 when the body is neither an object nor a list.",
    )
    def post(self, request):
        body = request.data
        if isinstance(body, QueryDict):  # no body at all
            raise exceptions.ParseError("The body must be a JSON object or a list of objects.")
        if isinstance(body, dict):
            items = [body]
        elif isinstance(body, list):
            items = body
        else:
            raise exceptions.ParseError("The body must be a JSON object or a list of objects.")
        token_source = request.auth if isinstance(request.auth, Source) else None
        # Group by source, keeping each item's index in the posted list.
        groups, rejected = {}, []
        sources = {}
        for index, item in enumerate(items):
            slug = item.get("source") if isinstance(item, dict) else None
            if token_source is not None:
                if slug not in (None, "", token_source.slug):
                    raise exceptions.PermissionDenied(
                        f"This token may only post to source '{token_source.slug}', not {slug!r}."
                    )
                slug = token_source.slug
                sources[slug] = token_source
            if not isinstance(item, dict):
                rejected.append((index, "must be an object with the response's fields"))
                continue
            if not slug:
                rejected.append((index, "source is required (a source slug)"))
                continue
            groups.setdefault(str(slug), []).append((index, item))
        missing = set(groups) - set(sources)
        if missing:
            sources.update({source.slug: source for source in Source.objects.filter(slug__in=missing)})
        totals = {"created": 0, "duplicates": 0, "updated": 0}
        for slug, group in groups.items():
            source = sources.get(slug)
            if source is None or not source.active:
                reason = f"unknown source {slug!r}" if source is None else f"source {slug!r} is inactive"
                rejected.extend((index, reason) for index, _ in group)
                continue
            ingestor = Ingestor(source, via="api" if token_source is None else "api-token")
            for index, item in group:
                ingestor.add(index, item)
            report = ingestor.finish()
            totals["created"] += report.created
            totals["duplicates"] += report.duplicates
            totals["updated"] += report.updated
            rejected.extend(report.rejected)
        rejected.sort()
        return APIResponse(
            {**totals, "rejected": [{"index": index, "reason": reason} for index, reason in rejected]},
            status=status.HTTP_201_CREATED,
        )


def register(router):
    router.add_view("responses/", ResponsesView, "responses-ingest")
