from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, viewsets

from npshub.people.models import Department, Team
from npshub.people.serializers import DepartmentSerializer, EmployeeSerializer, MeSerializer, TeamSerializer


class MeView(generics.RetrieveAPIView):
    """The signed-in employee, with their roles."""

    serializer_class = MeSerializer

    def get_object(self):
        return self.request.user


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


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Team.objects.select_related("department", "store").order_by("name")
    serializer_class = TeamSerializer
    lookup_field = "slug"


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Department.objects.order_by("name")
    serializer_class = DepartmentSerializer
    lookup_field = "slug"


def register(router):
    router.add_view("me/", extend_schema(tags=["people"])(MeView), "me")
    router.register("people", EmployeeViewSet, basename="people")
    router.register("teams", TeamViewSet, basename="teams")
    router.register("departments", DepartmentViewSet, basename="departments")
