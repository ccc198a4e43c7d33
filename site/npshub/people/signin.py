"""Sign-in lockout (django-axes): what a locked-out person sees, the client address, and the
lockouts CX admins list and lift (Admin → Sign-in lockouts).

Axes counts failed sign-ins on both sign-in pages (the site's and the Wagtail admin's) per
username and per address; AXES_FAILURE_LIMIT failures within AXES_COOLOFF_MINUTES lock that
username or address out (settings.py, README "Sign-in lockout")."""

import logging

from axes.utils import reset
from django.conf import settings
from django.db.models import Count, Max, Sum
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger("npshub.signin")

USERNAME, ADDRESS = "username", "address"


def client_address(request):
    """The address failures are counted against: the peer the server saw. Behind a proxy on
    another host, uvicorn puts the client's address there (FORWARDED_ALLOW_IPS); a header the
    client sends itself is never trusted."""
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes():
    cool_off = settings.AXES_COOLOFF_TIME
    return int(cool_off.total_seconds() // 60) if cool_off else None


def lockout_response(request, *args):
    """axes' AXES_LOCKOUT_CALLABLE: 429 with a page that says what happened and what to do (JSON
    for scripts). Called as (request, original_response, credentials) or (request, credentials)."""
    minutes = cool_off_minutes()
    if minutes:
        message = _(
            "Too many failed sign-in attempts. For your security, signing in is blocked for %(minutes)s "
            "minutes. Try again later, or ask a CX admin to unlock your account."
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed sign-in attempts. For your security, signing in is blocked until a CX admin "
            "unlocks your account."
        )
    accepts_html = "text/html" in request.headers.get("Accept", "") or not request.headers.get("Accept")
    if request.headers.get("X-Requested-With") == "XMLHttpRequest" or not accepts_html:
        response = JsonResponse({"detail": message}, status=429)
    else:
        # Rendered now: the middleware hands it out after the view's response was rendered.
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


def _recent_attempts():
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.all()
    if settings.AXES_COOLOFF_TIME:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    return attempts


def lockouts():
    """Usernames and addresses with failed sign-ins that still count, locked ones first:
    ``[{kind, value, failures, locked, last_attempt, others}]`` (``others``: how many addresses a
    username failed from, or how many usernames failed from an address)."""
    limit = settings.AXES_FAILURE_LIMIT
    rows = []
    attempts = _recent_attempts().order_by()
    for kind, field, other, counted in (
        (USERNAME, "username", "ip_address", attempts.filter(username__gt="")),
        (ADDRESS, "ip_address", "username", attempts.filter(ip_address__isnull=False)),
    ):
        grouped = counted.values(field).annotate(
            failures=Sum("failures_since_start"), last=Max("attempt_time"), others=Count(other, distinct=True))
        for row in grouped:
            rows.append({"kind": kind, "value": row[field], "failures": row["failures"],
                         "locked": row["failures"] >= limit, "last_attempt": row["last"], "others": row["others"]})
    rows.sort(key=lambda row: (not row["locked"], -row["last_attempt"].timestamp()))
    return rows


def unlock(kind, value, by):
    """Lift a lockout: forget every counted failure of the username or from the address.
    Returns how many attempt records went."""
    if kind == USERNAME:
        count = reset(username=value)
    elif kind == ADDRESS:
        count = reset(ip=value)
    else:
        raise ValueError(f"Unknown lockout kind {kind!r}.")
    logger.warning("Sign-in lockout lifted by %s: %s %s (%s records)", by.get_username(), kind, value, count)
    return count
