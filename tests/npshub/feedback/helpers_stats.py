"""Shared helpers for the statistics tests: many responses fast, through the bulk ingestion path."""

import datetime

from django.utils import timezone

from npshub.feedback import rollups
from npshub.feedback.models import Response, Source

NOON = datetime.time(12, 0)


def add_responses(source, day, promoters=0, passives=0, detractors=0, skipped=0, prefix="r", **fields):
    """Store that many responses on ``day`` (site time) and maintain the rollups as ingestion does."""
    if isinstance(source, str):
        source = Source.objects.get_or_create(slug=source, defaults={"name": source})[0]
    when = datetime.datetime.combine(day, NOON, tzinfo=timezone.get_current_timezone())
    scores = [10] * promoters + [8] * passives + [3] * detractors + [None] * skipped
    start = Response.objects.count()
    objects = [
        Response(source=source, external_id=f"{prefix}-{start + n}", score=score, submitted_at=when, **fields)
        for n, score in enumerate(scores)
    ]
    Response.objects.bulk_create(objects)
    rollups.apply(added=objects)
    return objects
