from django.contrib.auth import get_user_model
from rest_framework import serializers

from npshub.people import roles
from npshub.people.models import Department, Team


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "slug", "parent"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    store = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "slug", "department", "store"]
        read_only_fields = fields


class EmployeeSerializer(serializers.ModelSerializer):
    """What any employee may see of a colleague: no e-mail, no login details."""

    name = serializers.SerializerMethodField()
    job_title = serializers.CharField(source="profile.job_title", read_only=True)
    team = serializers.SlugRelatedField(source="profile.team", slug_field="slug", read_only=True)
    department = serializers.SlugRelatedField(source="profile.department", slug_field="slug", read_only=True)

    class Meta:
        model = get_user_model()
        fields = ["id", "name", "job_title", "team", "department"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


class MeSerializer(EmployeeSerializer):
    roles = serializers.SerializerMethodField()
    language = serializers.CharField(source="profile.language", read_only=True)

    class Meta(EmployeeSerializer.Meta):
        fields = [*EmployeeSerializer.Meta.fields, "username", "email", "language", "roles"]
        read_only_fields = fields

    def get_roles(self, user) -> list[str]:
        return sorted(roles.user_roles(user))
