"""Turn stored responses into a live update for every open page, in every process."""

import logging

from django.conf import settings
from django.dispatch import receiver

from npshub.events import responses_received

logger = logging.getLogger("nps_widgets")

CHUNK = 500
MAX_VALUES = 50  # more distinct values than this in one batch: say "*" (all changed)


def describe_change(response_ids):
    """What a batch changed: the dimension values and source slugs it touched, and its dates."""
    from django.utils import timezone

    from npshub.feedback.models import DIMENSIONS, Response

    fields = (*DIMENSIONS, "source")
    changed = {name: set() for name in fields}
    first = last = None
    ids = list(response_ids)
    for offset in range(0, len(ids), CHUNK):
        rows = Response.objects.filter(pk__in=ids[offset:offset + CHUNK]).values_list(
            *DIMENSIONS, "source__slug", "submitted_at",
        )
        for row in rows:
            for name, value in zip(fields, row[:-1]):
                if value and len(changed[name]) <= MAX_VALUES:
                    changed[name].add(value)
            day = timezone.localtime(row[-1]).date()
            first = day if first is None or day < first else first
            last = day if last is None or day > last else last
    return {
        "type": "responses",
        "count": len(ids),
        "changed": {name: "*" if len(values) > MAX_VALUES else sorted(values) for name, values in changed.items()},
        "from": first.isoformat() if first else None,
        "to": last.isoformat() if last else None,
    }


@receiver(responses_received, dispatch_uid="nps_widgets.push_live_update")
def push_live_update(sender, response_ids=(), event_id=None, **kwargs):
    if not getattr(settings, "NPS_WIDGETS_LIVE", True) or not response_ids:
        return
    from nps_widgets import live

    message = describe_change(response_ids)
    message["event"] = event_id
    live.publish(message)
