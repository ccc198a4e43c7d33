"""Customer e-mails speak the customer's language (the one they answered in), greet once, and end
with a customer's footer, never the employees' one."""

import re

from callbacks.models import Playbook, PlaybookAction
from callbacks.tasks import customer_language
from npshub import events
from npshub.feedback.models import Response
from tests.npshub.digest.conftest import html_part, text_part
from tests.plugins.callbacks import helpers as h
from tests.plugins.callbacks.test_consent_playbooks import smtp  # noqa: F401 (a real aiosmtpd process)

CYRILLIC = re.compile("[А-Яа-яЁё]")


def _thank_promoters():
    return Playbook.objects.create(
        name="Thanks", category="promoter", action="thank_you_email",
        subject="Thank you for recommending us", message="Thank you for your kind words, {name}.",
        subject_ru="Спасибо, что рекомендуете нас", message_ru="Спасибо за тёплые слова, {name}.")


def _send(capture, *responses):
    ids = [r.pk for r in responses]
    with capture(execute=True):
        events.publish(events.responses_received, sender=Response, response_ids=ids, created_ids=ids, event_id="pl")


def test_each_customer_in_their_language(smtp, django_capture_on_commit_callbacks):  # noqa: F811
    _thank_promoters()
    russian = h.customer(score=10, email="olga@example.net", name="Ольга Петрова", language="ru-RU")
    english = h.customer(score=9, email="anna@example.net", name="Anna Orlova", language="en")
    _send(django_capture_on_commit_callbacks, russian, english)
    assert set(PlaybookAction.objects.values_list("result", flat=True)) == {"sent"}
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp.messages()}

    ru = by_to["olga@example.net"]
    assert ru["Subject"] == "Спасибо, что рекомендуете нас"
    ru_text = text_part(ru)
    assert ru_text.count("Здравствуйте, Ольга!") == 1  # one greeting, the layout's
    assert "Спасибо за тёплые слова, Ольга." in ru_text
    assert "Вы получили это письмо, потому что ответили на наш опрос" in ru_text
    assert '<html lang="ru"' in html_part(ru)
    # Nothing English in a Russian customer's e-mail but the brand; nothing meant for employees.
    assert not re.search(r"\b(Dear|Thank|employee|every score|survey)\b", ru_text)
    assert "NPS Hub — " not in html_part(ru)

    en = by_to["anna@example.net"]
    en_text = text_part(en)
    assert en["Subject"] == "Thank you for recommending us"
    assert en_text.count("Dear Anna,") == 1 and "Thank you for your kind words, Anna." in en_text
    assert "You receive this e-mail because you answered our customer survey" in en_text
    assert not CYRILLIC.search(en_text) and "every employee" not in en_text


def test_without_a_russian_text_the_english_one_goes():
    assert customer_language("ru-RU") == "ru" and customer_language("RU") == "ru"
    assert customer_language("de") == "en" and customer_language("") == "en" and customer_language(None) == "en"
    playbook = Playbook(subject="Hello", message="Thanks", subject_ru="", message_ru="")
    assert playbook.in_language("ru").subject == "Hello" and playbook.in_language("ru").message == "Thanks"
