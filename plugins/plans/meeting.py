"""The weekly team meeting, /teams/<slug>/meeting/: the screen a manager presents every week, and
their coaching view. Scores and masked comments only (what every employee may see); the plan's
forms for those who manage it."""

import datetime

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from npshub import metrics
from npshub.feedback import reference, stats, topics
from npshub.feedback.comments import comment_item, comment_queryset
from npshub.feedback.filters import StatsFilter
from npshub.people.models import Team
from plans import effect, services
from plans.forms import CheckInForm
from plans.models import Plan

COMMENTS_SHOWN = 30


def _url(name, *args):
    """A URL another plugin may provide (kudos), or None when it is off."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def week_bounds(today):
    start = today - datetime.timedelta(days=today.weekday())
    return start, today


def _department_slugs(team):
    return tuple(Team.objects.filter(department_id__in=team.department.descendant_ids()).values_list("slug", flat=True))


def comparison(team, today):
    """This week (Monday .. today) against last week, the department and the company, with margins;
    ``change`` is against last week with its margin and significance."""
    start, end = week_bounds(today)
    last_start, last_end = start - datetime.timedelta(days=7), start - datetime.timedelta(days=1)
    this_week = StatsFilter(start, end, {"team": (team.slug,)})
    compared = stats.compare(StatsFilter(last_start, last_end, {"team": (team.slug,)}), this_week)
    return {
        "start": start, "end": end, "last_start": last_start, "last_end": last_end,
        "this_week": compared["b"], "last_week": compared["a"],
        "change": compared["change"], "change_margin": compared["change_margin_of_error"],
        "small_sample": compared["a"]["small_sample"] or compared["b"]["small_sample"],
        "significant": compared["significant"] and not (compared["a"]["small_sample"] or compared["b"]["small_sample"]),
        "department": stats.summary(StatsFilter(start, end, {"team": _department_slugs(team) or ("-",)})),
        "company": stats.summary(StatsFilter(start, end)),
    }


def coaching(team, today):
    """The last 12 weeks' trend, the topics behind the team's detractors and the peer benchmark."""
    since = today - datetime.timedelta(days=83)
    team_filter = StatsFilter(since, today, {"team": (team.slug,)})
    peers = StatsFilter(since, today, {"team": _department_slugs(team) or ("-",)})
    return {
        "since": since,
        "trend": stats.timeseries(team_filter, "week"),
        "topics": [row for row in topics.topic_stats(team_filter) if row["detractor_mentions"]][:5],
        "peers": stats.fair_groups(stats.breakdown(peers, "team")),
    }


def callbacks(team, start, end):
    if metrics.get("outreach.team_completed") is None:
        return None
    tz = timezone.get_current_timezone()
    start_dt = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    end_dt = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    return {
        "done": metrics.call("outreach.team_completed", team.slug, start_dt, end_dt),
        "open": metrics.call("outreach.team_open", team.slug, default=None),
    }


def meeting(request, slug):
    team = get_object_or_404(Team.objects.select_related("department", "manager"), slug=slug)
    today = timezone.localdate()
    figures = comparison(team, today)
    comments = comment_queryset(StatsFilter(figures["start"], figures["end"], {"team": (team.slug,)}))
    plan = (Plan.objects.filter(team=team, status=Plan.Status.ACTIVE).select_related("owner", "topic")
            .order_by("-starts_on", "-pk").first())
    manage = plan is not None and services.can_manage(request.user, plan)
    members = get_user_model().objects.filter(profile__team=team, is_active=True).order_by("first_name", "username")
    names = dict(Team.objects.values_list("slug", "name"))
    peers = coaching(team, today)
    rows = peers["peers"]["ranked"] + peers["peers"]["too_few"]
    labels = reference.labels("team", [row["key"] for row in rows])  # in the reader's language
    for row in rows:
        row["name"] = row["label"] = (labels.get(row["key"]) if labels.get(row["key"]) != row["key"] else None) or names.get(row["key"], row["key"])
        row["is_this"] = row["key"] == team.slug
    return render(request, "plans/meeting.html", {
        "team": team, "figures": figures, "coaching": peers,
        "comments": [comment_item(r) for r in comments[:COMMENTS_SHOWN]], "comment_count": comments.count(),
        "callbacks": callbacks(team, figures["start"], figures["end"]),
        "plan": plan, "effect": effect.measure(plan) if plan else None, "manage": manage,
        "check_in_form": CheckInForm() if manage else None,
        "open_actions": services.open_actions(team),
        "can_create": services.can_create(request.user) and services.manageable_units(request.user)[0].filter(pk=team.pk).exists(),
        "kudos": [(m, _url("rewards:person", m.pk)) for m in members] if _url("rewards:people") else [],
        "team_url": _url("rewards:team", team.slug),
    })
