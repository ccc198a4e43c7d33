"""/api/v1/callbacks/: the queue, claims, outcomes, recordings, the call library, research interviews, consent changes,
statistics and the PBX's recording webhook."""

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import exceptions, generics, serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response as APIResponse
from rest_framework.views import APIView

from callbacks import access, interviews, library, privacy, recordings, workflow
from callbacks.filters import InterviewFilter, LibraryFilter, QueueFilter, department_ids
from callbacks.models import Callback
from callbacks.queue import visible
from callbacks.serializers import (
    CallbackDetailSerializer, CallbackSerializer, CallRecordSerializer, ConsentChangeIn, InterviewDetailSerializer,
    InterviewSerializer, OutcomeSerializer,
)
from callbacks.stats import stats
from npshub.api.errors import Conflict
from npshub.api.pagination import LargeCountPagination
from npshub.api.permissions import role_required
from npshub.api.throttling import WebhookThrottle
from npshub.feedback import signing
from npshub.feedback.api.ingest import CxAdminOrSourceToken, SourceTokenAuthentication
from npshub.feedback.models import Response, Source
from npshub.people import roles

CALLERS = (roles.CALLER, roles.CX_ADMIN)


class UnsupportedMedia(exceptions.APIException):
    status_code = 415


class TooLarge(exceptions.APIException):
    status_code = 413


def raise_api(error):
    """A workflow.WorkflowError as the matching DRF exception ({"detail": ...})."""
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


