"""Visits recorded off the request path.

The middleware only adds to an in-memory counter of this process (no query on the request); a
background thread writes it every ``REACH_FLUSH_SECONDS`` (10) in a handful of queries, and once more
when the process exits. What is written is aggregated per day x department x section (UsageDay);
per person only "used the hub on that day" (ActiveDay), never which pages they read.
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
_visits = Counter()  # (day, user id, section) -> views, only until the next flush
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


def record(user, path, day=None):
    """Count one visit of ``user`` to ``path``: no I/O, into this process's buffer. The person's
    department is looked up when the buffer is written, and only the department is kept."""
    section = section_of(path)
    if section is None:
        return
    day = day or timezone.localdate()
    with _lock:
        _visits[(day, user.pk, section)] += 1
    _ensure_thread()


def _departments(user_ids):
    """{user id: department id or None} of the users that still exist: the profile's department,
    else the team's (one query)."""
    from django.contrib.auth import get_user_model

    rows = get_user_model().objects.filter(pk__in=user_ids).values_list(
        "pk", "profile__department_id", "profile__team__department_id")
    return {user: dept or team_dept for user, dept, team_dept in rows}


def pending():
    with _lock:
        return sum(_visits.values())


def reset():
    with _lock:
        _visits.clear()


def flush():
    """Write the buffer: one UPDATE (or INSERT) per day x department x section, one bulk INSERT of
    the active days. Returns the number of visits written."""
    from npshub.reach.models import ActiveDay, UsageDay

    with _lock:
        buffered = dict(_visits)
        _visits.clear()
    if not buffered:
        return 0
    try:
        departments = _departments({user for _day, user, _section in buffered})
        visits, active = Counter(), {}
        for (day, user, section), count in buffered.items():
            if user not in departments:  # deleted meanwhile
                continue
            visits[(day, departments[user], section)] += count
            active[(day, user)] = departments[user]
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
        log.exception("reach: could not write %s buffered visits; kept for the next flush", sum(buffered.values()))
        with _lock:
            _visits.update(buffered)
        return 0
    return sum(buffered.values())


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
