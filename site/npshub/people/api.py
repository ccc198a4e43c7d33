from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets

from npshub.people.models import Department, Team
from npshub.people.serializers import DepartmentSerializer, EmployeeSerializer, MeSerializer, TeamSerializer


@extend_schema(summary="Get the signed-in employee")
class MeView(generics.RetrieveAPIView):
    """The signed-in employee, with their roles."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


@extend_schema_view(
    list=extend_schema(summary="List employees", description=(
        "The staff directory of active employees, by last and first name, for any signed-in employee. "
        "``q`` searches names; ``team`` and ``department`` filter by slug."), parameters=[
        OpenApiParameter("q", str, description="Part of a first, last or user name."),
        OpenApiParameter("team", str, description="Team slug."),
        OpenApiParameter("department", str, description="Department slug."),
    ]),
    retrieve=extend_schema(summary="Get an employee", description=(
        "One active employee of the staff directory; 404 for an unknown or former one.")),
)
class EmployeeViewSet(viewsets.ReadOnlyModelViewSet):
    """The staff directory. ``q`` searches names; ``team`` and ``department`` filter by slug."""

    serializer_class = EmployeeSerializer

    def get_queryset(self):
        queryset = (
            get_user_model().objects.filter(is_active=True)
            .select_related("profile__team", "profile__department")
            .order_by("last_name", "first_name", "pk")
        )
        params = self.request.query_params
        if params.get("q"):
            q = params["q"]
            queryset = queryset.filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__icontains=q))
        if params.get("team"):
            queryset = queryset.filter(profile__team__slug=params["team"])
        if params.get("department"):
            queryset = queryset.filter(profile__department__slug=params["department"])
        return queryset


@extend_schema_view(
    list=extend_schema(summary="List teams", description="Every team, by name, with its department and store."),
    retrieve=extend_schema(summary="Get a team", description="One team by its slug; 404 when unknown."),
)
class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.select_related("department", "store").order_by("name")
    serializer_class = TeamSerializer
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(summary="List departments", description="Every department, by name."),
    retrieve=extend_schema(summary="Get a department", description="One department by its slug; 404 when unknown."),
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.order_by("name")
    serializer_class = DepartmentSerializer
    lookup_field = "slug"


def register(router):
    router.add_view("me/", extend_schema(tags=["people"])(MeView), "me")
    router.register("people", EmployeeViewSet, basename="people")
    router.register("teams", TeamViewSet, basename="teams")
    router.register("departments", DepartmentViewSet, basename="departments")
