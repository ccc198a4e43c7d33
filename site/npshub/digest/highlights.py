"""Figures for a digest issue and for each recipient, read from the core's statistics and from the
enabled plugins' sections (npshub.sections; a disabled plugin's parts are left out)."""

import datetime

from django.core.cache import cache
from django.utils import timezone, translation

from npshub import sections, trends
from npshub.feedback.filters import StatsFilter
from npshub.feedback.stats import summary


def aware(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def previous_month(start):
    return (start - datetime.timedelta(days=1)).replace(day=1)


def nps_change(start, end, **dimensions):
    """NPS of [start, end) and of the same-length period before, and the change (None when unknown)."""
    last_day = end - datetime.timedelta(days=1)
    length = end - start
    current = summary(StatsFilter(start, last_day, {k: (v,) for k, v in dimensions.items()}))
    before = summary(StatsFilter(
        start - length if length.days < 28 else previous_month(start),
        start - datetime.timedelta(days=1),
        {k: (v,) for k, v in dimensions.items()},
    ))
    change = None
    if current["nps"] is not None and before["nps"] is not None:
        change = round(current["nps"] - before["nps"], 1)
    return {"nps": current["nps"], "margin_of_error": current["margin_of_error"], "responses": current["responses"],
            "previous": before["nps"], "change": change}


def best_quotes(start, end, limit=3, teams=None):
    """The month's best promoter comments, masked, without any contact data."""
    from npshub.feedback.comments import comment_queryset, quote_key

    dims = {"team": tuple(teams)} if teams else {}
    rows = comment_queryset(StatsFilter(start, end - datetime.timedelta(days=1), dims), score_min=9)
    quotes, seen = [], set()
    for response in rows[: limit * 5]:
        text = response.comment_masked.strip()
        key = quote_key(text)
        if 25 <= len(text) <= 400 and key not in seen:
            seen.add(key)
            quotes.append({"text": text, "score": response.score, "team": response.team, "language": response.language})
        if len(quotes) >= limit:
            break
    return quotes


def issue_highlights(issue):
    """Everything automatic in an issue in the active language; cached briefly, the same for every
    recipient reading that language (badge names, wins and team names are in it)."""
    key = f"digest:highlights:{issue.pk}:{issue.latest_revision_id or 0}:{translation.get_language()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    start, end = issue.month_start, issue.month_end
    start_dt, end_dt = aware(start), aware(end)
    highlights = {
        "nps": nps_change(start, end),
        "quotes": best_quotes(start, end),
        "sections": sections.parts(start_dt, end_dt),
        "trend": trends.points(end - datetime.timedelta(days=1), "month"),  # the 12 months up to the issue's
    }
    cache.set(key, highlights, 300)
    return highlights


# --- Per recipient ---------------------------------------------------------------------------

def team_figures(team_slug, start, end):
    """The team's NPS and change for the period, cached per process and period."""
    key = f"digest:team:{team_slug}:{start}:{end}"
    value = cache.get(key)
    if value is None:
        value = nps_change(start, end, team=team_slug)
        cache.set(key, value, 600)
    return value


def department_comment(department_id, start, end):
    """A recent customer comment about one of the department's teams (masked); None if none."""
    from npshub.feedback.comments import comment_queryset
    from npshub.people.models import Department, Team

    key = f"digest:dept-comment:{department_id}:{start}:{end}"
    value = cache.get(key)
    if value is not None:
        return value or None
    department = Department.objects.filter(pk=department_id).first()
    comment = ""
    if department is not None:
        slugs = list(Team.objects.filter(department_id__in=department.descendant_ids()).values_list("slug", flat=True))
        if slugs:
            stats_filter = StatsFilter(start - datetime.timedelta(days=62), end - datetime.timedelta(days=1),
                                       {"team": tuple(slugs)})
            for response in comment_queryset(stats_filter)[:20]:
                text = response.comment_masked.strip()
                if 20 <= len(text) <= 400:
                    comment = {"text": text, "score": response.score, "language": response.language}
                    break
    cache.set(key, comment, 600)
    return comment or None
