"""Responses for the widget tests, stored through the real ingestion service (rollups, topics, the
responses_received event after commit)."""

import itertools
from datetime import timedelta

from django.utils import timezone

_ids = itertools.count(1)


def source(slug="survey"):
    from npshub.feedback.ingest import source_for_import

    return source_for_import(slug)


def add_responses(scores, days_ago=1, source_slug="survey", **fields):
    """Store one response per score through ``npshub.feedback.ingest.ingest``; returns its report."""
    from npshub.feedback.ingest import ingest

    when = timezone.now() - timedelta(days=days_ago)
    records = []
    for score in scores:
        record = {
            "external_id": f"t-{next(_ids)}-{timezone.now().timestamp()}",
            "submitted_at": when.isoformat(),
            "score": score,
        }
        record.update(fields)
        records.append(record)
    return ingest(source(source_slug), records)


DEMO_VIDEO = __import__("pathlib").Path(__file__).resolve().parents[3] / "plugins" / "nps_widgets" / "demo_media" / "welcome.webm"


def video(title="Welcome loop", name="welcome.webm", content=None, media_type="video"):
    """A wagtailmedia item holding the demo WebM (or ``content`` bytes under ``name``)."""
    from django.core.files.base import ContentFile
    from wagtailmedia.models import Media

    media = Media(title=title, type=media_type, duration=4)
    media.file.save(name, ContentFile(content if content is not None else DEMO_VIDEO.read_bytes()), save=False)
    media.save()
    return media
