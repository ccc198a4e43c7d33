"""The awareness index: the one place that defines who is aware of NPS.

An active employee is *aware* at a date when, over the ``period_days`` (setting) up to it, any of:

1. **Baseline quiz**: they passed the quiz of the baseline lesson ("What is NPS?"), or
2. **Lessons**: they completed at least ``min_lessons`` lessons,
   — each within the last ``knowledge_valid_months`` (0: for good), not only in the period, or
3. **Engagement**: in the period they opened at least ``min_digest_opens`` digest e-mails **and**
   visited the hub on at least ``min_visit_days`` days.

*Active employees* are active accounts holding the employee role that existed at the date.
Index = aware / active employees x 100, one decimal. The thresholds are the Wagtail setting
``AwarenessSettings`` (Admin → Settings → Awareness index, CX admins). A person's department is
their profile's, else their team's. *Never reached*: no lesson opened or taken, no digest opened
and no visit recorded, ever.
"""

import datetime
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from npshub.people import roles


def add_months(moment, months):
    """``moment`` moved by whole calendar months (the day clamped to the month's length)."""
    import calendar

    index = moment.year * 12 + moment.month - 1 + months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def config():
    from npshub.reach.models import AwarenessSettings

    return AwarenessSettings.load()


def baseline_lesson(cfg):
    from wagtail.models import Locale

    from npshub.pages.i18n import canonical
    from npshub.pages.models import LessonPage

    if cfg.baseline_lesson_id:
        return canonical(cfg.baseline_lesson)
    return LessonPage.objects.filter(slug="what-is-nps", locale=Locale.get_default()).first()


def employees(at):
    """{user id: department id or None} of the active employees at ``at``."""
    rows = (
        get_user_model().objects.filter(is_active=True, date_joined__lt=at)
        .filter(Q(groups__name=roles.EMPLOYEE) | Q(is_superuser=True))
        .values_list("pk", "profile__department_id", "profile__team__department_id").distinct()
    )
    return {pk: dept or team_dept for pk, dept, team_dept in rows}


def aware_ids(at, cfg=None, among=None):
    """Ids of the employees aware at ``at`` (an aware datetime) under the definition above."""
    from npshub.digest.models import Mailing, SendLog
    from npshub.pages.models import LessonProgress
    from npshub.reach.models import ActiveDay

    cfg = cfg or config()
    among = employees(at) if among is None else among
    start = at - datetime.timedelta(days=cfg.period_days)
    since = add_months(at, -cfg.knowledge_valid_months) if cfg.knowledge_valid_months else None
    progress = LessonProgress.objects.filter(user_id__in=among)
    aware = set()
    lesson = baseline_lesson(cfg)
    if lesson is not None:
        passed = progress.filter(lesson=lesson, passed_at__lt=at)
        if since:
            passed = passed.filter(passed_at__gte=since)
        aware |= set(passed.values_list("user_id", flat=True))
    if cfg.min_lessons:
        done = progress.filter(completed_at__lt=at)
        if since:
            done = done.filter(completed_at__gte=since)
        aware |= {row["user_id"] for row in done.values("user_id").annotate(n=Count("pk")).filter(n__gte=cfg.min_lessons)}
    opened = (
        SendLog.objects.filter(recipient_id__in=among, mailing__kind=Mailing.DIGEST, opened_at__gte=start, opened_at__lt=at)
        .values("recipient_id").annotate(n=Count("pk")).filter(n__gte=cfg.min_digest_opens)
        .values_list("recipient_id", flat=True)
    )
    visited = (
        ActiveDay.objects.filter(user_id__in=among, day__gte=timezone.localdate(start), day__lt=timezone.localdate(at))
        .values("user_id").annotate(n=Count("pk")).filter(n__gte=max(cfg.min_visit_days, 1))
        .values_list("user_id", flat=True)
    )
    aware |= set(opened) & set(visited)
    return aware & set(among)


def _index(aware, total):
    return round(100 * aware / total, 1) if total else None


def index_at(at, cfg=None, department_ids=None):
    """{"index", "aware", "employees"} at ``at``; only the given departments when named."""
    cfg = cfg or config()
    among = employees(at)
    if department_ids is not None:
        among = {pk: dept for pk, dept in among.items() if dept in department_ids}
    aware = aware_ids(at, cfg, among)
    return {"index": _index(len(aware), len(among)), "aware": len(aware), "employees": len(among)}


