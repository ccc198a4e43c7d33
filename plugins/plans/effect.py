"""The measured effect of a plan since it started, from the real statistics.

The plan's period so far (start .. today, or its end) is compared with the same number of days
just before the start (at least ``PLANS_BASELINE_MIN_DAYS``): the NPS of both with their margins and
whether the change is significant (npshub.feedback.stats.compare, a two-sample z-test at 95%), the
topic's detractor mentions in both, and the callback contact rate (the declared metric
``outreach.team_contact_rate``; None when the callbacks plugin is off).
"""

import datetime

from django.conf import settings
from django.utils import timezone

from npshub import metrics
from npshub.feedback import stats, topics
from npshub.feedback.filters import StatsFilter


def windows(plan, today=None):
    """(baseline from, baseline to, since from, since to) dates."""
    today = today or timezone.localdate()
    end = min(today, plan.ends_on)
    days = max((end - plan.starts_on).days + 1, 1)
    length = max(days, settings.PLANS_BASELINE_MIN_DAYS)
    return plan.starts_on - datetime.timedelta(days=length), plan.starts_on - datetime.timedelta(days=1), plan.starts_on, max(end, plan.starts_on)


def _filter(slugs, date_from, date_to):
    # No team: a filter that matches nothing (a department without teams has no answers).
    return StatsFilter(date_from, date_to, {"team": tuple(slugs) or ("-",)})


def _topic_mentions(stats_filter, topic):
    for row in topics.topic_stats(stats_filter):
        if row["topic"] == topic.slug:
            return {"mentions": row["mentions"], "detractor_mentions": row["detractor_mentions"]}
    return {"mentions": 0, "detractor_mentions": 0}


def _contact_rate(slugs, date_from, date_to):
    if metrics.get("outreach.team_contact_rate") is None:
        return None
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
    due = in_target = 0
    for slug in slugs:
        figures = metrics.call("outreach.team_contact_rate", slug, start, end)
        due += figures["due"]
        in_target += figures["contacted_in_target"]
    return {"due": due, "contacted_in_target": in_target, "rate": round(100 * in_target / due, 1) if due else None}


def measure(plan, today=None):
    """A JSON-ready dict of the plan's effect so far; ``goal`` says where it stands on its target."""
    base_from, base_to, since_from, since_to = windows(plan, today)
    slugs = plan.team_slugs()
    before, after = _filter(slugs, base_from, base_to), _filter(slugs, since_from, since_to)
    comparison = stats.compare(before, after)
    result = {
        "baseline": {"from": base_from.isoformat(), "to": base_to.isoformat()},
        "since": {"from": since_from.isoformat(), "to": since_to.isoformat()},
        "nps": {
            "before": _score(comparison["a"]), "after": _score(comparison["b"]),
            "change": comparison["change"], "change_margin_of_error": comparison["change_margin_of_error"],
            # Too few answers on either side: no verdict, whatever the arithmetic says.
            "small_sample": comparison["a"]["small_sample"] or comparison["b"]["small_sample"],
            "significant": comparison["significant"] and not (comparison["a"]["small_sample"] or comparison["b"]["small_sample"]),
        },
        "topic": None,
        "contact_rate": None,
    }
    if plan.topic_id:
        result["topic"] = {
            "slug": plan.topic.slug, "name": plan.topic.name,
            "before": _topic_mentions(before, plan.topic), "after": _topic_mentions(after, plan.topic),
        }
    if plan.goal == plan.Goal.CONTACT_RATE:
        result["contact_rate"] = {
            "before": _contact_rate(slugs, base_from, base_to), "after": _contact_rate(slugs, since_from, since_to),
        }
    result["goal"] = _goal(plan, result)
    return result


def _score(score):
    return {key: score[key] for key in ("nps", "responses", "promoters", "passives", "detractors", "margin_of_error",
                                        "small_sample")}


def _goal(plan, result):
    """{"current": number or None, "target": number, "met": bool or None (unknown)}."""
    current = None
    if plan.goal == plan.Goal.NPS:
        current = result["nps"]["after"]["nps"]
        met = None if current is None else current >= plan.target
    elif plan.goal == plan.Goal.TOPIC:
        current = result["topic"]["after"]["detractor_mentions"] if result["topic"] else None
        met = None if current is None else current <= plan.target
    else:
        after = (result["contact_rate"] or {}).get("after")
        current = after["rate"] if after else None
        met = None if current is None else current >= plan.target
    return {"current": current, "target": plan.target, "met": met}
