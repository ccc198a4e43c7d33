"""/api/v1/callbacks/: the queue, claims, outcomes, recordings, consent changes and statistics."""

import hashlib
import hmac

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from callbacks import recordings, services
from callbacks.models import Callback, Outcome
from npshub.api.errors import Conflict
from npshub.api.permissions import role_required
from npshub.api.throttling import WebhookThrottle
from npshub.feedback.api.ingest import CxAdminOrSourceToken, SourceTokenAuthentication
from npshub.feedback.models import Response, Source
from npshub.people import roles

CALLERS = (roles.CALLER, roles.CX_ADMIN)


class UnsupportedMedia(exceptions.APIException):
    status_code = 415


class TooLarge(exceptions.APIException):
    status_code = 413


def raise_api(error):
    """A services.WorkflowError as the matching DRF exception ({"detail": ...})."""
    if error.status == 409:
        raise Conflict(error.detail)
    if error.status == 404:
        raise exceptions.NotFound(error.detail)
    if error.status == 403:
        raise exceptions.PermissionDenied({"detail": error.detail, "guide_url": error.link} if error.link else error.detail)
    if error.status == 413:
        raise TooLarge(error.detail)
    if error.status == 415:
        raise UnsupportedMedia(error.detail)
    raise exceptions.ValidationError({"detail": error.detail})


class CallbackSerializer(serializers.ModelSerializer):
    """A queue entry: never any contact data."""

    score = serializers.IntegerField(source="response.score", read_only=True)
    segment = serializers.CharField(source="response.segment", read_only=True)
    product = serializers.CharField(source="response.product", read_only=True)
    topics = serializers.SerializerMethodField()
    overdue = serializers.BooleanField(read_only=True)
    claimed_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Callback
        fields = ["id", "score", "segment", "product", "topics", "priority", "due_at", "overdue", "status", "claimed_by"]
        read_only_fields = fields

    def get_topics(self, callback) -> list[str]:
        return services.topics_of(callback.response)


class CallbackDetailSerializer(CallbackSerializer):
    """One callback: the masked review, the outcome; still no contact data."""

    comment = serializers.SerializerMethodField()
    region = serializers.CharField(source="response.region", read_only=True)
    team = serializers.CharField(source="response.team", read_only=True)
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    recordings = serializers.SerializerMethodField()

    class Meta(CallbackSerializer.Meta):
        fields = CallbackSerializer.Meta.fields + [
            "comment", "region", "team", "department", "category", "attempts", "next_attempt_at", "claim_expires_at",
            "first_contact_at", "outcome", "notes", "tags", "resolved", "completed_at", "exemplary", "recordings",
        ]
        read_only_fields = fields

    def get_comment(self, callback) -> str:
        return services.masked_comment(callback.response)

    def get_recordings(self, callback) -> list[dict]:
        from django.urls import reverse

        return [
            {"id": r.pk, "content_type": r.content_type, "size": r.size, "created_at": r.created_at,
             "url": reverse("callbacks:recording", args=[r.pk])}
            for r in callback.recordings.all()
        ]


class OutcomeSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    resolved = serializers.BooleanField(required=False, default=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False, default=list)
    follow_ups = serializers.ListField(
        child=serializers.DictField(child=serializers.CharField()), required=False, default=list,
        help_text='[{"team": "<team slug>", "description": "..."}]',
    )


QUEUE_FILTERS = [
    OpenApiParameter(name, str, description=text) for name, text in (
        ("department", "Department slug(s), comma-separated (with sub-departments)."),
        ("product", "Product(s)."), ("topic", "Topic slug(s)."), ("region", "Region(s)."), ("segment", "Segment(s)."),
        ("status", "active (default: open and claimed), open, claimed, done, withdrawn."),
        ("mine", "Only the callbacks I hold."),
    )
]


