"""The rewards pages: store, profiles, leaderboards, team pages and approvals. Sign-in is enforced
site-wide by the core's middleware; each view checks what the viewer may see."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from npshub import metrics, params, trends
from npshub.formats import number
from npshub.feedback import stats
from npshub.feedback.filters import StatsFilter
from npshub.people import roles
from npshub.people.models import Department, Team
from npshub.redirects import safe_next_url
from rewards import challenges, ledger, services
from rewards.models import BadgeAward, Kudos, LedgerEntry, Notification, Preference, Redemption, RewardItem


def _is_coach(viewer, team):
    """The team's manager, a team_manager in the team, or a CX admin."""
    if team is None:
        return False
    if roles.has_role(viewer, roles.CX_ADMIN) or team.manager_id == viewer.pk:
        return True
    return roles.has_role(viewer, roles.TEAM_MANAGER) and getattr(getattr(viewer, "profile", None), "team_id", None) == team.pk


def store(request):
    now = timezone.now()
    items = [item for item in RewardItem.objects.filter(active=True).select_related("image") if item.is_available(now)]
    taken = dict(
        Redemption.objects.filter(user=request.user).exclude(status=Redemption.REJECTED)
        .values("item").annotate(n=Count("pk")).values_list("item", "n")
    )
    for item in items:
        item.taken = taken.get(item.pk, 0)
        item.limit_reached = item.per_person_limit is not None and item.taken >= item.per_person_limit
    history = Redemption.objects.filter(user=request.user).select_related("item")[:50]
    return render(request, "rewards/store.html", {
        "items": items, "balance": ledger.balance(request.user), "history": history,
        "can_approve": roles.has_any_role(request.user, [roles.TEAM_MANAGER, roles.CX_ADMIN]),
    })


def redeem(request, item_id):
    """GET: what the redemption costs and leaves, with a confirm button; POST: redeem."""
    if request.method != "POST":
        item = get_object_or_404(RewardItem, pk=item_id, active=True)
        if not item.is_available(timezone.now()):
            raise Http404
        balance = ledger.balance(request.user)
        return render(request, "rewards/redeem_confirm.html", {
            "item": item, "balance": balance, "after": balance - item.price, "affordable": balance >= item.price,
        })
    try:
        redemption = services.redeem(request.user, item_id)
    except RewardItem.DoesNotExist:
        raise Http404 from None
    except services.StoreConflict as exc:
        messages.error(request, str(exc))
    else:
        if redemption.status == Redemption.PENDING:
            messages.success(request, _("%(name)s is reserved and waits for your manager's approval.") % {"name": redemption.item.tr.name})
        else:
            messages.success(request, _("%(name)s is yours. Enjoy!") % {"name": redemption.item.tr.name})
    return redirect("rewards:store")


@require_POST
def cancel(request, redemption_id):
    """The buyer cancels a redemption still waiting for approval: the points and the stock return."""
    try:
        redemption = services.cancel(params.as_id(redemption_id), request.user)
    except Redemption.DoesNotExist:
        raise Http404 from None
    except services.StoreConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is cancelled; its %(points)s points are back.")
                         % {"name": redemption.item.tr.name, "points": number(redemption.price)})
    return redirect("rewards:store")


def me(request):
    return redirect("rewards:person", user_id=request.user.pk)


def person(request, user_id):
    person = get_object_or_404(get_user_model().objects.select_related("profile__team", "profile__department"), pk=user_id, is_active=True)
    viewer = request.user
    profile = getattr(person, "profile", None)
    team = getattr(profile, "team", None)
    is_self = person.pk == viewer.pk
    sees_private = is_self or _is_coach(viewer, team)
    team_nps = None
    if team:
        since = timezone.localdate() - datetime.timedelta(days=89)
        team_nps = stats.summary(StatsFilter(date_from=since, dimensions={"team": (team.slug,)}))
    context = {
        "person": person, "profile": profile, "team": team, "is_self": is_self, "sees_private": sees_private,
        "balance": ledger.balance(person) if sees_private else None,
        "awards": BadgeAward.objects.filter(user=person).select_related("badge__image"),
        "team_nps": team_nps,
        "progress": [challenges.progress(c) for c in challenges.current_for_team(team)] if team else [],
        "calls": metrics.call("outreach.user_counts", person) if metrics.get("outreach.user_counts") else None,
        "lessons": metrics.call("education.user_progress", person) if metrics.get("education.user_progress") else None,
        "kudos": Kudos.objects.filter(receiver=person).select_related("giver__profile")[:20],
        "kudos_count": Kudos.objects.filter(receiver=person).count(),
        "entries": LedgerEntry.objects.filter(user=person).select_related("rule")[:15] if sees_private else [],
        "notifications": Notification.objects.filter(user=person)[:10] if is_self else [],
        "unread": Notification.objects.filter(user=person, read_at__isnull=True).count() if is_self else 0,
        "hidden": Preference.objects.filter(user=person, hide_from_leaderboards=True).exists(),
        "kudos_limit": settings.REWARDS_KUDOS_PER_DAY,
    }
    return render(request, "rewards/person.html", context)


