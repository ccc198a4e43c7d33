"""Who may do what with plans, and the operations every way in (pages, API, events) shares.

Plans hold no customer data (scores and statistics only; follow-ups come masked from the call
form), so every signed-in employee may read them. Managing a plan (actions, check-ins, status)
belongs to its owner, the unit's managers (a team's manager, a team manager in that team or in the
department) and CX admins; creating one to team managers (for their own team or department) and
CX admins (anywhere)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from npshub import events
from npshub.feedback.masking import mask_pii
from npshub.people import roles
from npshub.people.models import Department, Team
from plans import effect
from plans.models import Action, CheckIn, Plan


class Refused(Exception):
    """Not allowed (403) or not possible (409); the message is for the user."""

    def __init__(self, message, status=403):
        super().__init__(message)
        self.status = status


def _profile(user):
    return getattr(user, "profile", None)


def manageable_units(user):
    """(teams queryset, departments queryset) the user may make plans for."""
    if roles.has_role(user, roles.CX_ADMIN):
        return Team.objects.all(), Department.objects.all()
    if not roles.has_role(user, roles.TEAM_MANAGER):
        return Team.objects.filter(manager=user), Department.objects.none()
    profile = _profile(user)
    department_ids = profile.department.descendant_ids() if profile and profile.department_id else []
    teams = Team.objects.filter(manager=user) | Team.objects.filter(pk=getattr(profile, "team_id", None))
    teams = teams | Team.objects.filter(department_id__in=department_ids)
    return teams.distinct(), Department.objects.filter(pk__in=department_ids)


def can_manage(user, plan):
    if not user.is_authenticated:
        return False
    if roles.has_role(user, roles.CX_ADMIN) or plan.owner_id == user.pk:
        return True
    teams, departments = manageable_units(user)
    if plan.team_id:
        return teams.filter(pk=plan.team_id).exists()
    return departments.filter(pk=plan.department_id).exists()


def can_create(user):
    return roles.has_any_role(user, [roles.TEAM_MANAGER, roles.CX_ADMIN]) or Team.objects.filter(manager=user).exists()


def visible_plans(user):
    return Plan.objects.select_related("team", "department", "owner", "topic")


def create_plan(user, **fields):
    plan = Plan(created_by=user, **fields)
    if not can_create(user):
        raise Refused(_("You may make plans only for your own team or department."))
    plan.full_clean()
    teams, departments = manageable_units(user)
    unit_ok = teams.filter(pk=plan.team_id).exists() if plan.team_id else departments.filter(pk=plan.department_id).exists()
    if not unit_ok:
        raise Refused(_("You may make plans only for your own team or department."))
    plan.save()
    return plan


def add_action(user, plan, title, owner=None, due_on=None):
    if not can_manage(user, plan):
        raise Refused(_("Only the plan's owner, the unit's managers and CX admins change a plan."))
    return Action.objects.create(plan=plan, team=plan.team, title=title.strip()[:300], owner=owner, due_on=due_on,
                                 created_by=user)


def can_manage_action(user, action):
    if action.plan_id:
        return can_manage(user, action.plan)
    if roles.has_role(user, roles.CX_ADMIN) or action.owner_id == user.pk:
        return True
    teams, _departments = manageable_units(user)
    return teams.filter(pk=action.team_id).exists()


def set_action_status(user, action, status):
    """Open / done / dropped; done publishes ``plan_action_completed`` once (rewards may pay for it)."""
    if status not in Action.Status.values:
        raise Refused(_("Unknown status %(status)r.") % {"status": status}, status=400)
    if not can_manage_action(user, action):
        raise Refused(_("Only the plan's owner, the unit's managers and CX admins change its actions."))
    with transaction.atomic():
        action = Action.objects.select_for_update().get(pk=action.pk)
        if action.status == status:
            return action
        first_done = status == Action.Status.DONE and action.completed_at is None
        action.status = status
        if status == Action.Status.DONE:
            action.completed_at = action.completed_at or timezone.now()
            action.completed_by = user
        action.save()
        if first_done:
            transaction.on_commit(lambda: events.publish(
                events.plan_action_completed, sender=Action, action=action, user=action.owner or user, by=user,
                follow_up_id=action.follow_up_id, event_id=f"plans.action_done.{action.pk}",
            ))
    return action


def check_in(user, plan, progress, note=""):
    if not can_manage(user, plan):
        raise Refused(_("Only the plan's owner, the unit's managers and CX admins record check-ins."))
    if plan.status != Plan.Status.ACTIVE:
        raise Refused(_("This plan is closed."), status=409)
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise Refused(_("Progress is a whole number from 0 to 100."), status=400)
    return CheckIn.objects.create(plan=plan, author=user, progress=progress, note=note.strip()[:5000],
                                  effect=effect.measure(plan))


def take_follow_ups(follow_ups, caller=None):
    """Follow-up actions written from a call's outcome join the team's open actions: in the team's
    current active plan when it has one, else as the team's own actions. Once per follow-up id."""
    today = timezone.localdate()
    created = []
    for item in follow_ups or ():
        team = Team.objects.filter(slug=item.get("team") or "").first()
        if team is None or not item.get("id") or not (item.get("description") or "").strip():
            continue
        plan = (Plan.objects.filter(team=team, status=Plan.Status.ACTIVE, starts_on__lte=today, ends_on__gte=today)
                .order_by("-starts_on", "-pk").first())
        try:
            with transaction.atomic():
                created.append(Action.objects.create(
                    plan=plan, team=team, title=mask_pii(str(item["description"]).strip())[:300], follow_up_id=int(item["id"]),
                    owner=team.manager, created_by=caller,
                ))
        except IntegrityError:  # the event came twice
            continue
    return created


def open_actions(team):
    return (Action.objects.filter(team=team, status=Action.Status.OPEN)
            .select_related("owner", "plan").order_by("due_on", "pk"))