class CallbackViewSet(viewsets.ReadOnlyModelViewSet):
    """The callback queue of the caller's departments (CX admins: all), highest priority first."""

    serializer_class = CallbackSerializer
    permission_classes = [role_required(*CALLERS)]

    def get_queryset(self):
        params = self.request.query_params if self.action == "list" else {"status": "all"}
        queryset = services.queue_for(self.request.user, params)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("recordings")
        return queryset

    def get_serializer_class(self):
        return CallbackDetailSerializer if self.action == "retrieve" else CallbackSerializer

    @extend_schema(parameters=QUEUE_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ClaimResult", {
            "id": serializers.IntegerField(), "claim_expires_at": serializers.DateTimeField(),
            "customer": inline_serializer("Customer", {"name": serializers.CharField(), "phone": serializers.CharField()}),
            "dial_uri": serializers.CharField(allow_null=True),
        })},
        description="Claim the callback for me: 200 with the customer's name and phone (for me only); "
                    "409 when someone else holds it; 403 until I acknowledged the caller guide.",
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        try:
            callback = services.claim(request.user, pk)
        except services.WorkflowError as error:
            raise_api(error)
        customer = services.contact_for(request.user, callback, channel="api") or {"name": "", "phone": ""}
        return APIResponse({
            "id": callback.pk, "claim_expires_at": callback.claim_expires_at, "customer": customer,
            "dial_uri": services.dial_uri(customer["phone"]),
        })

    @extend_schema(request=None, responses={200: CallbackSerializer})
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        try:
            callback = services.release(request.user, pk)
        except services.WorkflowError as error:
            raise_api(error)
        return APIResponse(CallbackSerializer(callback).data)

    @extend_schema(request=OutcomeSerializer, responses={200: CallbackSerializer})
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            callback, _attempt = services.record_outcome(request.user, pk, **data.validated_data)
        except services.WorkflowError as error:
            raise_api(error)
        return APIResponse(CallbackSerializer(callback).data)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("RecordingUpload", {"file": serializers.FileField()})},
        responses={201: inline_serializer("RecordingCreated", {"id": serializers.IntegerField(), "content_type": serializers.CharField(), "size": serializers.IntegerField()})},
        description="Attach a call recording (mp3, m4a, wav, ogg, checked by content; size-limited). "
                    "Only the claimant while the claim lasts, or the caller who completed the call.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def recording(self, request, pk=None):
        try:
            callback = services.get_visible(request.user, pk)
            if not (callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk):
                services.audit(request.user, "recording_refused", callback, reason="not the caller")
                raise services.WorkflowError("Only the caller of this callback can attach its recording.", status=409)
            recording = recordings.attach(callback, request.FILES.get("file"), request.user)
        except services.WorkflowError as error:
            raise_api(error)
        return APIResponse(
            {"id": recording.pk, "content_type": recording.content_type, "size": recording.size},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={202: inline_serializer("DialQueued", {"detail": serializers.CharField()})},
                   description="Ask the PBX to connect my extension with the customer (CALLBACKS_PBX_DIAL_URL).")
    @action(detail=True, methods=["post"])
    def dial(self, request, pk=None):
        from callbacks.tasks import click_to_dial

        callback = self._visible(pk)
        if not settings.CALLBACKS_PBX_DIAL_URL:
            raise exceptions.ValidationError({"detail": "No PBX click-to-dial endpoint is configured."})
        if not callback.claim_active_for(request.user):
            raise Conflict("Claim this callback first.")
        click_to_dial.delay(callback.pk, request.user.pk)
        return APIResponse({"detail": "Your phone will ring shortly."}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: CallbackSerializer}, description="Editors and CX admins: mark an exemplary call.")
    @action(detail=True, methods=["post"], permission_classes=[role_required(roles.EDITOR, roles.CX_ADMIN)])
    def exemplary(self, request, pk=None):
        callback = get_object_or_404(Callback, pk=pk)
        if callback.status != Callback.Status.DONE:
            raise Conflict("Only completed calls can be marked exemplary.")
        services.mark_exemplary(request.user, callback)
        return APIResponse(CallbackSerializer(callback).data)

    @extend_schema(
        parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str), OpenApiParameter("department", str)],
        responses={200: inline_serializer("CallbackStats", {
            "queued": serializers.IntegerField(), "open": serializers.IntegerField(), "due": serializers.IntegerField(),
            "contacted_in_target": serializers.IntegerField(), "contacted_in_target_share": serializers.FloatField(allow_null=True),
            "median_hours_to_first_contact": serializers.FloatField(allow_null=True),
            "reach_rate": serializers.FloatField(allow_null=True), "resolution_rate": serializers.FloatField(allow_null=True),
            "recovered": serializers.IntegerField(), "recovery": serializers.DictField(),
        })},
        description="Callback statistics (no personal data): any caller, team manager, editor or CX admin.",
    )
    @action(detail=False, methods=["get"], permission_classes=[role_required(roles.CALLER, roles.TEAM_MANAGER, roles.EDITOR, roles.CX_ADMIN)])
    def stats(self, request):
        from npshub.feedback.filters import StatsFilter
        from npshub.people.models import Department

        stats_filter = StatsFilter.from_params(request.query_params)
        start, end = stats_filter.bounds()
        department_ids = None
        if request.query_params.get("department"):
            department_ids = []
            for department in Department.objects.filter(slug__in=request.query_params["department"].split(",")):
                department_ids.extend(department.descendant_ids())
        return APIResponse(services.stats(request.user, start, end, department_ids))

    def _visible(self, pk):
        try:
            return services.get_visible(self.request.user, pk)
        except services.WorkflowError as error:
            raise_api(error)