@require_POST
def notifications_read(request):
    """Mark the signed-in employee's notifications read (a POST: looking at a page changes nothing)."""
    Notification.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    return redirect(safe_next_url(request, "rewards:me"))


@require_POST
def give_kudos(request, user_id):
    receiver = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    try:
        services.give_kudos(request.user, receiver, request.POST.get("message", ""))
    except services.KudosRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Kudos sent to %(name)s.") % {"name": services.display_name(receiver)})
    return redirect(safe_next_url(request, "rewards:person", user_id=receiver.pk))


@require_POST
def preferences(request):
    Preference.objects.update_or_create(user=request.user, defaults={"hide_from_leaderboards": request.POST.get("hide") == "1"})
    messages.success(request, _("Your leaderboard preference is saved."))
    return redirect("rewards:me")


def leaderboards(request):
    period = request.GET.get("period", "month")
    if period not in services.PERIODS:
        period = "month"
    department = Department.objects.filter(slug=request.GET.get("department") or "").first()
    return render(request, "rewards/leaderboards.html", {
        "period": period, "department": department,
        "periods": [("week", _("This week")), ("month", _("This month")), ("quarter", _("This quarter")), ("all", _("All time"))],
        "departments": Department.objects.all(),
        "individual": services.individual_board(period, department, request.user),
        "teams": services.team_board(period, department),
    })


def team(request, slug):
    team = get_object_or_404(Team.objects.select_related("department", "manager"), slug=slug)
    members = list(get_user_model().objects.filter(profile__team=team, is_active=True).order_by("first_name", "last_name"))
    coach = _is_coach(request.user, team)
    since = timezone.localdate() - datetime.timedelta(days=89)
    return render(request, "rewards/team.html", {
        "team": team, "members": members, "coach": coach,
        "team_nps": stats.summary(StatsFilter(date_from=since, dimensions={"team": (team.slug,)})),
        "trend": trends.figure(trends.points(timezone.localdate(), "month", team=team.slug), "month"),
        "progress": [challenges.progress(c) for c in challenges.current_for_team(team)],
        "feed": services.team_kudos(team),
        "engagement": services.engagement(members) if coach else None,
        "has_calls": metrics.get("outreach.user_counts") is not None,
        "has_lessons": metrics.get("education.user_progress") is not None,
    })


def approvals(request):
    if not roles.has_any_role(request.user, [roles.TEAM_MANAGER, roles.CX_ADMIN]):
        raise PermissionDenied
    return render(request, "rewards/approvals.html", {
        "pending": services.pending_for(request.user),
        "own_pending": Redemption.objects.filter(status=Redemption.PENDING, user=request.user).select_related("item"),
    })


@require_POST
def decide(request, redemption_id):
    redemption = get_object_or_404(Redemption, pk=redemption_id)
    approve = request.POST.get("decision") == "approve"
    try:
        services.decide(redemption.pk, request.user, approve)
    except services.DecisionRefused as exc:
        raise PermissionDenied(str(exc)) from None
    except services.StoreConflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Approved.") if approve else _("Rejected; the points were refunded."))
    return redirect("rewards:approvals")


def people_search(request):
    """Colleagues by name, for the kudos picker."""
    q = (request.GET.get("q") or "").strip()
    people = []
    if q:
        people = (get_user_model().objects.filter(is_active=True)
                  .filter(Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(username__icontains=q))
                  .select_related("profile__team").order_by("first_name")[:30])
    return render(request, "rewards/people.html", {"q": q, "people": people})
