"""The plans pages: the overview of every plan, a plan with its actions and check-ins, and the forms
that change them. Sign-in is enforced site-wide; managing is checked in plans.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from npshub.redirects import safe_next_url
from plans import effect, services
from plans.forms import ActionForm, CheckInForm, PlanForm
from plans.models import Action, Plan


def overview(request):
    status = request.GET.get("status") or Plan.Status.ACTIVE
    if status not in Plan.Status.values and status != "all":
        status = Plan.Status.ACTIVE
    plans = services.visible_plans(request.user)
    if status != "all":
        plans = plans.filter(status=status)
    rows = []
    for plan in plans[:200]:
        measured = effect.measure(plan)
        actions = list(plan.actions.all())
        rows.append({
            "plan": plan, "goal": measured["goal"], "nps": measured["nps"],
            "open": sum(a.status == Action.Status.OPEN for a in actions),
            "done": sum(a.status == Action.Status.DONE for a in actions),
            "last_check_in": plan.check_ins.first(), "next_due": plan.next_check_in_due(),
        })
    return render(request, "plans/overview.html", {
        "rows": rows, "status": status, "can_create": services.can_create(request.user),
        "statuses": [(Plan.Status.ACTIVE, _("Active")), (Plan.Status.DONE, _("Completed")),
                     (Plan.Status.CANCELLED, _("Cancelled")), ("all", _("All"))],
    })


def new(request):
    if not services.can_create(request.user):
        raise PermissionDenied
    teams, departments = services.manageable_units(request.user)
    form = PlanForm(request.POST or None, teams=teams, departments=departments,
                    initial={"team": request.GET.get("team")} if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(request.user, owner=request.user, **form.cleaned_data)
        except services.Refused as exc:
            form.add_error(None, str(exc))
        except Exception as exc:  # ValidationError from full_clean
            if not hasattr(exc, "message_dict"):
                raise
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The plan is made. Add its actions."))
            return redirect("plans:detail", plan_id=plan.pk)
    return render(request, "plans/new.html", {"form": form})


def detail(request, plan_id):
    plan = get_object_or_404(services.visible_plans(request.user), pk=plan_id)
    manage = services.can_manage(request.user, plan)
    return render(request, "plans/detail.html", {
        "plan": plan, "manage": manage, "effect": effect.measure(plan),
        "actions": plan.actions.select_related("owner"), "check_ins": plan.check_ins.select_related("author"),
        "action_form": ActionForm(plan=plan) if manage else None,
        "check_in_form": CheckInForm() if manage and plan.status == Plan.Status.ACTIVE else None,
        "next_due": plan.next_check_in_due(),
    })


def _plan_for_change(request, plan_id):
    plan = get_object_or_404(Plan, pk=plan_id)
    if not services.can_manage(request.user, plan):
        raise PermissionDenied
    return plan


@require_POST
def add_action(request, plan_id):
    plan = _plan_for_change(request, plan_id)
    form = ActionForm(request.POST, plan=plan)
    if not form.is_valid():
        messages.error(request, _("The action needs a description; check the owner and the date."))
    else:
        services.add_action(request.user, plan, form.cleaned_data["title"], form.cleaned_data["owner"],
                            form.cleaned_data["due_on"])
        messages.success(request, _("Action added."))
    return redirect(safe_next_url(request, "plans:detail", plan_id=plan.pk))


@require_POST
def action_status(request, action_id):
    action = get_object_or_404(Action.objects.select_related("plan"), pk=action_id)
    try:
        services.set_action_status(request.user, action, request.POST.get("status", ""))
    except services.Refused as exc:
        if exc.status == 400:
            return HttpResponseBadRequest(str(exc))
        raise PermissionDenied(str(exc)) from None
    if action.plan_id:
        return redirect(safe_next_url(request, "plans:detail", plan_id=action.plan_id))
    return redirect(safe_next_url(request, "plans:meeting", slug=action.team.slug))


@require_POST
def check_in(request, plan_id):
    plan = _plan_for_change(request, plan_id)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Progress is a whole number from 0 to 100."))
    else:
        try:
            services.check_in(request.user, plan, form.cleaned_data["progress"], form.cleaned_data["note"])
        except services.Refused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Check-in recorded with the effect measured today."))
    return redirect(safe_next_url(request, "plans:detail", plan_id=plan.pk))


@require_POST
def plan_status(request, plan_id):
    plan = _plan_for_change(request, plan_id)
    status = request.POST.get("status", "")
    if status not in Plan.Status.values:
        return HttpResponseBadRequest(_("Unknown status."))
    plan.status = status
    plan.save(update_fields=["status"])
    messages.success(request, _("The plan is now: %(status)s.") % {"status": plan.get_status_display()})
    return redirect("plans:detail", plan_id=plan.pk)
