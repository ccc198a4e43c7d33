from rest_framework.permissions import BasePermission

from npshub.people import roles


class IsEmployee(BasePermission):
    """Any signed-in employee (session or token). The default for every /api/v1/ view."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_active)


def role_required(*role_names):
    """A permission class allowing signed-in users who hold any of ``role_names``."""

    class HasRole(IsEmployee):
        message = f"This needs the {' or '.join(role_names)} role."

        def has_permission(self, request, view):
            return super().has_permission(request, view) and roles.has_any_role(
                request.user, role_names
            )

    HasRole.__name__ = f"HasRole_{'_'.join(role_names)}"
    return HasRole
