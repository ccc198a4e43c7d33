"""The Russian and the English digest, as sent (MIME from a real SMTP server), each entirely in its
own language: subject, greeting, every block, button and footer. Only customers' words (marked
with their ``lang``), people's names and the brand may be in the other script."""

import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model

from npshub.feedback.models import Response

from tests.npshub.digest.conftest import html_part
from tests.npshub.digest.test_send import make_issue, send, team_responses

pytestmark = pytest.mark.django_db

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]{2,}")
CYRILLIC = re.compile("[А-Яа-яЁё]")
BRAND = {"NPS", "Hub"}


def readable_text(html, language):
    """What a reader sees, less customers' words in another language (elements with their lang)."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["style", "script", "head"]):
        tag.decompose()
    for tag in soup.select("[lang]"):
        if tag.name != "html" and tag["lang"] != language:
            tag.decompose()
    return " ".join(soup.get_text(" ").split())


def people_names():
    names = set()
    for first, last, username in get_user_model().objects.values_list("first_name", "last_name", "username"):
        names.update(first.split() + last.split() + [username])
    return names


def test_russian_and_english_digests_each_in_one_language(demo, smtp_server):
    User = get_user_model()
    russian_reader = User.objects.filter(profile__language="ru", profile__team__isnull=False).exclude(email="").first()
    english_reader = User.objects.filter(profile__language="en", profile__team__isnull=False).exclude(email="").first()
    assert russian_reader and english_reader
    # Both readers' teams have answers this month, whatever the day of the month the test runs on.
    for slug in {russian_reader.profile.team.slug, english_reader.profile.team.slug}:
        team_responses(slug, [10, 9, 10, 2], [10, 3], comment="Great help from the store, thank you")
    Response.objects.filter(comment="Great help from the store, thank you").update(language="en")  # a customer's
    issue = make_issue()
    from npshub.pages.translating import translate

    translate(issue, "ru", {"November digest": "Ноябрьский дайджест",
                            "Dear colleagues, a big month.": "Дорогие коллеги, насыщенный месяц."})
    send(issue)
    by_to = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    ru, en = by_to[russian_reader.email], by_to[english_reader.email]
    assert ru["Subject"] == "Ноябрьский дайджест" and en["Subject"] == "November digest"
    ru_text, en_text = readable_text(html_part(ru), "ru"), readable_text(html_part(en), "en")
    # The blocks are all there, in the reader's language.
    for expected in ("Ежемесячный дайджест", f"Здравствуйте, {russian_reader.first_name}", "Для вас", "Ваша команда",
                     "Наш NPS в этом месяце", "Читать дайджест в NPS Hub", "Отписаться"):
        assert expected in ru_text, (expected, ru_text)
    for expected in ("Monthly digest", f"Hi {english_reader.first_name}", "For you", "Your team",
                     "Our NPS this month", "Read the digest on NPS Hub", "Unsubscribe"):
        assert expected in en_text, (expected, en_text)
    # No English in the Russian one, no Russian in the English one.
    allowed = BRAND | people_names()
    english_words = sorted({w for w in LATIN_WORD.findall(ru_text) if w not in allowed})
    assert english_words == [], ru_text
    assert not CYRILLIC.search(en_text), en_text
    # Figures in each locale: a decimal comma in Russian, a point in English.
    assert re.search(r"NPS [−+-]?\d+,\d", ru_text) or re.search(r"\d+,\d", ru_text), ru_text
    assert not re.search(r"\d+\.\d", ru_text) and not re.search(r"\d+,\d\b", en_text)
