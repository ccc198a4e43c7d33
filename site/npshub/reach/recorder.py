"""Visits recorded off the request path.

The middleware only adds to an in-memory buffer of this process (a counter per day x department x
section and a set of (day, employee)); a background thread writes the buffer every
``REACH_FLUSH_SECONDS`` (10) in a handful of queries, and once more when the process exits. Nothing
about which pages a person read is kept: per person only "used the hub on that day" (ActiveDay).
``REACH_FLUSH_SECONDS=0``: no thread, ``flush()`` is called by whoever needs it (tests).
"""

import atexit
import logging
import re
import threading
from collections import Counter

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

log = logging.getLogger(__name__)

# Requests that are not someone reading the hub.
SKIPPED = ("admin", "api", "static", "media", "t", "documents", "i18n", "accounts", "healthz",
           "scim", "screens", "embed", "favicon.ico", "robots.txt")
_SECTION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

_lock = threading.Lock()
_visits = Counter()
_active = {}
_thread = None


def section_of(path):
    """The section a path belongs to: its first part ("learn", "stats"...), "home" for "/", or
    None for what is not a page of the hub."""
    first = path.strip("/").split("/", 1)[0].lower()
    if not first:
        return "home"
    if first in SKIPPED or not _SECTION.match(first):
        return None
    return first


def _department_id(user):
    profile = getattr(user, "profile", None)
    if profile is None:
        return None
    return profile.department_id or (profile.team.department_id if profile.team_id else None)


def record(user, path, day=None):
    """Count one visit of ``user`` to ``path`` (no I/O: into this process's buffer)."""
    section = section_of(path)
    if section is None:
        return
    try:
        department = _department_id(user)
    except Exception:  # a profile without its row: the visit still counts
        department = None
    day = day or timezone.localdate()
    with _lock:
        _visits[(day, department, section)] += 1
        _active.setdefault((day, user.pk), department)
    _ensure_thread()


def pending():
    with _lock:
        return sum(_visits.values())


def reset():
    with _lock:
        _visits.clear()
        _active.clear()


def flush():
    """Write the buffer: one UPDATE (or INSERT) per day x department x section, one bulk INSERT of
    the active days. Returns the number of visits written."""
    from npshub.reach.models import ActiveDay, UsageDay

    with _lock:
        visits, active = dict(_visits), dict(_active)
        _visits.clear()
        _active.clear()
    if not visits and not active:
        return 0
    try:
        for (day, department, section), count in visits.items():
            key = {"day": day, "department_id": department, "section": section}
            if not UsageDay.objects.filter(**key).update(visits=F("visits") + count):
                try:
                    with transaction.atomic():
                        UsageDay.objects.create(**key, visits=count)
                except IntegrityError:  # another process created it meanwhile
                    UsageDay.objects.filter(**key).update(visits=F("visits") + count)
        ActiveDay.objects.bulk_create(
            [ActiveDay(day=day, user_id=user, department_id=dept) for (day, user), dept in active.items()],
            ignore_conflicts=True,
        )
    except Exception:
        log.exception("reach: could not write %s buffered visits; kept for the next flush", sum(visits.values()))
        with _lock:
            _visits.update(visits)
            for key, dept in active.items():
                _active.setdefault(key, dept)
        return 0
    return sum(visits.values())


def _loop(interval):
    import time

    while True:
        time.sleep(interval)
        try:
            flush()
        finally:
            close_old_connections()


def _ensure_thread():
    global _thread
    interval = getattr(settings, "REACH_FLUSH_SECONDS", 10)
    if not interval or (_thread is not None and _thread.is_alive()):
        return
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_loop, args=(interval,), name="reach-flush", daemon=True)
            _thread.start()
            atexit.register(flush)


class VisitMiddleware:
    """Counts successful page views of signed-in employees (HTML GETs), after the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            settings.REACH_RECORD_VISITS and request.method == "GET" and response.status_code == 200
            and user is not None and user.is_authenticated
            and response.get("Content-Type", "").startswith("text/html")
        ):
            record(user, request.path_info)
        return response
