"""Each Teams channel gets its cards in its own language (posted to a real local webhook)."""

import datetime
import re

import pytest
from django.utils import timezone

from npshub.digest import tasks
from npshub.digest.models import TeamsChannel
from tests import factories as f
from tests.npshub.digest.test_teams_weekly import Webhook

pytestmark = pytest.mark.django_db
CYRILLIC = re.compile("[А-Яа-яЁё]")


def test_weekly_cards_in_each_channels_language():
    today = timezone.localdate()
    week = today - datetime.timedelta(days=today.weekday() + 7)  # the last full week, as the task posts
    f.responses(f.source(), week + datetime.timedelta(days=2), promoters=2, detractors=1)  # NPS 33.3
    english, russian = Webhook(), Webhook()
    try:
        TeamsChannel.objects.create(name="CX", webhook_url=english.url)
        TeamsChannel.objects.create(name="Продажи", webhook_url=russian.url, language="ru")
        tasks.post_weekly_to_teams()
        [en], [ru] = english.cards, russian.cards
    finally:
        english.close()
        russian.close()
    en_card, ru_card = en["attachments"][0]["content"], ru["attachments"][0]["content"]
    en_facts = {fact["title"]: fact["value"] for b in en_card["body"] if b["type"] == "FactSet" for fact in b["facts"]}
    ru_facts = {fact["title"]: fact["value"] for b in ru_card["body"] if b["type"] == "FactSet" for fact in b["facts"]}
    assert set(en_facts) == {"NPS", "Change", "Responses"} and set(ru_facts) == {"NPS", "Изменение", "Ответы"}
    assert en_card["body"][0]["text"].startswith("NPS, week of ") and ru_card["body"][0]["text"].startswith("NPS, неделя с ")
    assert [a["title"] for a in ru_card["actions"]] == ["Открыть график", "Открыть NPS Hub"]
    assert not CYRILLIC.search(str(en_card))
    # Figures in each locale: a decimal point in English, a comma in Russian.
    assert (en_facts["NPS"], ru_facts["NPS"], en_facts["Responses"], ru_facts["Ответы"]) == ("33.3", "33,3", "3", "3")
