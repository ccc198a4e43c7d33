"""Usage analytics for the monthly growth plans, from aggregated records only: visits per day x
department x section (UsageDay), active days (WAU/MAU), digest send logs, lesson progress, and the
plugins' department activity (``npshub.sections``: e.g. callbacks completed; a disabled plugin's column goes)."""

import datetime
from collections import defaultdict

from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from npshub import sections
from npshub.reach import awareness


def period(days=90, end=None):
    """(first day, last day) of the ``days`` up to ``end`` (today), site time."""
    end = end or timezone.localdate()
    return end - datetime.timedelta(days=days - 1), end


def active_employees(first, last):
    from npshub.reach.models import ActiveDay

    return ActiveDay.objects.filter(day__gte=first, day__lte=last).values("user_id").distinct().count()


def active_counts(end=None):
    """WAU and MAU (distinct employees with a visit in the 7 / 30 days up to ``end``) and their
    shares of the active employees."""
    end = end or timezone.localdate()
    staff = len(awareness.employees(timezone.now()))
    wau = active_employees(end - datetime.timedelta(days=6), end)
    mau = active_employees(end - datetime.timedelta(days=29), end)
    share = lambda n: round(100 * n / staff, 1) if staff else None  # noqa: E731
    return {"employees": staff, "wau": wau, "mau": mau, "wau_share": share(wau), "mau_share": share(mau)}


def weekly_active(weeks=12, end=None):
    """Distinct active employees per ISO week (Monday), the last ``weeks`` weeks."""
    from npshub.reach.models import ActiveDay

    end = end or timezone.localdate()
    monday = end - datetime.timedelta(days=end.weekday())
    points = []
    for back in range(weeks - 1, -1, -1):
        start = monday - datetime.timedelta(weeks=back)
        count = ActiveDay.objects.filter(day__gte=start, day__lt=start + datetime.timedelta(days=7)) \
            .values("user_id").distinct().count()
        points.append({"week_start": start, "active": count})
    return points


def visits_by_section(first, last):
    from npshub.reach.models import UsageDay

    rows = (UsageDay.objects.filter(day__gte=first, day__lte=last).values("section")
            .annotate(visits=Sum("visits")).order_by("-visits", "section"))
    return [{"section": row["section"], "visits": row["visits"]} for row in rows]


def visits_by_day(first, last):
    from npshub.reach.models import UsageDay

    totals = dict(UsageDay.objects.filter(day__gte=first, day__lte=last).values("day")
                  .annotate(visits=Sum("visits")).values_list("day", "visits"))
    days = (last - first).days + 1
    return [{"day": first + datetime.timedelta(days=n), "visits": totals.get(first + datetime.timedelta(days=n), 0)}
            for n in range(days)]


def digest_rates(limit=6):
    """The last ``limit`` digest mailings: delivered, opened and clicked (shares of delivered)."""
    from npshub.digest.models import Mailing, SendLog

    mailings = Mailing.objects.filter(kind=Mailing.DIGEST).order_by("-created_at")[:limit]
    rows = []
    for mailing in mailings:
        counts = mailing.logs.filter(status=SendLog.SENT).aggregate(
            sent=Count("pk"), opened=Count("pk", filter=Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=Q(clicked_at__isnull=False)), first_sent=Min("sent_at"))
        sent, first_sent = counts["sent"], counts.pop("first_sent")
        rows.append({
            "subject": mailing.subject, "date": timezone.localdate(first_sent or mailing.created_at), **counts,
            "open_rate": round(100 * counts["opened"] / sent, 1) if sent else None,
            "click_rate": round(100 * counts["clicked"] / sent, 1) if sent else None,
        })
    return rows


def lessons(first, last):
    """Lesson completions in the period and the share of employees who completed one ever."""
    from npshub.pages.models import LessonProgress

    staff = awareness.employees(timezone.now())
    start, end = _bounds(first, last)
    done = LessonProgress.objects.filter(user_id__in=staff, completed_at__isnull=False)
    completed = done.filter(completed_at__gte=start, completed_at__lt=end).count()
    passed = LessonProgress.objects.filter(user_id__in=staff, passed_at__gte=start, passed_at__lt=end).count()
    ever = done.values("user_id").distinct().count()
    return {"completed": completed, "quizzes_passed": passed, "employees_with_a_lesson": ever,
            "share": round(100 * ever / len(staff), 1) if staff else None}


def _bounds(first, last):
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=tz)
    return start, datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)


def departments(first, last):
    """Per department: employees, active in the period, visits, and ``activity``: one figure per
    plugin column of ``activity_labels(first, last)``, in the same order."""
    from npshub.people.models import Department
    from npshub.reach.models import ActiveDay, UsageDay

    staff = awareness.employees(timezone.now())
    sizes = defaultdict(int)
    for dept in staff.values():
        sizes[dept] += 1
    active = dict(ActiveDay.objects.filter(day__gte=first, day__lte=last).values("department")
                  .annotate(n=Count("user_id", distinct=True)).values_list("department", "n"))
    visits = dict(UsageDay.objects.filter(day__gte=first, day__lte=last).values("department")
                  .annotate(n=Sum("visits")).values_list("department", "n"))
    start, end = _bounds(first, last)
    activity = [counts for _label, counts in sections.department_activity(start, end)]
    ids = {d for d in (*sizes, *active, *visits) if d}
    names = dict(Department.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for dept in sorted(ids, key=lambda d: names.get(d, "")):
        rows.append({"department": names.get(dept, ""), "employees": sizes.get(dept, 0), "active": active.get(dept, 0),
                     "visits": visits.get(dept, 0), "activity": [counts.get(dept, 0) for counts in activity]})
    return rows


def activity_labels():
    """Headings of the plugins' department-activity columns (npshub.sections), in column order."""
    return [section.activity_label for section in sections.sections() if section.activity]


def export_rows(first, last):
    """Rows of the CSV export: day, department, section, visits (one per UsageDay row, merged)."""
    from npshub.reach.models import UsageDay

    rows = (UsageDay.objects.filter(day__gte=first, day__lte=last)
            .values("day", "department__name", "section").annotate(visits=Sum("visits"))
            .order_by("day", "department__name", "section"))
    return [[row["day"].isoformat(), row["department__name"] or "", row["section"], row["visits"]] for row in rows]