@extend_schema_view(
    list=extend_schema(summary="List the callback queue", description=(
        "Callbacks of the caller's departments and their sub-departments (CX admins: all), the active ones "
        "unless ``status`` says otherwise, highest priority first; never contact data. Callers and CX "
        "admins; 403 for anyone else.")),
    retrieve=extend_schema(summary="Get a callback", description=(
        "One callback of the caller's scope whatever its status, with its recordings and call attempts; "
        "no contact data. Callers and CX admins; 404 when it is not in the caller's scope.")),
)
class CallbackViewSet(viewsets.ReadOnlyModelViewSet):
    """The callback queue of the caller's departments (CX admins: all), highest priority first."""

    serializer_class = CallbackSerializer
    permission_classes = [role_required(*CALLERS)]
    filterset_class = QueueFilter
    pagination_class = LargeCountPagination  # a CX admin's queue: hundreds of thousands
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        queryset = visible(self.request.user)
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("recordings", "call_attempts")
        return queryset

    def filter_queryset(self, queryset):
        # The queue's filters (default: active callbacks) apply to the list; one callback of the
        # caller's scope is found whatever its status.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def get_serializer_class(self):
        return CallbackDetailSerializer if self.action == "retrieve" else CallbackSerializer

    def _run(self, step, *args, **kwargs):
        try:
            return step(*args, **kwargs)
        except workflow.WorkflowError as error:
            raise_api(error)

    @extend_schema(
        request=None,
        responses={200: inline_serializer("ClaimResult", {
            "id": serializers.IntegerField(), "claim_expires_at": serializers.DateTimeField(),
            "customer": inline_serializer("Customer", {"name": serializers.CharField(), "phone": serializers.CharField()}),
            "dial_uri": serializers.CharField(allow_null=True),
        })},
        summary="Claim a callback",
        description="Claim the callback for me: 200 with the customer's name and phone (for me only); "
                    "409 when someone else holds it, it is closed or consent is missing; 403 until I "
                    "acknowledged the caller guide (or without the caller role); 404 outside my scope.",
    )
    @action(detail=True, methods=["post"])
    def claim(self, request, pk=None):
        callback = self._run(workflow.claim, request.user, pk)
        customer = workflow.contact_for(request.user, callback, channel="api") or {"name": "", "phone": ""}
        return APIResponse({
            "id": callback.pk, "claim_expires_at": callback.claim_expires_at, "customer": customer,
            "dial_uri": workflow.dial_uri(customer["phone"]),
        })

    @extend_schema(request=None, responses={200: CallbackSerializer}, summary="Release a claimed callback",
                   description="Give the callback back to the queue: the claimant (or a CX admin). 200 with the "
                               "callback; 409 when it is not claimed by me; 404 outside my scope.")
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        return APIResponse(CallbackSerializer(self._run(workflow.release, request.user, pk)).data)

    @extend_schema(request=OutcomeSerializer, responses={200: CallbackSerializer}, summary="Record a call's outcome",
                   description="The claimant records the outcome, notes, tags and follow-up actions; no answer and "
                               "call back later reopen it for a retry. 200 with the callback; 400 for an unknown "
                               "outcome or team; 409 without an active claim; 404 outside my scope.")
    @action(detail=True, methods=["post"])
    def outcome(self, request, pk=None):
        data = OutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        callback, _attempt = self._run(workflow.record_outcome, request.user, pk, **data.validated_data)
        return APIResponse(CallbackSerializer(callback).data)

    @extend_schema(
        request={"multipart/form-data": inline_serializer("RecordingUpload", {"file": serializers.FileField()})},
        responses={201: inline_serializer("RecordingCreated", {"id": serializers.IntegerField(), "content_type": serializers.CharField(), "size": serializers.IntegerField()})},
        summary="Upload a call recording",
        description="Attach a call recording (mp3, m4a, wav, ogg, checked by content; size-limited). "
                    "Only the claimant while the claim lasts, or the caller who completed the call; "
                    "409 when the customer withdrew consent or was erased.",
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def recording(self, request, pk=None):
        callback = self._run(workflow.get_visible, request.user, pk)
        if not (callback.claim_active_for(request.user) or callback.completed_by_id == request.user.pk):
            access.audit(request.user, "recording_refused", callback, reason="not the caller")
            raise Conflict("Only the caller of this callback can attach its recording.")
        recording = self._run(recordings.attach, callback, request.FILES.get("file"), request.user)
        return APIResponse(
            {"id": recording.pk, "content_type": recording.content_type, "size": recording.size},
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(request=None, responses={202: inline_serializer("DialQueued", {"detail": serializers.CharField()})},
                   summary="Dial the customer through the PBX",
                   description="Ask the PBX to connect my extension with the customer (CALLBACKS_PBX_DIAL_URL): "
                               "202; 400 when no PBX is configured; 409 without an active claim.")
    @action(detail=True, methods=["post"])
    def dial(self, request, pk=None):
        from callbacks.tasks import click_to_dial

        callback = self._run(workflow.get_visible, request.user, pk)
        if not settings.CALLBACKS_PBX_DIAL_URL:
            raise exceptions.ValidationError({"detail": "No PBX click-to-dial endpoint is configured."})
        if not callback.claim_active_for(request.user):
            raise Conflict("Claim this callback first.")
        click_to_dial.delay(callback.pk, request.user.pk)
        return APIResponse({"detail": "Your phone will ring shortly."}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses={200: CallbackSerializer},
                   summary="Mark a call as exemplary",
                   description="Editors and CX admins: mark an exemplary call (one whose record they may see). "
                               "200 with the callback; 404 when not visible; 409 when the call is not completed.")
    @action(detail=True, methods=["post"], permission_classes=[role_required(roles.EDITOR, roles.CX_ADMIN)])
    def exemplary(self, request, pk=None):
        callback = self._run(workflow.curatable, request.user, pk)
        workflow.mark_exemplary(request.user, callback)
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
        summary="Get callback statistics",
        description="Callback statistics (no personal data): any caller, team manager, editor or CX admin.",
    )
    @action(detail=False, methods=["get"], filterset_class=None,
            permission_classes=[role_required(roles.CALLER, roles.TEAM_MANAGER, roles.EDITOR, roles.CX_ADMIN)])
    def stats(self, request):
        from npshub.feedback.filters import StatsFilter

        start, end = StatsFilter.from_params(request.query_params).bounds()
        slugs = request.query_params.get("department")
        return APIResponse(stats(start, end, department_ids(slugs.split(",")) if slugs else None))


@extend_schema(summary="List the call library")
class CallLibraryView(generics.ListAPIView):
    """GET /api/v1/callbacks/library/: recorded calls whose record I may see (my scope, and
    training material company-wide), newest first; notes masked unless I wrote them (CX admins:
    all). Searches (``q``) are throttled per person (the site's search rate, ``access.SearchThrottle``)."""

    serializer_class = CallRecordSerializer
    permission_classes = [role_required(*access.RECORD_ROLES)]
    filterset_class = LibraryFilter
    throttle_classes = [*generics.ListAPIView.throttle_classes, access.SearchThrottle]

    def get_queryset(self):
        return library.library_queryset(self.request.user)


@extend_schema(summary="List research interviews")
class InterviewListView(generics.ListAPIView):
    """GET /api/v1/callbacks/interviews/: research interviews I may see (``access.interview_records``:
    my scope's and CX admins' all, training material, where consent allows, for every employee),
    newest first, never with personal data; search by ``topic``, ``product``, ``q`` (throttled)."""

    serializer_class = InterviewSerializer
    filterset_class = InterviewFilter
    throttle_classes = [*generics.ListAPIView.throttle_classes, access.SearchThrottle]

    def get_queryset(self):
        return interviews.library(self.request.user)


@extend_schema(summary="Get a research interview")
class InterviewDetailView(generics.RetrieveAPIView):
    """GET /api/v1/callbacks/interviews/<id>/: one interview; its consent record and transcript
    (``personal``) only with access "full", each such read logged. 404 when not mine to see."""

    serializer_class = InterviewDetailSerializer

    def get_queryset(self):
        return interviews.library(self.request.user)

    def retrieve(self, request, *args, **kwargs):
        interview = self.get_object()
        if interview.record_access == access.FULL:
            interviews.open_personal_data(request.user, interview, channel="api")
        return APIResponse(self.get_serializer(interview).data)


class ConsentWithdrawalView(APIView):
    """POST /api/v1/callbacks/consent/withdraw/: a customer withdrew consent (and maybe asked for
    erasure). CX admins, or a source with its own ingest token (``Authorization: Source <token>``).
    Both hold: a re-sent response never brings the consents (or, after erasure, the contact) back."""

    authentication_classes = [SourceTokenAuthentication, TokenAuthentication, SessionAuthentication]
    permission_classes = [CxAdminOrSourceToken]

    @extend_schema(summary="Withdraw a customer's consent (or erase their data)", request=ConsentChangeIn, responses={200: inline_serializer("ConsentChanged", {
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
        change = privacy.erase_personal_data if values["erase"] else privacy.withdraw_consent
        change(response, user, values["channel"], actor)
        return APIResponse({"response": response.pk, "withdrawn": True, "erased": values["erase"]})


class PbxRecordingWebhook(APIView):
    """POST /api/v1/callbacks/<id>/recording/pbx/: the PBX pushes a recording as the raw request
    body, signed as source webhooks are (``npshub.feedback.signing``): ``X-NPS-Timestamp`` (Unix
    seconds, within 5 minutes) and ``X-NPS-Signature`` = hex HMAC-SHA256, keyed with
    CALLBACKS_PBX_WEBHOOK_SECRET, of ``<timestamp>.<body>``. A replayed delivery is refused (401),
    and so is a recording for a customer who withdrew consent or was erased (409)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [WebhookThrottle]

    @extend_schema(
        summary="Receive a call recording from the PBX",
        request={"application/octet-stream": bytes},
        parameters=[
            OpenApiParameter("X-NPS-Timestamp", str, OpenApiParameter.HEADER, required=True,
                             description="Unix time in seconds; within 5 minutes of ours."),
            OpenApiParameter("X-NPS-Signature", str, OpenApiParameter.HEADER, required=True,
                             description='hex HMAC-SHA256(CALLBACKS_PBX_WEBHOOK_SECRET, timestamp + "." + raw body)'),
        ],
        responses={201: inline_serializer("PbxRecordingCreated", {"id": serializers.IntegerField()})},
    )
    def post(self, request, pk):
        secret = settings.CALLBACKS_PBX_WEBHOOK_SECRET
        if not secret:
            raise exceptions.PermissionDenied("The PBX webhook is not configured (CALLBACKS_PBX_WEBHOOK_SECRET).")
        length = int(request.headers.get("Content-Length") or 0)
        if length > settings.CALLBACKS_RECORDING_MAX_BYTES:
            raise TooLarge(f"The recording exceeds {settings.CALLBACKS_RECORDING_MAX_BYTES} bytes.")
        body = request.body
        try:
            signature = signing.verify(request.headers, secret, body)
        except exceptions.AuthenticationFailed:
            access.audit(None, "pbx_signature_invalid", actor="pbx", callback=str(pk))
            raise
        callback = Callback.objects.filter(pk=pk).first()
        if callback is None:
            raise exceptions.NotFound("No such callback.")
        signing.accept_once(signature, channel="pbx")  # a delivery counts once, even when refused below
        try:
            recording = recordings.attach(callback, SimpleUploadedFile("pbx", body), None, source="pbx", actor="pbx")
        except workflow.WorkflowError as error:
            raise_api(error)
        signing.forget_expired()
        return APIResponse({"id": recording.pk}, status=status.HTTP_201_CREATED)

    def get_authenticate_header(self, request):
        return 'NPS-Signature realm="pbx"'


def register(router):
    router.add_view("callbacks/consent/withdraw/", ConsentWithdrawalView, "callbacks-consent-withdraw")
    router.add_view("callbacks/library/", CallLibraryView, "callbacks-library")
    router.add_view("callbacks/interviews/", InterviewListView, "callbacks-interviews")
    router.add_view("callbacks/interviews/<int:pk>/", InterviewDetailView, "callbacks-interview")
    router.add_view("callbacks/<int:pk>/recording/pbx/", PbxRecordingWebhook, "callbacks-pbx-recording")
    router.register("callbacks", CallbackViewSet, basename="callbacks")
