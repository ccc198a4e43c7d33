"""Badge criteria, evaluated on the recorded activities; a badge is awarded at most once."""

import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rewards.models import Activity, Badge, BadgeAward, LedgerEntry, Notification


def notify(user, message, url=""):
    return Notification.objects.create(user=user, message=message[:255], url=url, language=translation.get_language() or "")


def _profile_url():
    try:
        return reverse("rewards:me")
    except NoReverseMatch:
        return ""


def grant_badge(badge, user, period=""):
    """Award once (the unique constraint decides); notify the winner. Returns the award or None."""
    try:
        with transaction.atomic():
            award = BadgeAward.objects.create(badge=badge, user=user, period=period)
    except IntegrityError:
        return None
    # The note is stored as text: written in the winner's language, whoever's event awarded it.
    with translation.override(getattr(getattr(user, "profile", None), "language", None) or translation.get_language()):
        notify(user, _("New badge: %(name)s") % {"name": badge.tr.name}, _profile_url())
    return award


def _month_start(day):
    return day.replace(day=1)


def _previous_month(day):
    return (_month_start(day) - datetime.timedelta(days=1)).replace(day=1)


def criterion_met(badge, user, now=None):
    now = now or timezone.now()
    activities = Activity.objects.filter(user=user, event_type=badge.event_type)
    if badge.criterion == Badge.COUNT:
        if badge.window_days:
            activities = activities.filter(occurred_at__gte=now - datetime.timedelta(days=badge.window_days))
        return activities.count() >= badge.threshold
    if badge.criterion == Badge.STREAK:
        # The event in each of the last N calendar months, this month included.
        month = _month_start(timezone.localdate(now))
        months = [month]
        for _i in range(badge.threshold - 1):
            months.append(_previous_month(months[-1]))
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(months[-1], datetime.time.min, tzinfo=tz)
        seen = {
            _month_start(timezone.localdate(moment))
            for moment in activities.filter(occurred_at__gte=start).values_list("occurred_at", flat=True)
        }
        return all(m in seen for m in months)
    return False


def evaluate(user, event_type, now=None, occurred_at=None):
    """Award every event-driven badge on ``event_type`` that ``user`` now meets (only badges that
    existed when the event happened, if ``occurred_at`` is given). Returns the awards."""
    held = set(BadgeAward.objects.filter(user=user, period="").values_list("badge_id", flat=True))
    candidates = Badge.objects.filter(active=True, event_type=event_type, criterion__in=[Badge.COUNT, Badge.STREAK])
    if occurred_at is not None:
        candidates = candidates.filter(created_at__lte=occurred_at)
    awards = []
    for badge in candidates:
        if badge.pk in held:
            continue
        if criterion_met(badge, user, now):
            award = grant_badge(badge, user)
            if award:
                awards.append(award)
    return awards


def month_bounds(month):
    """[start, end) aware datetimes of the calendar month containing the date ``month``."""
    tz = timezone.get_current_timezone()
    first = _month_start(month)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return (datetime.datetime.combine(first, datetime.time.min, tzinfo=tz),
            datetime.datetime.combine(following, datetime.time.min, tzinfo=tz))


def award_ambassadors(month):
    """Give each ambassador badge to whoever earned the most points in ``month`` (a date in it).
    Ties: the earliest to reach the total wins nothing extra; all tied leaders get it."""
    start, end = month_bounds(month)
    totals = (
        LedgerEntry.objects.filter(kind__in=LedgerEntry.EARNED_KINDS, created_at__gte=start, created_at__lt=end)
        .values("user").annotate(points=Sum("amount")).filter(points__gt=0).order_by("-points")
    )
    rows = list(totals[:20])
    if not rows:
        return []
    best = rows[0]["points"]
    winners = get_user_model().objects.filter(pk__in=[row["user"] for row in rows if row["points"] == best])
    period = start.strftime("%Y-%m")
    awards = []
    for badge in Badge.objects.filter(active=True, criterion=Badge.AMBASSADOR):
        for user in winners:
            award = grant_badge(badge, user, period=period)
            if award:
                awards.append(award)
    return awards
