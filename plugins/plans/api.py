"""/api/v1/plans/: action plans with their measured effect, actions and check-ins.

Every signed-in employee reads plans (statistics only); creating needs the team_manager role
(own team or department) or cx_admin; changing a plan (actions, check-ins) its owner, the unit's
managers or CX admins."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from npshub.api.errors import Conflict
from npshub.api.permissions import IsEmployee
from npshub.feedback.models import Topic
from npshub.people.models import Department, Team
from plans import effect, services
from plans.models import Action, CheckIn, Plan


class ActionSerializer(serializers.ModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True),
                                               required=False, allow_null=True)
    team = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    from_call = serializers.BooleanField(read_only=True)

    class Meta:
        model = Action
        fields = ["id", "plan", "team", "title", "owner", "due_on", "status", "from_call", "created_at", "completed_at"]
        read_only_fields = ["id", "plan", "team", "status", "from_call", "created_at", "completed_at"]


class CheckInSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(min_value=0, max_value=100)

    class Meta:
        model = CheckIn
        fields = ["id", "created_at", "progress", "note", "effect", "author"]
        read_only_fields = ["id", "created_at", "effect", "author"]


class PlanSerializer(serializers.ModelSerializer):
    team = serializers.SlugRelatedField(slug_field="slug", queryset=Team.objects.all(), required=False, allow_null=True)
    department = serializers.SlugRelatedField(slug_field="slug", queryset=Department.objects.all(), required=False,
                                              allow_null=True)
    topic = serializers.SlugRelatedField(slug_field="slug", queryset=Topic.objects.all(), required=False, allow_null=True)
    owner = serializers.PrimaryKeyRelatedField(read_only=True)
    effect = serializers.SerializerMethodField()
    actions = ActionSerializer(many=True, read_only=True)
    next_check_in = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = ["id", "title", "team", "department", "owner", "goal", "target", "topic", "starts_on", "ends_on",
                  "rhythm", "status", "next_check_in", "effect", "actions"]
        read_only_fields = ["id", "owner", "status", "next_check_in", "effect", "actions"]

    def get_effect(self, plan) -> dict:
        return effect.measure(plan)

    def get_next_check_in(self, plan) -> str:
        return plan.next_check_in_due().isoformat()


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Action.Status.choices)


def _refused(exc):
    if exc.status == 409:
        return Conflict(str(exc))
    if exc.status == 400:
        return ValidationError({"detail": str(exc)})
    return PermissionDenied(str(exc))


@extend_schema_view(
    list=extend_schema(summary="List action plans", description=(
        "Every plan with its measured effect and actions, for any signed-in employee; ``status`` and "
        "``team`` (a slug) narrow the list."), parameters=[
        OpenApiParameter("status", enum=Plan.Status.values), OpenApiParameter("team", str, description="Team slug.")]),
    retrieve=extend_schema(summary="Get an action plan", description=(
        "One plan with its measured effect, actions and next check-in date; 404 when unknown.")),
    create=extend_schema(summary="Create an action plan", description=(
        "Team managers (of their own team or department) and CX admins: 201 with the plan; 403 for "
        "anyone else or another unit; 400 for invalid fields.")),
)
class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    permission_classes = [IsEmployee]
    serializer_class = PlanSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        plans = services.visible_plans(self.request.user).prefetch_related("actions")
        if self.request.query_params.get("status") in Plan.Status.values:
            plans = plans.filter(status=self.request.query_params["status"])
        if self.request.query_params.get("team"):
            plans = plans.filter(team__slug=self.request.query_params["team"])
        return plans

    def perform_create(self, serializer):
        try:
            serializer.instance = services.create_plan(self.request.user, owner=self.request.user, **serializer.validated_data)
        except services.Refused as exc:
            raise _refused(exc) from None
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from None

    @extend_schema(request=ActionSerializer, responses={201: ActionSerializer}, summary="Add an action to a plan",
                   description="The plan's owner, the unit's managers and CX admins: 201 with the action; 403 for "
                               "anyone else; 404 when the plan is unknown.")
    @action(detail=True, methods=["post"])
    def actions(self, request, pk=None):
        plan = self.get_object()
        data = ActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = services.add_action(request.user, plan, data.validated_data["title"],
                                          data.validated_data.get("owner"), data.validated_data.get("due_on"))
        except services.Refused as exc:
            raise _refused(exc) from None
        return Response(ActionSerializer(created).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CheckInSerializer, responses={201: CheckInSerializer}, summary="Record a plan check-in",
                   description="Progress (0..100) and a note, with the effect measured now. The plan's owner, the "
                               "unit's managers and CX admins: 201; 403 for anyone else; 409 when the plan is closed.")
    @action(detail=True, methods=["post"], url_path="check-ins")
    def check_ins(self, request, pk=None):
        plan = self.get_object()
        data = CheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            created = services.check_in(request.user, plan, data.validated_data["progress"], data.validated_data.get("note", ""))
        except services.Refused as exc:
            raise _refused(exc) from None
        return Response(CheckInSerializer(created).data, status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="List a team's actions", parameters=[
    OpenApiParameter("team", str, description="Team slug."),
    OpenApiParameter("status", enum=Action.Status.values, description="Default: open."),
]))
class ActionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The open actions of a team (``?team=<slug>``), from plans and from call follow-ups."""

    permission_classes = [IsEmployee]
    serializer_class = ActionSerializer
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        actions = Action.objects.select_related("team", "owner")
        if self.request.query_params.get("team"):
            actions = actions.filter(team__slug=self.request.query_params["team"])
        wanted = self.request.query_params.get("status") or Action.Status.OPEN
        return actions.filter(status=wanted) if wanted in Action.Status.values else actions

    @extend_schema(request=StatusSerializer, responses={200: ActionSerializer}, summary="Set an action's status",
                   description="Open, done or dropped: the plan's owner, the unit's managers, CX admins (and, for a "
                               "call follow-up, its owner and team's manager). 200; 403 for anyone else; 404 when unknown.")
    @action(detail=True, methods=["post"])
    def status(self, request, pk=None):
        item = get_object_or_404(Action, pk=pk)
        data = StatusSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = services.set_action_status(request.user, item, data.validated_data["status"])
        except services.Refused as exc:
            raise _refused(exc) from None
        return Response(ActionSerializer(item).data)


def register(router):
    router.register("plans/actions", ActionViewSet, basename="plans-action")
    router.register("plans", PlanViewSet, basename="plans-plan")