class ConsentChangeIn(serializers.Serializer):
    source = serializers.SlugField(required=False, help_text="Source slug (implied by a source token).")
    external_id = serializers.CharField()
    erase = serializers.BooleanField(default=False, help_text="Also delete the personal data and recordings.")
    channel = serializers.CharField(required=False, allow_blank=True, default="api")


class ConsentWithdrawalView(APIView):
    """POST /api/v1/callbacks/consent/withdraw/: a customer withdrew consent (and maybe asked for
    erasure). CX admins, or a source with its own ingest token (``Authorization: Source <token>``)."""

    authentication_classes = [SourceTokenAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [CxAdminOrSourceToken]

    @extend_schema(request=ConsentChangeIn, responses={200: inline_serializer("ConsentChanged", {
        "response": serializers.IntegerField(), "withdrawn": serializers.BooleanField(), "erased": serializers.BooleanField()})})
    def post(self, request):
        data = ConsentChangeIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if isinstance(request.auth, Source):
            source = request.auth
            if values.get("source") and values["source"] != source.slug:
                raise exceptions.PermissionDenied("A source token may only change its own responses.")
            actor = f"source:{source.slug}"
        else:
            source = Source.objects.filter(slug=values.get("source", "")).first()
            if source is None:
                raise exceptions.ValidationError({"source": ["Unknown source."]})
            actor = None
        response = Response.objects.filter(source=source, external_id=values["external_id"]).first()
        if response is None:
            raise exceptions.NotFound("No response with this source and external id.")
        user = request.user if request.user.is_authenticated else None
        if values["erase"]:
            services.erase_personal_data(response, user, values["channel"], actor)
        else:
            services.withdraw_consent(response, user, values["channel"], actor)
        return APIResponse({"response": response.pk, "withdrawn": True, "erased": values["erase"]})


class PbxRecordingWebhook(APIView):
    """POST /api/v1/callbacks/<id>/recording/pbx/: the PBX pushes a recording as the raw request
    body. ``X-NPS-Signature`` = hex HMAC-SHA256, keyed with CALLBACKS_PBX_WEBHOOK_SECRET, of
    ``b"<id>\\n" + body`` (the id is signed so a delivery cannot be replayed onto another call)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [WebhookThrottle]

    @extend_schema(request={"application/octet-stream": bytes}, responses={201: inline_serializer(
        "PbxRecordingCreated", {"id": serializers.IntegerField()})})
    def post(self, request, pk):
        from django.core.files.uploadedfile import SimpleUploadedFile

        secret = settings.CALLBACKS_PBX_WEBHOOK_SECRET
        if not secret:
            raise exceptions.PermissionDenied("The PBX webhook is not configured (CALLBACKS_PBX_WEBHOOK_SECRET).")
        length = int(request.headers.get("Content-Length") or 0)
        if length > settings.CALLBACKS_RECORDING_MAX_BYTES:
            raise TooLarge(f"The recording exceeds {settings.CALLBACKS_RECORDING_MAX_BYTES} bytes.")
        body = request.body
        expected = hmac.new(secret.encode(), f"{pk}\n".encode() + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("X-NPS-Signature", "")):
            services.audit(None, "pbx_signature_invalid", actor="pbx", callback=str(pk))
            raise exceptions.AuthenticationFailed("Invalid signature.")
        callback = Callback.objects.filter(pk=pk).first()
        if callback is None:
            raise exceptions.NotFound("No such callback.")
        try:
            recording = recordings.attach(callback, SimpleUploadedFile("pbx", body), None, source="pbx", actor="pbx")
        except services.WorkflowError as error:
            raise_api(error)
        return APIResponse({"id": recording.pk}, status=status.HTTP_201_CREATED)


def register(router):
    router.add_view("callbacks/consent/withdraw/", ConsentWithdrawalView, "callbacks-consent-withdraw")
    router.add_view("callbacks/<int:pk>/recording/pbx/", PbxRecordingWebhook, "callbacks-pbx-recording")
    router.register("callbacks", CallbackViewSet, basename="callbacks")
