"""Celery tasks of the email pipeline. Each takes primary keys and is safe to run twice."""

import datetime
import logging
import urllib.error

from celery import shared_task
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from npshub import formats, sections
from npshub.digest import mailing as mailing_lib
from npshub.digest import sending
from npshub.digest.models import Mailing, SendLog, TeamsChannel, TeamsPost
from npshub.pages.i18n import in_language

logger = logging.getLogger("npshub.digest")


@shared_task(name="digest.send_batch", acks_late=True)
def send_batch(mailing_id, first_pk, last_pk):
    counts = sending.send_range(mailing_id, first_pk, last_pk)
    if counts["retry"] and not send_batch.app.conf.task_always_eager:
        send_batch.apply_async((mailing_id, first_pk, last_pk), countdown=settings.DIGEST_RETRY_BACKOFF)
    sending.finish_if_done(mailing_id)
    return counts


def enqueue(mailing):
    """Release dead workers' claims, then queue a task per batch of due rows."""
    mailing_lib.release_stale_claims(mailing)
    ranges = mailing_lib.batch_ranges(mailing)
    for first, last in ranges:
        send_batch.delay(mailing.pk, first, last)
    if not ranges:
        sending.finish_if_done(mailing.pk)
    return len(ranges)


def start_digest(issue):
    mailing = mailing_lib.digest_mailing(issue)
    mailing_lib.populate(mailing, mailing_lib.audience(issue))
    return mailing


@shared_task(name="digest.send_issue")
def send_issue(issue_id):
    from npshub.pages.models import DigestPage

    from npshub.pages.i18n import canonical

    issue = canonical(DigestPage.objects.live().get(pk=issue_id))  # one mailing per issue, whichever translation was picked
    mailing = start_digest(issue)
    return {"mailing": mailing.pk, "batches": enqueue(mailing)}


@shared_task(name="digest.send_announcement")
def send_announcement(announcement_id):
    """An announcement to its audience, exactly once per recipient (re-running adds only newcomers)."""
    from npshub.digest import announcements
    from npshub.digest.models import Announcement

    mailing = announcements.start(Announcement.objects.get(pk=announcement_id))
    return {"mailing": mailing.pk, "batches": enqueue(mailing)}


@shared_task(name="digest.send_monthly_digest")
def send_monthly_digest():
    """Beat, on the 1st: send the latest published issue of the month just ended, if any and not sent."""
    from npshub.pages.models import DigestPage

    last_month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    from wagtail.models import Locale

    issue = DigestPage.objects.live().filter(month__gte=last_month, month__lt=timezone.localdate().replace(day=1)) \
        .filter(locale=Locale.get_default()).order_by("-first_published_at").first()
    if issue is None:
        logger.warning("Monthly digest: no published issue for %s", last_month)
        return None
    return send_issue(issue.pk)


@shared_task(name="digest.send_weekly_results")
def send_weekly_results(week_start=None):
    """Beat, on Mondays: the week just ended, per team, to everyone who wants it."""
    if week_start:
        start = datetime.date.fromisoformat(week_start)
    else:
        today = timezone.localdate()
        start = today - datetime.timedelta(days=today.weekday() + 7)
    mailing = mailing_lib.weekly_mailing(start)
    mailing_lib.populate(mailing, mailing_lib.audience())
    return {"mailing": mailing.pk, "batches": enqueue(mailing)}


@shared_task(name="digest.resume_mailings")
def resume_mailings():
    """Beat, every few minutes: retries that are due, and rows a dead worker left behind."""
    resumed = 0
    for mailing in Mailing.objects.filter(finished_at__isnull=True):
        if sending.outstanding(mailing).exists():
            resumed += enqueue(mailing)
    return resumed


# --- Microsoft Teams ----------------------------------------------------------------------------

