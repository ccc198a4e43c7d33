"""/api/v1/rewards/...: the balance and badges, the store, redemptions, kudos, leaderboards and
challenges. Everything needs a signed-in employee; creating store items needs cx_admin."""

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from npshub import params
from npshub.api.errors import Conflict
from npshub.api.permissions import IsEmployee, role_required
from npshub.people import roles
from npshub.people.models import Department
from rewards import challenges, ledger, services
from rewards.models import BadgeAward, Challenge, Kudos, LedgerEntry, Notification, Redemption, RewardItem


class ItemSerializer(serializers.ModelSerializer):
    available = serializers.SerializerMethodField()

    class Meta:
        model = RewardItem
        fields = ["id", "name", "description", "price", "stock", "per_person_limit", "available_from",
                  "available_until", "needs_approval", "active", "available"]
        read_only_fields = ["id", "available"]
        extra_kwargs = {"price": {"min_value": 1}}  # a reward costs points: a redemption debits them

    def get_available(self, item) -> bool:
        return item.is_available() and item.stock > 0

    def validate(self, data):
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end <= start:
            raise ValidationError({"available_until": "Must be after available_from."})
        return data


class RedemptionSerializer(serializers.ModelSerializer):
    item = serializers.CharField(source="item.name", read_only=True)
    item_id = serializers.IntegerField(read_only=True)

    class Meta:
        model = Redemption
        fields = ["id", "item_id", "item", "price", "status", "created_at", "decided_at"]
        read_only_fields = fields


class EntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = LedgerEntry
        fields = ["id", "amount", "kind", "reason", "event_type", "event_id", "created_at"]
        read_only_fields = fields


class KudosSerializer(serializers.ModelSerializer):
    to = serializers.PrimaryKeyRelatedField(source="receiver", queryset=get_user_model().objects.filter(is_active=True), write_only=True)
    giver = serializers.SerializerMethodField()
    receiver = serializers.SerializerMethodField()

    class Meta:
        model = Kudos
        fields = ["id", "to", "giver", "receiver", "message", "created_at"]
        read_only_fields = ["id", "giver", "receiver", "created_at"]

    def get_giver(self, kudos) -> dict:
        return {"id": kudos.giver_id, "name": services.display_name(kudos.giver)}

    def get_receiver(self, kudos) -> dict:
        return {"id": kudos.receiver_id, "name": services.display_name(kudos.receiver)}


class MeView(APIView):
    """The signed-in employee's balance, badges, unread notifications and recent entries."""

    @extend_schema(summary="Get my points balance and badges", responses=inline_serializer("RewardsMe", {
        "balance": serializers.IntegerField(),
        "badges": serializers.ListField(child=serializers.DictField()),
        "unread_notifications": serializers.IntegerField(),
        "entries": EntrySerializer(many=True),
    }))
    def get(self, request):
        awards = BadgeAward.objects.filter(user=request.user).select_related("badge")
        entries = LedgerEntry.objects.filter(user=request.user)[:20]
        return Response({
            "balance": ledger.balance(request.user),
            "badges": [{"slug": a.badge.slug, "name": a.badge.name, "tier": a.badge.tier, "period": a.period,
                        "awarded_at": a.awarded_at} for a in awards],
            "unread_notifications": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
            "entries": EntrySerializer(entries, many=True).data,
        })


