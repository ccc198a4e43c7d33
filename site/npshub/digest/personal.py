"""Each recipient's placeholder values: their name, their team's figures, the plugins' personal
lines (``npshub.sections``), a customer's words about their department and, for CX admins, the
awareness index; computed per batch of recipients, in the recipient's language."""

import datetime
import re

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from npshub import formats, metrics, sections
from npshub.digest import highlights as hl
from npshub.digest import tracking
from npshub.digest.models import Mailing
from npshub.feedback import reference


def period_of(mailing, source):
    if mailing.kind == Mailing.DIGEST:
        return source.month_start, source.month_end
    return source, source + datetime.timedelta(days=7)


def recipient_values(mailing, source, users, language):
    """{user pk: placeholder values} for these users (one query for the users, cached figures)."""
    if mailing.kind == Mailing.ANNOUNCEMENT:  # only the name: no figures in an announcement
        empty = dict.fromkeys(("TEAM_HTML", "TEAM_TEXT", "SECTIONS_HTML", "SECTIONS_TEXT", "COMMENT_HTML",
                               "COMMENT_TEXT", "AWARENESS_HTML", "AWARENESS_TEXT"), "")
        return {user.pk: {**empty, "FIRST_NAME": user.first_name or user.get_username(),
                          "UTOKEN": tracking.sign("user", user.pk)} for user in users}
    start, end = period_of(mailing, source)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    awareness = _awareness_lines(users, language)
    values = {}
    # Once per team and department in the batch (the figures come from the cache: with Redis, a round trip each).
    team_figures, comments = {}, {}
    with translation.override(language):
        # The plugins' lines for the whole batch at once (each section answers for every user).
        lines = sections.personal_lines(users, since)
        team_names = reference.labels("team", {u.profile.team.slug for u in users if _team(u)})  # one query
        for user in users:
            profile = getattr(user, "profile", None)
            first = user.first_name or user.get_username()
            team_html = team_text = ""
            if profile is not None and profile.team_id:
                team_name = team_names.get(profile.team.slug) or profile.team.name
                if profile.team.slug not in team_figures:
                    team_figures[profile.team.slug] = hl.team_figures(profile.team.slug, start, end)
                figures = team_figures[profile.team.slug]
                if figures["nps"] is not None:
                    change = figures["change"]
                    colour = "#12805C" if (change or 0) >= 0 else "#C8321E"
                    change_text = "" if change is None else " " + _("(%(change)s vs previous period)") % {
                        "change": formats.signed(change, 1)}
                    team_text = _("Your team %(team)s: NPS %(nps)s%(change)s") % {
                        "team": team_name, "nps": formats.number(figures["nps"], 1), "change": change_text}
                    team_html = _("Your team <b>%(team)s</b>: NPS <b>%(nps)s</b>%(change)s") % {
                        "team": escape(team_name), "nps": escape(formats.number(figures["nps"], 1)),
                        "change": f' <span style="color:{colour}">{escape(change_text)}</span>' if change_text else ""}
            sections_text, sections_html = lines.get(user.pk, ("", ""))
            comment_html = comment_text = ""
            if profile is not None and profile.department_id:
                if profile.department_id not in comments:
                    comments[profile.department_id] = hl.department_comment(profile.department_id, start, end)
                comment = comments[profile.department_id]
                if comment:
                    label = _("A customer about your department (score %(score)s):") % {"score": comment["score"]}
                    comment_text = f'{label}\n"{comment["text"]}"'
                    comment_html = (
                        f'<span style="color:#5A6275;font-size:13px">{escape(label)}</span><br>'
                        f'<i{_lang(comment.get("language"))}>&ldquo;{escape(comment["text"])}&rdquo;</i>'
                    )
            values[user.pk] = {
                "FIRST_NAME": first,
                "TEAM_HTML": team_html, "TEAM_TEXT": team_text,
                "SECTIONS_HTML": sections_html, "SECTIONS_TEXT": sections_text,
                "COMMENT_HTML": comment_html, "COMMENT_TEXT": comment_text,
                **awareness.get(user.pk, {"AWARENESS_HTML": "", "AWARENESS_TEXT": ""}),
                "UTOKEN": tracking.sign("user", user.pk),
            }
    return values


def _team(user):
    profile = getattr(user, "profile", None)
    return profile is not None and profile.team_id


def _lang(code):
    """A customer's words keep the language they were written in (WCAG "language of parts")."""
    code = (code or "").strip()
    return f' lang="{escape(code)}"' if code and re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?", code) else ""


def _awareness_lines(users, language):
    """{pk: {"AWARENESS_HTML", "AWARENESS_TEXT"}} for the CX admins among ``users``: the awareness
    index and its change (metric ``reach.awareness``, computed once per batch)."""
    from npshub.people import roles

    pks = [user.pk for user in users]
    admins = list(get_user_model().objects.filter(pk__in=pks, is_active=True)
                  .filter(Q(groups__name=roles.CX_ADMIN) | Q(is_superuser=True)).values_list("pk", flat=True).distinct())
    figures = metrics.call("reach.awareness", default=None) if admins else None
    if not figures or figures.get("index") is None:
        return {}
    with translation.override(language):
        text = _("Awareness index (CX admins): %(index)s of employees know NPS") % {
            "index": formats.percent(figures["index"], 1, language)}
        if figures.get("change") is not None:
            text += " " + _("(%(change)s pp in %(days)s days)") % {
                "change": formats.signed(figures["change"], 1, language), "days": figures["period_days"]}
    line = {"AWARENESS_HTML": f'<span style="color:#5A6275;font-size:13px">{escape(text)}</span>', "AWARENESS_TEXT": text}
    return {pk: line for pk in admins}


def load_users(pks):
    return get_user_model().objects.filter(pk__in=pks).select_related("profile__team", "profile__department")
