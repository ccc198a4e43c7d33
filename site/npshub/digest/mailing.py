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

from npshub import formats, sections, trends
from npshub.digest import chart_image
from npshub.digest import highlights as hl
from npshub.digest.mime import placeholder
from npshub.digest.personal import recipient_values
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
            subject = _("This week's NPS: %(nps)s") % {"nps": formats.number(context["week"]["nps"], 1)}
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
    """Rows left in ``sending`` by a worker that died (claimed longer ago than the timeout). What
    the dead claim's acceptance journal names was accepted by the server: recorded as ``sent``,
    never sent again. The rest was not accepted: back to pending (see sending.py's guarantee)."""
    from npshub.digest import journal as journal_lib

    timeout = settings.DIGEST_SENDING_TIMEOUT if timeout is None else timeout
    cutoff = timezone.now() - datetime.timedelta(seconds=timeout)
    stale = SendLog.objects.filter(mailing=mailing, status=SendLog.SENDING, claimed_at__lt=cutoff)
    claims = set(stale.values_list("claim", flat=True).distinct())
    if not claims:
        return 0
    with transaction.atomic():
        _recovered, journals = journal_lib.recover(mailing.pk, claims)
        released = SendLog.objects.filter(mailing=mailing, status=SendLog.SENDING, claim__in=claims).update(
            status=SendLog.PENDING, claim="", error="released: the sending worker stopped before the server accepted it")
        Mailing.objects.filter(pk=mailing.pk).update(finished_at=None)
    for journal in journals:  # only once both are committed: until then a re-run reads it again
        journal.discard()
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

