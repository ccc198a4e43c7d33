"""Team challenge progress, computed from the real statistics and callback data.

Callback figures come through the metrics registry; when the callbacks plugin is disabled the
contact-rate and callback-count goals report ``available: False`` instead of a made-up number.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _, ngettext

from npshub import metrics
from npshub.feedback import stats
from npshub.feedback.filters import StatsFilter
from rewards import badges, ledger
from rewards.models import Challenge


@dataclass
class Progress:
    challenge: Challenge
    available: bool
    current: float | None  # the figure measured (NPS change, % contacted, callbacks)
    target: float
    detail: str
    reached: bool

    @property
    def percent(self):
        if not self.available or self.current is None or not self.target:
            return 0
        return max(0, min(100, round(100 * self.current / self.target)))

    def as_dict(self):
        c = self.challenge
        return {
            "id": c.pk, "title": c.tr.title, "team": c.team.slug, "team_name": c.team.name, "goal": c.goal,
            "target": self.target, "current": self.current, "percent": self.percent, "available": self.available,
            "reached": self.reached, "detail": self.detail, "starts_on": c.starts_on.isoformat(),
            "ends_on": c.ends_on.isoformat(), "reached_at": c.reached_at.isoformat() if c.reached_at else None,
        }


def _bounds(start_date, end_date):
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start_date, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(end_date + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))


def _team_nps(team_slug, date_from, date_to):
    return stats.summary(StatsFilter(date_from=date_from, date_to=date_to, dimensions={"team": (team_slug,)}))


def progress(challenge, today=None):
    today = today or timezone.localdate()
    until = min(today, challenge.ends_on)
    team = challenge.team.slug
    target = challenge.target
    if challenge.goal == Challenge.NPS_RAISE:
        length = (challenge.ends_on - challenge.starts_on).days + 1
        base_to = challenge.starts_on - datetime.timedelta(days=1)
        base_from = base_to - datetime.timedelta(days=length - 1)
        baseline = _team_nps(team, base_from, base_to)
        current = _team_nps(team, challenge.starts_on, until) if until >= challenge.starts_on else {"nps": None, "responses": 0}
        if baseline["nps"] is None or current["nps"] is None:
            return Progress(challenge, True, None, target, _("Not enough responses yet to compare with the previous period."), False)
        change = round(current["nps"] - baseline["nps"], 1)
        detail = _("NPS %(now)s now vs %(before)s before (%(n)s responses so far)") % {
            "now": current["nps"], "before": baseline["nps"], "n": current["responses"]}
        return Progress(challenge, True, change, target, detail, change >= target)
    start, end = _bounds(challenge.starts_on, until)
    if challenge.goal == Challenge.CONTACT_RATE:
        if metrics.get("outreach.team_contact_rate") is None:
            return Progress(challenge, False, None, target, _("Callback data is unavailable (the callbacks plugin is off)."), False)
        figures = metrics.call("outreach.team_contact_rate", team, start, end) or {}
        due, contacted = figures.get("due") or 0, figures.get("contacted_in_target") or 0
        if not due:
            return Progress(challenge, True, None, target, _("No detractors to call back yet."), False)
        rate = round(100 * contacted / due, 1)
        hours = metrics.call("outreach.target_hours", default=None)
        if hours is None:
            detail = _("%(contacted)s of %(due)s detractors contacted within the target time") % {
                "contacted": contacted, "due": due}
        else:
            detail = ngettext("%(contacted)s of %(due)s detractors contacted within %(hours)s hour",
                              "%(contacted)s of %(due)s detractors contacted within %(hours)s hours", hours) % {
                "contacted": contacted, "due": due, "hours": hours}
        return Progress(challenge, True, rate, target, detail, rate >= target)
    if challenge.goal == Challenge.CALLBACKS:
        if metrics.get("outreach.team_completed") is None:
            return Progress(challenge, False, None, target, _("Callback data is unavailable (the callbacks plugin is off)."), False)
        done = int(metrics.call("outreach.team_completed", team, start, end) or 0)
        detail = _("%(done)s of %(target)s callbacks completed") % {"done": done, "target": int(target)}
        return Progress(challenge, True, done, target, detail, done >= target)
    return Progress(challenge, False, None, target, _("Unknown goal."), False)


def current_for_team(team, today=None):
    today = today or timezone.localdate()
    return list(Challenge.objects.filter(team=team, ends_on__gte=today - datetime.timedelta(days=30))
                .select_related("team").order_by("ends_on"))


def settle(challenge, today=None):
    """When the goal is reached, pay every team member through the team-goal rules, once.
    Returns the number of entries written."""
    result = progress(challenge, today)
    if not result.reached:
        return 0
    from django.contrib.auth import get_user_model

    written = 0
    members = get_user_model().objects.filter(profile__team=challenge.team, is_active=True)
    event_id = f"challenge:{challenge.pk}"
    for rule in ledger.rules_for("team_goal_reached"):
        for member in members:
            if ledger.award(rule, member, event_id, reason=_("Team goal: %(title)s") % {"title": challenge.tr.title}):
                written += 1
    for member in members:
        ledger.record_activity(member, "team_goal_reached", event_id)
        badges.evaluate(member, "team_goal_reached")
    with transaction.atomic():
        Challenge.objects.filter(pk=challenge.pk, reached_at__isnull=True).update(reached_at=timezone.now())
    return written
