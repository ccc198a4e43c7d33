"""The CX dashboard of reach: the awareness index and usage analytics, and the usage CSV export.
CX admins only (everyone else: 403)."""

import csv
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from npshub.people import roles
from npshub.spreadsheet import safe_cell
from npshub.reach import awareness, usage


def _cx_admin(request):
    if not roles.has_role(request.user, roles.CX_ADMIN):
        raise PermissionDenied(_("The reach dashboard is for CX admins."))


def _days(request):
    """The period asked for (``?days=``, 7..366, default 90), or None when it is not one."""
    value = request.GET.get("days", "90")
    if not value.isdigit() or not 7 <= int(value) <= 366:
        return None
    return int(value)


def _bad_days():
    return HttpResponseBadRequest(_("'days' must be a whole number from 7 to 366."))


def bars(points, value_key, label_key, height=120, width=640):
    """Bar geometry for an inline SVG: [{x, y, w, h, value, label}], scaled to the largest value."""
    if not points:
        return []
    top = max((point[value_key] or 0) for point in points) or 1
    step = width / len(points)
    result = []
    for n, point in enumerate(points):
        value = point[value_key] or 0
        h = round(height * value / top, 1)
        result.append({"x": round(n * step + step * 0.1, 1), "w": round(step * 0.8, 1), "y": round(height - h, 1),
                       "h": h, "value": point[value_key], "label": point[label_key]})
    return result


@require_GET
def dashboard(request):
    _cx_admin(request)
    if (days := _days(request)) is None:
        return _bad_days()
    cfg = awareness.config()
    first, last = usage.period(days)
    trend = awareness.monthly(12, cfg)
    by_day = usage.visits_by_day(first, last)
    weekly = usage.weekly_active(12)
    context = {
        "days": days, "first": first, "last": last, "cfg": cfg,
        "now": awareness.summary(cfg=cfg),
        "trend": trend, "trend_bars": bars(trend, "index", "period_start", height=100),
        "departments": awareness.by_department(cfg=cfg),
        "never": awareness.never_reached(cfg=cfg),
        "active": usage.active_counts(),
        "weekly_bars": bars(weekly, "active", "week_start", height=100),
        "day_bars": bars(by_day, "visits", "day", height=100),
        "sections": usage.visits_by_section(first, last),
        "digests": usage.digest_rates(),
        "lessons": usage.lessons(first, last),
        "usage_departments": usage.departments(first, last),
        "activity_labels": usage.activity_labels(),
    }
    return TemplateResponse(request, "reach/dashboard.html", context)


@require_GET
def usage_csv(request):
    _cx_admin(request)
    if (days := _days(request)) is None:
        return _bad_days()
    first, last = usage.period(days)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["day", "department", "section", "visits"])
    for row in usage.export_rows(first, last):
        writer.writerow([safe_cell(cell) for cell in row])  # never a formula
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="nps-hub-usage-{first}-{last}.csv"'
    return response


def home_card(request):
    """The awareness index and its change for the home page, for CX admins only (else None)."""
    if not roles.has_role(request.user, roles.CX_ADMIN):
        return None
    from django.core.cache import cache

    return cache.get_or_set("reach:awareness:home", awareness.summary, 60)

