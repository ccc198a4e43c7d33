"""Rewards' parts of the core's outputs (npshub.sections): top teams and new badges on the digest
page and in the digest e-mail, each reader's points in the e-mail, the week's top team on Teams cards."""

from django.utils.translation import gettext as _

from npshub.formats import number
from npshub.sections import Section
from rewards import services


def figures(start, end):
    top_teams, new_badges = services.top_teams(start, end, 3), services.new_badges(start, end)[:8]
    return {"top_teams": top_teams, "new_badges": new_badges} if top_teams or new_badges else None


def personal(users, since):
    lines = {}
    for pk, summary in services.user_summaries(users, since=since).items():
        line = _("Your points: %(points)s.") % {"points": number(summary.get("balance", 0))}
        badges = ", ".join(badge["name"] for badge in summary.get("new_badges") or [])
        if badges:
            line += " " + _("New badges: %(badges)s.") % {"badges": badges}
        lines[pk] = line
    return lines


def card(start, end):
    top = services.top_teams(start, end, 1)
    if not top:
        return []
    return [_("Top team: %(name)s (%(points)s points)") % {"name": top[0]["name"], "points": number(top[0]["points"])}]


SECTIONS = [
    Section("rewards.teams_and_badges", order=20, figures=figures, html="rewards/digest/teams_and_badges.html",
            mjml="rewards/digest/teams_and_badges.mjml", personal=personal, card=card),
]
