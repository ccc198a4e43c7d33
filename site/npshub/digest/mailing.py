"""Preparing a mailing: render the email once per language, create one send-log row per recipient,
and fill in each recipient's placeholders. Sending itself is in sending.py and tasks.py."""

import datetime
import re

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from npshub import formats, metrics, sections, trends
from npshub.digest import chart_image, tracking
from npshub.digest import highlights as hl
from npshub.digest.mime import placeholder
from npshub.digest.models import OPTIONAL_TYPES, EmailPreference, Mailing, RenderedEmail, SendLog
from npshub.digest.render import html_to_text, render_mjml
from npshub.feedback import reference
from npshub.pages.i18n import in_language

LANGUAGES = [code for code, _name in settings.LANGUAGES]
HREF = re.compile(r'href="(https?://[^"]+)"')


def base_url():
    return settings.NPSHUB_BASE_URL.rstrip("/")


# --- Audience ---------------------------------------------------------------------------------

def audience(issue=None):
    """Active employees with an e-mail address: everyone, or the issue's chosen departments (with
    their sub-departments), teams and roles (anyone in any of them)."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    if issue is None:
        return users
    condition = Q()
    departments = list(issue.audience_departments.all())
    if departments:
        ids = {pk for department in departments for pk in department.descendant_ids()}
        condition |= Q(profile__department_id__in=ids)
    teams = list(issue.audience_teams.values_list("pk", flat=True))
    if teams:
        condition |= Q(profile__team_id__in=teams)
    roles = issue.role_list()
    if roles:
        condition |= Q(groups__name__in=roles) | Q(is_superuser=True)
    return users.filter(condition).distinct() if condition else users


# --- Rendering (once per mailing and language) -----------------------------------------------

def _track_links(html, links):
    """Replace every absolute link with a signed click redirect; ``links`` collects the targets."""

    def replace(match):
        url = match.group(1)
        if "%%NPSHUB_" in url:
            return match.group(0)
        from html import unescape

        target = unescape(url)
        if target not in links:
            links.append(target)
        return f'href="{base_url()}/t/c/{placeholder("token")}/{links.index(target)}/"'

    return HREF.sub(replace, html)


def personal_urls():
    return {
        "preferences_url": f"{base_url()}/t/u/{placeholder('utoken')}/",
        "pixel_url": f"{base_url()}/t/o/{placeholder('token')}.gif",
    }


def digest_context(issue, language):
    issue = in_language(issue, language)  # the issue's translation: title, note and body in that language
    with translation.override(language):
        articles = [
            {"title": a.title, "intro": a.intro, "url": base_url() + a.url,
             "author": a.author.get_full_name() if a.author else "", "minutes": a.reading_minutes,
             "department": a.department.name if a.department else ""}
            for a in issue.articles()
        ]
        h = hl.issue_highlights(issue)
        return {
            "issue": issue,
            "title": issue.title,
            "intro": issue.intro,
            "issue_url": base_url() + issue.url,
            "hub_url": base_url() + "/",
            "month": issue.month_start,
            "articles": articles,
            "h": h,
            "trend": chart_image.image(h.get("trend") or [], "month"),  # the PNG, once per mailing and language
            "has_personal_sections": sections.has_personal(),
            "placeholders": {name: placeholder(name) for name in (
                "first_name", "team_html", "sections_html", "comment_html", "awareness_html")},
            **personal_urls(),
        }


def render_email(kind, source, language, links):
    """(subject, html, text) of one mailing in one language, placeholders left in."""
    if kind == Mailing.DIGEST:
        context = digest_context(source, language)
        with translation.override(language):
            translated = in_language(source, language)
            subject = translated.subject or translated.title
        template = "digest"
    elif kind == Mailing.ANNOUNCEMENT:
        from npshub.digest import announcements

        context = {**announcements.context(source), "hub_url": base_url() + "/",
                   "placeholders": {"first_name": placeholder("first_name")}, **personal_urls()}
        subject, template = source.subject, "announcement"
    else:
        context = weekly_context(source, language)
        with translation.override(language):
            subject = _("This week's NPS: %(nps)s") % {"nps": _fmt(context["week"]["nps"])}
        template = "weekly"
    html = render_mjml(template, {"subject": subject, **context}, language=language)
    html = _track_links(html, links)
    # The plain-text version from the same HTML; its personal parts get their own placeholders.
    text = html_to_text(html.replace(placeholder("team_html"), placeholder("team_text"))
                        .replace(placeholder("sections_html"), placeholder("sections_text"))
                        .replace(placeholder("comment_html"), placeholder("comment_text"))
                        .replace(placeholder("awareness_html"), placeholder("awareness_text")))
    text = re.sub(rf"{base_url()}/t/c/{re.escape(placeholder('token'))}/(\d+)/",
                  lambda m: links[int(m.group(1))], text)
    return subject, html, text


def _fmt(value, signed=False):
    """A score in the active language: ``43,8`` / ``+2,3`` in Russian, ``43.8`` / ``+2.3`` in English."""
    return formats.signed(value, 1) if signed else formats.number(value, 1)


def ensure_rendered(mailing, source, languages=LANGUAGES):
    """Render the mailing in each language once (stored, so every worker uses the same)."""
    rendered = {r.language: r for r in mailing.rendered.all()}
    links = list(mailing.links)
    for language in languages:
        if language in rendered:
            continue
        subject, html, text = render_email(mailing.kind, source, language, links)
        rendered[language] = RenderedEmail.objects.create(
            mailing=mailing, language=language, subject=subject, html=html, text=text)
    if links != mailing.links:
        mailing.links = links
        mailing.save(update_fields=["links"])
    return rendered


# --- Creating the mailing and its send log ---------------------------------------------------

def digest_mailing(issue):
    mailing, _created = Mailing.objects.get_or_create(
        key=f"digest-{issue.pk}",
        defaults={"kind": Mailing.DIGEST, "issue": issue, "subject": (issue.subject or issue.title)[:200]},
    )
    ensure_rendered(mailing, issue)
    return mailing


def weekly_mailing(week_start):
    year, week, _day = week_start.isocalendar()
    mailing, _created = Mailing.objects.get_or_create(
        key=f"weekly-{year}-W{week:02d}",
        defaults={"kind": Mailing.WEEKLY, "subject": f"Weekly results {year}-W{week:02d}"},
    )
    ensure_rendered(mailing, week_start)
    return mailing


def source_of(mailing):
    if mailing.kind == Mailing.DIGEST:
        return mailing.issue.specific if mailing.issue else None
    if mailing.kind == Mailing.ANNOUNCEMENT:
        from npshub.digest import announcements

        return announcements.source(mailing)
    year, week = mailing.key.removeprefix("weekly-").split("-W")
    return datetime.date.fromisocalendar(int(year), int(week), 1)


def populate(mailing, recipients, chunk=2000):
    """Add a pending send-log row for every recipient not in the log yet (those who opted out of
    this type are logged as opted out). Returns the number of new rows. Memory stays flat."""
    opted_out = set(EmailPreference.objects.filter(**{mailing.kind: False}).values_list("user_id", flat=True)) \
        if mailing.kind in OPTIONAL_TYPES else set()
    rows = recipients.order_by("pk").values_list("pk", "email", "profile__language", "profile__department_id")
    created, batch = 0, []

    def flush():
        nonlocal created
        before = SendLog.objects.filter(mailing=mailing).count()
        SendLog.objects.bulk_create(batch, ignore_conflicts=True)
        created += SendLog.objects.filter(mailing=mailing).count() - before
        batch.clear()

    for pk, email, language, department_id in rows.iterator(chunk_size=chunk):
        batch.append(SendLog(
            mailing=mailing, recipient_id=pk, email=email, language=language if language in LANGUAGES else "en",
            department_id=department_id,
            status=SendLog.OPTED_OUT if pk in opted_out else SendLog.PENDING,
        ))
        if len(batch) >= chunk:
            flush()
    if batch:
        flush()
    if created:
        Mailing.objects.filter(pk=mailing.pk).update(finished_at=None)
    return created


def release_stale_claims(mailing, timeout=None):
    """Rows left in ``sending`` by a worker that died. The SMTP acceptance of every message is
    recorded the moment it happens, so such a row was not accepted: it goes back to pending."""
    timeout = settings.DIGEST_SENDING_TIMEOUT if timeout is None else timeout
    cutoff = timezone.now() - datetime.timedelta(seconds=timeout)
    released = SendLog.objects.filter(mailing=mailing, status=SendLog.SENDING, claimed_at__lt=cutoff).update(
        status=SendLog.PENDING, claim="", error="released: the sending worker stopped before the server accepted it")
    if released:
        Mailing.objects.filter(pk=mailing.pk).update(finished_at=None)
    return released


def batch_ranges(mailing, size=None):
    """(first pk, last pk) ranges of the rows that can be sent now, ``size`` rows each."""
    size = size or settings.DIGEST_BATCH_SIZE
    now = timezone.now()
    due = SendLog.objects.filter(mailing=mailing).filter(
        Q(status=SendLog.PENDING) | Q(status=SendLog.RETRY, next_attempt_at__lte=now)
    ).order_by("pk").values_list("pk", flat=True)
    ranges, current = [], []
    for pk in due.iterator(chunk_size=5000):
        current.append(pk)
        if len(current) >= size:
            ranges.append((current[0], current[-1]))
            current = []
    if current:
        ranges.append((current[0], current[-1]))
    return ranges


# --- Personalisation ---------------------------------------------------------------------------

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
                figures = hl.team_figures(profile.team.slug, start, end)
                if figures["nps"] is not None:
                    change = figures["change"]
                    colour = "#12805C" if (change or 0) >= 0 else "#C8321E"
                    change_text = "" if change is None else " " + _("(%(change)s vs previous period)") % {
                        "change": _fmt(change, signed=True)}
                    team_text = _("Your team %(team)s: NPS %(nps)s%(change)s") % {
                        "team": team_name, "nps": _fmt(figures["nps"]), "change": change_text}
                    team_html = _("Your team <b>%(team)s</b>: NPS <b>%(nps)s</b>%(change)s") % {
                        "team": escape(team_name), "nps": escape(_fmt(figures["nps"])),
                        "change": f' <span style="color:{colour}">{escape(change_text)}</span>' if change_text else ""}
            sections_text, sections_html = lines.get(user.pk, ("", ""))
            comment_html = comment_text = ""
            if profile is not None and profile.department_id:
                comment = hl.department_comment(profile.department_id, start, end)
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
    from npshub import formats
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


def unsubscribe_headers(mailing, utoken):
    url = f"{base_url()}/t/u/{utoken}/{mailing.kind}/"
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def preview_html(mailing_kind, source, user, private=True):
    """The email as ``user`` would get it (nothing stored, links not tracked). ``private=False``
    (someone else looking) leaves out the sections' personal lines (a plugin's figures about the
    reader, such as their points), which nobody else sees."""
    from npshub.digest.mime import MessageTemplate

    language = getattr(getattr(user, "profile", None), "language", None) or "en"
    links = []
    subject, html, text = render_email(mailing_kind, source, language, links)
    fake = Mailing(kind=mailing_kind)
    values = recipient_values(fake, source, [user], language)[user.pk]
    values["TOKEN"] = "preview"
    if not private and values.get("SECTIONS_TEXT"):
        with translation.override(language):
            hidden = _("(Their personal figures are private: a preview as someone else leaves them out.)")
        values["SECTIONS_TEXT"], values["SECTIONS_HTML"] = hidden, escape(hidden)
    message = MessageTemplate(subject, html, text, settings.DEFAULT_FROM_EMAIL, inline=False)  # the chart stays visible
    return subject, message.render_html(values), message.render_text(values)


# --- Weekly results ------------------------------------------------------------------------------

def weekly_context(week_start, language):
    """The weekly e-mail's figures: the company's week and its teams ranked fairly (the lower bound of
    the interval; teams under the ranking minimum apart, as "too few answers", never ranked)."""
    from npshub.feedback.filters import StatsFilter
    from npshub.feedback.stats import breakdown, fair_groups
    from npshub.people.models import Team

    end = week_start + datetime.timedelta(days=7)
    known = dict(Team.objects.values_list("slug", "name"))
    with translation.override(language):
        names = reference.labels("team")
        trend = chart_image.image(trends.points(end - datetime.timedelta(days=1), "week"), "week")
    last_day = end - datetime.timedelta(days=1)
    before = {row["key"]: row["nps"] for row in breakdown(
        StatsFilter(week_start - datetime.timedelta(days=7), week_start - datetime.timedelta(days=1)), "team")}
    rows = [row for row in breakdown(StatsFilter(week_start, last_day), "team") if row["key"] in known]
    for row in rows:
        row["name"] = names.get(row["key"]) or known[row["key"]]
        previous = before.get(row["key"])
        row["change"] = round(row["nps"] - previous, 1) if row["nps"] is not None and previous is not None else None
    teams = fair_groups(rows)
    return {
        "week": {**hl.nps_change(week_start, end), "start": week_start, "end": last_day},
        "teams": teams["ranked"], "teams_too_few": teams["too_few"], "min_responses": teams["min_responses"],
        "trend": trend,
        "hub_url": base_url() + "/",
        "placeholders": {name: placeholder(name) for name in ("first_name", "team_html")},
        **personal_urls(),
    }


@transaction.atomic
def set_preference(user, kind, value):
    if kind not in OPTIONAL_TYPES:
        raise ValueError(kind)
    preference, _created = EmailPreference.objects.get_or_create(user=user)
    setattr(preference, kind, value)
    preference.save()
    if not value:  # not yet sent in a running mailing: do not send
        SendLog.objects.filter(recipient=user, mailing__kind=kind, status__in=[SendLog.PENDING, SendLog.RETRY]).update(
            status=SendLog.OPTED_OUT)
    return preference