@extend_schema_view(
    list=extend_schema(summary="List store items", description=(
        "Every employee sees the active store items; CX admins see all of them. Not paginated.")),
    retrieve=extend_schema(summary="Get a store item", description=(
        "One store item; 404 for an inactive one unless you are a CX admin.")),
    create=extend_schema(summary="Create a store item", description=(
        "CX admins only (403 for anyone else): 201 with the new item; 400 when the price is below 1 or "
        "``available_until`` is not after ``available_from``.")),
)
class ItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Store items. Employees see the active ones; CX admins see all and may create."""

    serializer_class = ItemSerializer
    pagination_class = None

    def get_queryset(self):
        items = RewardItem.objects.all()
        if not roles.has_role(self.request.user, roles.CX_ADMIN):
            items = items.filter(active=True)
        return items

    def get_permissions(self):
        if self.action == "create":
            return [role_required(roles.CX_ADMIN)()]
        return [IsEmployee()]

    @extend_schema(summary="Redeem a store item", request=None, responses={201: inline_serializer("Redeemed", {
        "id": serializers.IntegerField(), "status": serializers.CharField(), "balance": serializers.IntegerField()})})
    @action(detail=True, methods=["post"])
    def redeem(self, request, pk=None):
        """Buy one: 201 {id, status, balance} (status pending when the item needs approval); 404 for an
        unknown item; 409 when unavailable, out of stock, over the limit or short of points."""
        try:
            redemption = services.redeem(request.user, pk)
        except RewardItem.DoesNotExist:
            raise NotFound("No such store item.") from None
        except services.StoreConflict as exc:
            raise Conflict(str(exc)) from None
        return Response({"id": redemption.pk, "status": redemption.status, "balance": ledger.balance(request.user)},
                        status=status.HTTP_201_CREATED)


@extend_schema_view(list=extend_schema(summary="List redemptions", parameters=[
    OpenApiParameter("pending", str, description="Any value: the pending redemptions you may decide instead of yours."),
]))
class RedemptionViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Your redemptions (``?pending=1`` as a manager: the ones you may approve)."""

    serializer_class = RedemptionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Redemption.objects.none()
        if self.request.query_params.get("pending"):
            pending = Redemption.objects.filter(status=Redemption.PENDING).select_related("item", "user__profile__team")
            return [r for r in pending if services.can_decide(self.request.user, r)]
        return Redemption.objects.filter(user=self.request.user).select_related("item")

    def _decide(self, request, pk, approve):
        redemption = get_object_or_404(Redemption, pk=pk)
        try:
            redemption = services.decide(redemption.pk, request.user, approve)
        except services.DecisionRefused as exc:
            raise PermissionDenied(str(exc)) from None
        except services.StoreConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(RedemptionSerializer(redemption).data)

    @extend_schema(summary="Approve a redemption", request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a pending redemption: the requester's team manager or a CX admin, never on their own
        request (403 otherwise). 200 with the redemption; 404 when unknown; 409 once decided."""
        return self._decide(request, pk, True)

    @extend_schema(summary="Reject a redemption", request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a pending redemption: the points go back through a refund entry, the stock is restored.
        Who may, and the status codes, as for approve: 403, 404, 409."""
        return self._decide(request, pk, False)

    @extend_schema(summary="Cancel my pending redemption", request=None, responses=RedemptionSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Your own redemption, still waiting for approval: cancelled, the points and the stock return.
        404 for anyone else's; 409 once decided."""
        try:
            redemption = services.cancel(params.as_id(pk), request.user)
        except Redemption.DoesNotExist:
            raise NotFound("No such redemption of yours.") from None
        except services.StoreConflict as exc:
            raise Conflict(str(exc)) from None
        return Response(RedemptionSerializer(redemption).data)


@extend_schema_view(
    list=extend_schema(summary="List kudos received", description=(
        "Kudos received by ``?user=<id>`` (default: you); 400 when ``user`` is not an id."),
        parameters=[OpenApiParameter("user", int, description="The receiver's id (default: you).")]),
    create=extend_schema(summary="Give kudos to a colleague", description=(
        "POST {to, message} to thank a colleague: 201; 400 for an empty or too long message, yourself or "
        "someone who left; 409 once your daily limit is used up.")),
)
class KudosViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Kudos received by ``?user=<id>`` (default: you); POST {to, message} to thank a colleague."""

    serializer_class = KudosSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Kudos.objects.none()
        user_id = params.as_id(self.request.query_params.get("user") or self.request.user.pk)
        if user_id is None:
            raise ValidationError({"user": "Must be a user id."})
        return Kudos.objects.filter(receiver_id=user_id).select_related("giver", "receiver")

    def perform_create(self, serializer):
        try:
            serializer.instance = services.give_kudos(
                self.request.user, serializer.validated_data["receiver"], serializer.validated_data["message"])
        except services.KudosLimit as exc:
            raise Conflict(str(exc)) from None
        except services.KudosRefused as exc:
            raise ValidationError({"message": str(exc)}) from None


class LeaderboardView(APIView):
    @extend_schema(summary="Get the points leaderboard", description=(
        "Individual or team points for a period, optionally within a department (and its sub-departments); "
        "any employee. 400 for an unknown kind, period or department."), parameters=[
        OpenApiParameter("kind", enum=["individual", "team"]), OpenApiParameter("period", enum=list(services.PERIODS)),
        OpenApiParameter("department", str, description="Department slug (includes its sub-departments)."),
    ], responses=inline_serializer("Leaderboard", {"kind": serializers.CharField(), "period": serializers.CharField(),
                                                   "rows": serializers.ListField(child=serializers.DictField())}))
    def get(self, request):
        kind = request.query_params.get("kind", "individual")
        period = request.query_params.get("period", "month")
        if kind not in ("individual", "team"):
            raise ValidationError({"kind": "individual or team."})
        if period not in services.PERIODS:
            raise ValidationError({"period": f"One of {', '.join(services.PERIODS)}."})
        department = None
        if request.query_params.get("department"):
            department = Department.objects.filter(slug=request.query_params["department"]).first()
            if department is None:
                raise ValidationError({"department": "No such department."})
        rows = (services.individual_board(period, department, request.user) if kind == "individual"
                else services.team_board(period, department))
        return Response({"kind": kind, "period": period, "rows": rows})


class ChallengesView(APIView):
    @extend_schema(summary="List a team's challenges", parameters=[OpenApiParameter("team", str)],
                   responses=inline_serializer("Challenges", {"challenges": serializers.ListField(child=serializers.DictField())}))
    def get(self, request):
        """Challenges of ``?team=<slug>`` (default: your team) with progress from the real data."""
        from npshub.people.models import Team

        slug = request.query_params.get("team")
        team = Team.objects.filter(slug=slug).first() if slug else getattr(getattr(request.user, "profile", None), "team", None)
        if slug and team is None:
            raise NotFound("No such team.")
        items = challenges.current_for_team(team) if team else []
        return Response({"challenges": [challenges.progress(c).as_dict() for c in items]})


class NotificationsView(APIView):
    @extend_schema(summary="List my notifications", description="Your 20 latest notifications and the unread count.",
                   responses=inline_serializer("Notifications", {"unread": serializers.IntegerField(),
                                                                 "items": serializers.ListField(child=serializers.DictField())}))
    def get(self, request):
        items = Notification.objects.filter(user=request.user)[:20]
        return Response({
            "unread": Notification.objects.filter(user=request.user, read_at__isnull=True).count(),
            "items": [{"id": n.pk, "message": n.message, "url": n.url, "created_at": n.created_at, "read": n.read_at is not None} for n in items],
        })

    @extend_schema(summary="Mark all my notifications read", request=None, responses={204: None})
    def post(self, request):
        """Mark every notification read."""
        Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router):
    router.add_view("rewards/me/", MeView, "rewards-me")
    router.add_view("rewards/leaderboard/", LeaderboardView, "rewards-leaderboard")
    router.add_view("rewards/challenges/", ChallengesView, "rewards-challenges")
    router.add_view("rewards/notifications/", NotificationsView, "rewards-notifications")
    router.register("rewards/items", ItemViewSet, basename="rewards-item")
    router.register("rewards/redemptions", RedemptionViewSet, basename="rewards-redemption")
    router.register("rewards/kudos", KudosViewSet, basename="rewards-kudos")
