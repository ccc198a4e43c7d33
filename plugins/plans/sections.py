"""This plugin's sections of core pages (npshub.plugins.PAGE_SECTIONS): the team's plans and open
actions on its page; a manager's plans on the home page."""

from django.template.loader import render_to_string

from npshub.people import roles
from plans import effect, services
from plans.models import Plan


def team(request, team):
    plans = list(Plan.objects.filter(team=team, status=Plan.Status.ACTIVE).select_related("owner"))
    return render_to_string("plans/section_team.html", {
        "team": team, "rows": [{"plan": p, "goal": effect.measure(p)["goal"]} for p in plans],
        "open_actions": services.open_actions(team)[:10],
        "can_create": services.can_create(request.user) and services.manageable_units(request.user)[0].filter(pk=team.pk).exists(),
    }, request=request)


def home(request):
    user = request.user
    if not (roles.has_any_role(user, [roles.TEAM_MANAGER, roles.CX_ADMIN]) or user.owned_plans.exists()):
        return ""
    plans = [p for p in Plan.objects.filter(status=Plan.Status.ACTIVE).select_related("team", "department", "owner")
             if p.owner_id == user.pk or services.can_manage(user, p)]
    if roles.has_role(user, roles.CX_ADMIN):
        plans = [p for p in plans if p.owner_id == user.pk]
    rows = [{"plan": p, "goal": effect.measure(p)["goal"], "next_due": p.next_check_in_due()} for p in plans[:8]]
    return render_to_string("plans/section_home.html", {
        "rows": rows, "is_admin": roles.has_role(user, roles.CX_ADMIN),
        "active_count": Plan.objects.filter(status=Plan.Status.ACTIVE).count(),
    }, request=request)
