import datetime

import pytest
from django.utils import timezone

from npshub.digest.highlights import best_quotes
from npshub.feedback.models import Response, Source

pytestmark = pytest.mark.django_db


def test_best_quotes_are_promoters_masked_and_each_text_once():
    source = Source.objects.create(slug="quotes", name="Quotes")
    now = timezone.now()
    comments = [
        (10, "Great coffee machine, makes the best espresso at home!"),
        (9, "great coffee machine,  makes the best espresso at home!"),  # the same words again
        (10, "Fast delivery, call me on +7 916 123-45-67 to say thanks."),
        (3, "Terrible delivery, the box arrived broken and late."),
        (10, "Too short."),
    ]
    Response.objects.bulk_create([
        Response(source=source, external_id=str(n), submitted_at=now - datetime.timedelta(minutes=n), score=score, comment=text)
        for n, (score, text) in enumerate(comments)
    ])
    today = timezone.localdate()
    quotes = best_quotes(today - datetime.timedelta(days=7), today + datetime.timedelta(days=2))
    texts = [quote["text"] for quote in quotes]
    assert texts == ["Great coffee machine, makes the best espresso at home!",
                     "Fast delivery, call me on [phone] to say thanks."]
