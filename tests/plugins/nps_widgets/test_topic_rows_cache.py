"""The page blocks' topic chart comes from a one-minute cache that new answers and re-tagging refresh."""

import pytest
from django.core.cache import cache
from django.utils import translation

from npshub.feedback import ingest
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import Response, Source, Topic
from nps_widgets import data

pytestmark = pytest.mark.django_db


def mentions(rows):
    return {row["topic"]: (row["mentions"], row["detractor_mentions"]) for row in rows}


def test_new_answers_show_at_once_and_edits_within_the_minute():
    Topic.objects.create(name="Delivery", slug="delivery", name_ru="Доставка", keywords_en="delivery")
    source = Source.objects.create(name="S", slug="s")
    ingest.ingest(source, [{"external_id": "1", "submitted_at": "2026-02-01", "score": 2, "comment": "late delivery"}])
    assert mentions(data.topic_rows(StatsFilter())) == {"delivery": (1, 1)}
    ingest.ingest(source, [{"external_id": "2", "submitted_at": "2026-02-02", "score": 10, "comment": "fast delivery"}])
    assert mentions(data.topic_rows(StatsFilter())) == {"delivery": (2, 1)}  # a new answer: a new key
    with translation.override("ru"):
        assert data.topic_rows(StatsFilter())[0]["name"] == "Доставка"  # each language its own entry
    Response.objects.filter(external_id="1").update(score=9)  # no new id: the cached chart stands
    assert mentions(data.topic_rows(StatsFilter())) == {"delivery": (2, 1)}
    cache.clear()  # ... until the minute is over
    assert mentions(data.topic_rows(StatsFilter())) == {"delivery": (2, 0)}
    assert mentions(data.topic_rows(StatsFilter.from_params({"from": "2026-02-02"}))) == {"delivery": (1, 0)}
