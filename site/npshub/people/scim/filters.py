"""SCIM filters on our tables. The directory's clients look people up by ``userName`` (Entra ID),
``externalId`` or e-mail, and groups by ``displayName`` or ``externalId``."""

from django.contrib.auth import get_user_model
from django_scim.filters import GroupFilterQuery, UserFilterQuery

from npshub.people.models import Profile

_USERS, _PROFILES = get_user_model()._meta.db_table, Profile._meta.db_table


class EmployeeFilter(UserFilterQuery):
    joins = (f"LEFT JOIN {_PROFILES} ON {_PROFILES}.user_id = {_USERS}.id",)
    attr_map = {
        **UserFilterQuery.attr_map,
        ("externalId", None, None): f"{_PROFILES}.scim_external_id",
        ("id", None, None): f"{_PROFILES}.scim_id",
        ("emails", None, None): f"{_USERS}.email",
        ("emails", "value", None): f"{_USERS}.email",
        ("title", None, None): f"{_PROFILES}.job_title",
    }


class DirectoryGroupFilter(GroupFilterQuery):
    attr_map = {
        ("displayName", None, None): "display_name",
        ("externalId", None, None): "external_id",
        ("id", None, None): "scim_id",
    }
