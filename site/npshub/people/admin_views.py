"""Admin → Sign-in lockouts (CX admins): usernames and addresses with failed sign-ins that still
count, and a button to lift a lockout. Axes' own admin is Django's, which NPS Hub does not mount."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from npshub.people import signin
from npshub.people.roles import CX_ADMIN, has_role


def _require_cx_admin(request):
    if not has_role(request.user, CX_ADMIN):
        raise PermissionDenied


def lockouts(request):
    _require_cx_admin(request)
    return TemplateResponse(request, "people/admin/lockouts.html", {
        "rows": signin.lockouts(),
        "limit": signin.settings.AXES_FAILURE_LIMIT,
        "minutes": signin.cool_off_minutes(),
    })


@require_POST
def unlock(request):
    _require_cx_admin(request)
    kind, value = request.POST.get("kind", ""), request.POST.get("value", "").strip()
    if kind not in (signin.USERNAME, signin.ADDRESS) or not value:
        messages.error(request, _("Choose a username or an address to unlock."))
    else:
        signin.unlock(kind, value, request.user)
        messages.success(request, _("%(value)s can sign in again.") % {"value": value})
    return redirect("people_lockouts")
