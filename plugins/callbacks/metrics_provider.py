"""Figures the callbacks plugin provides to other apps (names fixed in npshub.metrics)."""

from django.db.models import Q
from django.utils.translation import gettext as _

from npshub import metrics
from npshub.feedback import nps, reference


def _period(queryset, field, start, end):
    if start:
        queryset = queryset.filter(**{f"{field}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": end})
    return queryset


def user_counts(user):
    from callbacks.models import Callback

    done = Callback.objects.filter(completed_by=user, status=Callback.Status.DONE)
    return {"completed": done.count(), "recovered": done.filter(recovered_at__isnull=False).count()}


def team_contact_rate(team_slug, start=None, end=None):
    """Detractor callbacks of the team's customers due in the period (past due, or already contacted),
    and those contacted within the target."""
    from django.db.models import F
    from django.utils import timezone

    from callbacks.models import Callback

    due = _period(
        Callback.objects.filter(response__team=team_slug, category="detractor")
        .exclude(status=Callback.Status.WITHDRAWN)
        .filter(Q(due_at__lte=timezone.now()) | Q(first_contact_at__isnull=False)),  # as stats.stats
        "due_at", start, end,
    )
    total = due.count()
    in_target = due.filter(first_contact_at__isnull=False, first_contact_at__lte=F("due_at")).count()
    return {"due": total, "contacted_in_target": in_target, "rate": round(100 * in_target / total, 1) if total else None}


def team_completed(team_slug, start=None, end=None):
    """Callbacks completed by members of the team in the period."""
    from callbacks.models import Callback

    return _period(
        Callback.objects.filter(status=Callback.Status.DONE).filter(
            Q(completed_by__profile__team__slug=team_slug)
        ), "completed_at", start, end,
    ).count()


def target_hours():
    """Hours within which a detractor should be called back (CALLBACKS_SLA_HOURS)."""
    from django.conf import settings

    return int(settings.CALLBACKS_SLA_HOURS.get("detractor", 48))


def team_open(team_slug):
    """Callbacks of the team's customers still to do (open or claimed)."""
    from callbacks.models import Callback

    return Callback.objects.filter(response__team=team_slug).exclude(
        status__in=[Callback.Status.DONE, Callback.Status.WITHDRAWN]).count()


def department_completed(start=None, end=None):
    """Callbacks completed in the period per department of the employee who made them:
    {department id: count} (profile department, else the team's)."""
    from django.db.models import Count
    from django.db.models.functions import Coalesce

    from callbacks.models import Callback

    rows = (
        _period(Callback.objects.filter(status=Callback.Status.DONE, completed_by__isnull=False), "completed_at", start, end)
        .annotate(dept=Coalesce("completed_by__profile__department_id", "completed_by__profile__team__department_id"))
        .values("dept").annotate(n=Count("pk"))
    )
    return {row["dept"]: row["n"] for row in rows if row["dept"]}


def wins(start=None, end=None, limit=5):
    """Recent good calls, without personal data: resolved or recovered customers."""
    from callbacks.models import Callback

    return _summaries(_period(
        Callback.objects.filter(status=Callback.Status.DONE, completed_by__isnull=False)
        .filter(Q(resolved=True) | Q(recovered_at__isnull=False)),
        "completed_at", start, end,
    ).order_by("-completed_at")[:limit])


def turnarounds(start=None, end=None, limit=3):
    """Detractors called back who then answered as promoters, by the date of that later answer:
    {"count": int, "wins": [as ``wins``]} (no personal data)."""
    from callbacks.models import Callback

    found = _period(Callback.objects.filter(
        nps.category_q(nps.PROMOTER, "recovery_response__score"),
        status=Callback.Status.DONE, completed_by__isnull=False, recovered_at__isnull=False,
    ), "recovery_response__submitted_at", start, end)
    return {"count": found.count(), "wins": _summaries(found.order_by("-recovery_response__submitted_at")[:limit])}


def _summaries(callbacks):
    """[{"summary", "caller", "date"}] of callbacks (a sliced queryset), in the active language
    (the digest renders once per language), products by their labels."""
    from django.utils import timezone

    rows = list(callbacks.select_related("response", "recovery_response", "completed_by"))
    products = reference.labels("product", {callback.response.product for callback in rows})
    result = []
    for callback in rows:
        values = {"score": callback.response.score, "product": products.get(callback.response.product) or _("a product"),
                  "later": callback.recovery_response.score if callback.recovery_response_id else None}
        if callback.recovery_response_id and nps.category(values["later"]) == nps.PROMOTER:
            summary = _("A detractor (%(score)s/10) about %(product)s came back as a promoter (%(later)s/10)") % values
        elif callback.recovery_response_id:
            summary = _("A detractor (%(score)s/10) about %(product)s came back as a passive (%(later)s/10)") % values
        else:
            summary = _("Resolved the issue of a detractor (%(score)s/10) about %(product)s") % values
        result.append({
            "summary": summary,
            "caller": callback.completed_by.get_full_name() or callback.completed_by.get_username(),
            "date": timezone.localtime(callback.recovery_response.submitted_at if callback.recovery_response_id
                                       else callback.completed_at).date(),
        })
    return result


def register():
    metrics.provide("outreach.user_counts", user_counts)
    metrics.provide("outreach.team_contact_rate", team_contact_rate)
    metrics.provide("outreach.team_completed", team_completed)
    metrics.provide("outreach.target_hours", target_hours)
    metrics.provide("outreach.team_open", team_open)
    metrics.provide("outreach.wins", wins)