def _end_of_today():
    now = timezone.localtime()
    return now.replace(hour=0, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)


def summary(at=None, cfg=None):
    """Metric ``reach.awareness``: the index now and its change over one period:
    {"index", "aware", "employees", "previous", "change", "period_days"}."""
    cfg = cfg or config()
    at = at or _end_of_today()
    now = index_at(at, cfg)
    before = index_at(at - datetime.timedelta(days=cfg.period_days), cfg)
    change = None if now["index"] is None or before["index"] is None else round(now["index"] - before["index"], 1)
    return {**now, "previous": before["index"], "change": change, "period_days": cfg.period_days}


def monthly(months=12, cfg=None):
    """The index at the end of each of the last ``months`` calendar months (the current one: today)."""
    cfg = cfg or config()
    today_end = _end_of_today()
    first = today_end.replace(day=1) if today_end.day > 1 else (today_end - datetime.timedelta(days=1)).replace(day=1)
    points = []
    for back in range(months - 1, -1, -1):
        month_start = add_months(first, -back)
        end = min(add_months(month_start, 1), today_end)
        points.append({"period_start": month_start.date(), **index_at(end, cfg)})
    return points


def by_department(at=None, cfg=None):
    """Departments from the lowest index to the highest; those under ``min_department_size`` are
    not ranked but counted together. Returns {"ranked": [...], "small": {...} | None, "unassigned": {...} | None}."""
    from npshub.people.models import Department

    cfg = cfg or config()
    at = at or _end_of_today()
    among = employees(at)
    aware = aware_ids(at, cfg, among)
    totals, hits = Counter(among.values()), Counter(among[pk] for pk in aware)
    names = dict(Department.objects.filter(pk__in=[d for d in totals if d]).values_list("pk", "name"))
    ranked, small = [], {"departments": 0, "employees": 0, "aware": 0}
    for dept, total in totals.items():
        if dept is None:
            continue
        if total < cfg.min_department_size:
            small["departments"] += 1
            small["employees"] += total
            small["aware"] += hits[dept]
            continue
        ranked.append({"department": dept, "name": names.get(dept, ""), "employees": total,
                       "aware": hits[dept], "index": _index(hits[dept], total)})
    ranked.sort(key=lambda row: (row["index"], row["name"]))
    small["index"] = _index(small["aware"], small["employees"])
    unassigned = None
    if totals.get(None):
        unassigned = {"employees": totals[None], "aware": hits[None], "index": _index(hits[None], totals[None])}
    return {"ranked": ranked, "small": small if small["departments"] else None, "unassigned": unassigned}


def never_reached(at=None, cfg=None):
    """Counts (never names) of employees with no signal ever, per department as in by_department:
    {"total", "ranked": [{"department", "name", "count", "employees"}], "small": int}."""
    from npshub.digest.models import SendLog
    from npshub.pages.models import LessonProgress
    from npshub.people.models import Department
    from npshub.reach.models import ActiveDay

    cfg = cfg or config()
    at = at or _end_of_today()
    among = employees(at)
    reached = set(LessonProgress.objects.filter(user_id__in=among).values_list("user_id", flat=True))
    reached |= set(SendLog.objects.filter(recipient_id__in=among, opened_at__isnull=False).values_list("recipient_id", flat=True))
    reached |= set(ActiveDay.objects.filter(user_id__in=among).values_list("user_id", flat=True).distinct())
    totals = Counter(among.values())
    missing = defaultdict(int)
    for pk, dept in among.items():
        if pk not in reached:
            missing[dept] += 1
    names = dict(Department.objects.filter(pk__in=[d for d in totals if d]).values_list("pk", "name"))
    ranked, small = [], 0
    for dept, total in totals.items():
        if dept is not None and total >= cfg.min_department_size:
            ranked.append({"department": dept, "name": names.get(dept, ""), "count": missing[dept], "employees": total})
        else:
            small += missing[dept]
    ranked.sort(key=lambda row: (-row["count"], row["name"]))
    return {"total": sum(missing.values()), "ranked": ranked, "small": small}
