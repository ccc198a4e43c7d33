"""A meeting-room screen's live stream: only what its filters allow, and only while its link is valid.

* An update reaches a screen only when it touches the screen's filters (segment, product,
  region, team, period), and then only as ``{"id", "type": "responses"}``: no counts, no
  dimension values, nothing about answers the screen may not show. The screen re-fetches its own
  slides, which are computed with its filters.
* Revoking the screen (unticking *active*), changing its token, deleting it or its expiry ends
  the open streams within ``NPS_WIDGETS_SCREEN_CHECK`` seconds (2): each stream re-checks its
  link that often, with one short query, then sends ``{"type": "revoked"}`` and closes. The
  screen's page then finds its link gone (404) and stops showing figures.
"""

import asyncio
import time

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from nps_widgets import live

FILTERED = ("segment", "product", "region", "team")


def check_interval():
    return float(getattr(settings, "NPS_WIDGETS_SCREEN_CHECK", 2))


def screen_filters(screen):
    """The screen's filters as {dimension: set of values}, plus ``from`` (an ISO date) when it has a period."""
    params = screen.filter_params()
    filters = {name: {v.strip() for v in params[name].split(",") if v.strip()} for name in FILTERED if params.get(name)}
    if params.get("from"):
        filters["from"] = params["from"]
    return filters


def allowed(message, filters):
    """``message`` as the screen may see it, or None when it concerns nothing the screen shows."""
    if message.get("type") != "responses":
        return None
    if "from" in filters and message.get("to") and message["to"] < filters["from"]:
        return None
    changed = message.get("changed") or {}
    for name, wanted in filters.items():
        if name == "from":
            continue
        values = changed.get(name, [])
        if values != "*" and not wanted.intersection(values):
            return None
    return {"id": message.get("id"), "type": "responses"}


def _still_valid(pk, token):
    from django.db import connection
    from django.db.models import Q

    from nps_widgets.models import Screen

    try:
        return Screen.objects.filter(pk=pk, token=token, active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())).exists()
    finally:
        connection.close()  # a stream lives for hours: hold no connection between checks


still_valid = sync_to_async(_still_valid, thread_sensitive=False)


async def stream(screen, queue, replay=()):
    """The SSE body of ``/screens/<token>/live/``."""
    pk, token, filters = screen.pk, screen.token, screen_filters(screen)
    try:
        yield "retry: 2000\n: connected\n\n"
        for message in replay:
            if (shown := allowed(message, filters)) is not None:
                yield live.format_event(shown)
        check, heartbeat = check_interval(), live.heartbeat_interval()
        checked = beat = time.monotonic()
        while True:
            try:
                async with asyncio.timeout(check):
                    message, _encoded = await queue.get()
            except TimeoutError:
                message = None
            now = time.monotonic()
            if now - checked >= check:
                if not await still_valid(pk, token):
                    yield live.format_event({"type": "revoked"})
                    return
                checked = now
            if message is not None and (shown := allowed(message, filters)) is not None:
                yield live.format_event(shown)
                beat = now
            elif now - beat >= heartbeat:
                yield ": keep-alive\n\n"
                beat = now
    finally:
        live.hub.unsubscribe(queue)