@shared_task(name="digest.post_card", bind=True, max_retries=5)
def post_card(self, post_id, payload):
    record = TeamsPost.objects.select_related("channel").get(pk=post_id)
    if record.ok:
        return True
    from npshub.digest import teams

    record.attempts += 1
    try:
        record.status_code = teams.post(record.channel.webhook_url, payload)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        record.error = str(exc)[:2000]
        record.status_code = getattr(exc, "code", None)
        record.save()
        logger.warning("Teams post %s to %s failed (attempt %s): %s", post_id, record.channel, record.attempts, exc)
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return False
        raise self.retry(countdown=min(3600, 30 * 2 ** self.request.retries), exc=exc) from None
    record.ok, record.error = True, ""
    record.save()
    return True


def _post_to_channels(reason, payload, flag):
    """``payload``: a card, or a function of the language giving one (built once per language used:
    each channel gets its cards in its language)."""
    cards = {}
    for channel in TeamsChannel.objects.filter(active=True, **{flag: True}):
        if channel.language not in cards:
            with translation.override(channel.language):
                cards[channel.language] = payload(channel.language) if callable(payload) else payload
        record = TeamsPost.objects.create(channel=channel, reason=reason)
        post_card.delay(record.pk, cards[channel.language])


def post_notice(reason, payload):
    """A card for the channels that take the weekly results (TeamsChannel.post_weekly): reminders
    and notices of the teams' own work (e.g. an action plan's check-in is due). ``reason`` names
    the post in the admin's list (80 characters)."""
    _post_to_channels(reason[:80], payload, "post_weekly")


def post_alert(reason, payload):
    """An operational alert card (or a function of the language giving one) to the channels that
    take alerts (TeamsChannel.post_alerts)."""
    _post_to_channels(reason, payload, "post_alerts")


def week_card(start, title=None, extra=()):
    from npshub import sections
    from npshub.digest import highlights as hl
    from npshub.digest import teams

    end = start + datetime.timedelta(days=7)
    figures = hl.nps_change(start, end)
    lines = list(extra)
    quotes = hl.best_quotes(start, end, limit=1)
    if quotes:  # the customer's own words (Adaptive Cards have no lang mark-up)
        lines.append(_("A customer: “%(text)s”") % {"text": quotes[0]["text"][:200]})
    lines += sections.card_lines(hl.aware(start), hl.aware(end))  # the enabled plugins' lines
    base = mailing_lib.base_url()
    return teams.build_card(
        title or _("NPS, week of %(date)s") % {"date": formats.day(start, with_year=True)},
        figures["nps"], figures["change"], figures["responses"], lines,
        chart_url=f"{base}/?from={start}&to={end - datetime.timedelta(days=1)}", link_url=f"{base}/",
    )


@shared_task(name="digest.post_mailing_to_teams")
def post_mailing_to_teams(mailing_id):
    mailing = Mailing.objects.select_related("issue").get(pk=mailing_id)
    if mailing.kind != Mailing.DIGEST or not mailing.issue_id:
        return 0
    original = mailing.issue.specific
    today = timezone.localdate()

    def card(language):
        issue = in_language(original, language)  # its translation, when there is one
        extra = [_("The digest “%(title)s” is out: %(url)s") % {"title": issue.title, "url": mailing_lib.base_url() + issue.url}]
        extra += [_("Article: %(title)s") % {"title": a.title} for a in issue.articles()[:3]]
        return week_card(today - datetime.timedelta(days=7), title=issue.title, extra=extra)

    _post_to_channels(f"digest {original.pk}", card, "post_digest")
    return 1


@shared_task(name="digest.post_weekly_to_teams")
def post_weekly_to_teams(week_start=None):
    today = timezone.localdate()
    start = datetime.date.fromisoformat(week_start) if week_start else today - datetime.timedelta(days=today.weekday() + 7)
    _post_to_channels(f"weekly {start}", lambda language: week_card(start), "post_weekly")
    return 1


@shared_task(name="digest.publish_channel_posts")
def publish_channel_posts():
    """Beat, every minute: editors' channel posts that are due, exactly once per channel."""
    from npshub.digest import channel_posts

    return channel_posts.publish_due()


__all__ = ["send_batch", "SendLog"]
