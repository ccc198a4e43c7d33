"""Numbers that agree: a zero change is neutral, scores carry their margin, counts their thousands
separator, times say "ago", the quiz keeps the choices, a quote shows once, the demo's links use
PORT, its lessons, points and badges tell one story, and its comments are varied and on topic."""

import collections
import datetime
import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from npshub import formats
from tests import factories as f
from tests.npshub.test_settings import settings_of


@pytest.mark.parametrize("change, way", [(None, ""), (0, ""), (0.04, ""), (-0.04, ""), (0.05, "up"), (2.3, "up"),
                                         (-0.2, "down")])
def test_a_change_that_reads_zero_has_no_direction(change, way):
    assert formats.direction(change) == way
    html = Template("{% load hub_format %}[{{ c|trend }}]").render(Context({"c": change}))
    assert html == f"[{way}]"


def test_the_demo_links_follow_port():
    values = settings_of({"PORT": "8106", "NPSHUB_BASE_URL": None}, "NPSHUB_BASE_URL", "WAGTAILADMIN_BASE_URL")
    assert values == {"NPSHUB_BASE_URL": "http://127.0.0.1:8106", "WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8106"}
    values = settings_of({"PORT": "8106", "NPSHUB_BASE_URL": "https://nps.example.com"}, "NPSHUB_BASE_URL")
    assert values == {"NPSHUB_BASE_URL": "https://nps.example.com"}  # an explicit address wins


def test_demo_comments_are_varied_deterministic_and_about_their_product():
    from content.comments import PRODUCT
    from content.responses import generate_records

    end = datetime.date(2026, 12, 1)
    records = list(generate_records(3000, end=end))
    assert records == list(generate_records(3000, end=end))  # the same demo every time
    texts = [r["comment"] for r in records if r["comment"]]
    assert len(texts) > 1000 and len(set(texts)) > 400  # not 15 sentences repeated
    assert collections.Counter(texts).most_common(1)[0][1] < len(texts) / 50
    for record in records:
        for product, languages in PRODUCT.items():
            if product == record["product"]:
                continue
            own = {s for sentences in languages.values() for group in sentences.values() for s in group}
            assert not any(sentence in record["comment"] for sentence in own), (record["product"], record["comment"])


def test_demo_news_names_regions_that_exist():
    from content.company import REGIONS, STORES
    from content.news import NEWS

    text = " ".join(" ".join(str(part) for part in item) for item in NEWS)
    assert "North" not in text and "South" not in text
    places = {name for name, _slug in REGIONS} | {city for *_rest, city in STORES}
    assert "Saint Petersburg" in text and "Saint Petersburg" in places


@pytest.mark.django_db
def test_team_and_person_pages_show_the_margin_thousands_and_ago():
    from rewards.models import Notification

    org = f.org()
    person = f.user("employee", team=org.retail_team)
    f.responses("survey", timezone.localdate() - datetime.timedelta(days=2), promoters=2400, passives=1300,
                detractors=881, team=org.retail_team.slug)
    Notification.objects.create(user=person, message="Badge earned", created_at=timezone.now() - datetime.timedelta(minutes=2))
    from django.test import Client

    client = Client()
    client.force_login(person)
    team = client.get(reverse("rewards:team", args=[org.retail_team.slug])).content.decode()
    nps = re.search(r"data-team-nps>(.*?)</span>", team, re.S).group(1)
    assert "33.2" in nps and "±" in nps  # (2400 - 881) / 4581
    assert "4,581 responses" in team
    me = client.get(reverse("rewards:me"), follow=True).content.decode()
    assert "4,581 responses" in me and "±" in me
    assert re.search(r"data-ago>2 minutes ago<", me)
    client.cookies["django_language"] = "ru"
    try:
        me = client.get(reverse("rewards:me"), follow=True).content.decode()
    finally:
        translation.deactivate()  # the request left Russian active: not for the next test
    assert "4\u202f581" in me and "33,2" in me and re.search(r"data-ago>2 минуты назад<", me)


@pytest.mark.django_db
def test_a_screen_quotes_the_same_words_once():
    from nps_widgets.models import Screen
    from nps_widgets.views import screen_quotes

    for n, text in enumerate(["Friendly consultant, explained everything. Thank you!",
                              "friendly consultant,  explained everything. thank you!",
                              "The courier called ahead and came right on time."]):
        f.response(10, comment=text, submitted_at=timezone.now() - datetime.timedelta(hours=n + 1))
    screen = Screen.objects.create(name="Lobby", quote_min_length=10)
    texts = [quote["text"].casefold() for quote in screen_quotes(screen)]
    assert len(texts) == 2 and len({" ".join(t.split()) for t in texts}) == 2


@pytest.mark.django_db
def test_digest_zero_change_is_neutral_with_margin_and_separators(demo, client, monkeypatch):
    from npshub.digest import highlights
    from npshub.digest import mailing
    from npshub.digest.models import Mailing
    from tests.npshub.digest.test_send import make_issue

    flat = {"nps": 40.0, "margin_of_error": 2.7, "responses": 4581, "previous": 40.0, "change": 0.0}
    monkeypatch.setattr(highlights, "nps_change", lambda *args, **kwargs: dict(flat))
    issue = make_issue(title="Flat month")
    client.force_login(f.user("employee"))
    html = client.get(issue.url).content.decode()
    change = re.search(r'<dd class="digest__change[^"]*" data-change>(.*?)</dd>', html, re.S)
    assert change and "digest__change--" not in change.group(0)  # no colour
    assert "▲" not in change.group(1) and "▼" not in change.group(1) and "+0.0" not in change.group(1)
    assert "0.0" in change.group(1)
    assert "4,581 responses" in html and "±2.7" in html
    _subject, email, _text = mailing.render_email(Mailing.DIGEST, issue, "en", [])
    line = re.search(r"[^>]*vs last month", email).group(0)
    assert "▲" not in line and "+0.0" not in line


@pytest.mark.django_db
def test_quiz_keeps_the_choices_and_lessons_agree_with_points(demo, client):
    from npshub.pages.models import LessonPage, LessonProgress
    from rewards import demo as rewards_demo
    from rewards.models import BadgeAward, LedgerEntry

    employee = f.user("employee")
    client.force_login(employee)
    lesson = next(page for page in LessonPage.objects.live().filter(locale__language_code="en").order_by("path")
                  if len(page.quiz))
    questions = len(lesson.quiz)
    answers = {f"q{n}": "1" for n in range(1, questions + 1)}
    html = client.post(lesson.url, answers).content.decode()
    checked = re.findall(r'<input type="radio" name="(q\d+)" value="(\d+)" required checked>', html)
    assert sorted(checked) == sorted(answers.items())  # what was ticked stays ticked

    # The demo pays lesson points only for lessons really completed, under the live events' ids.
    users = list(type(employee).objects.filter(is_active=True))
    for user in users:
        done = LessonProgress.objects.filter(user=user).exclude(completed_at=None).count()
        paid = LedgerEntry.objects.filter(user=user, event_type="lesson_completed").count()
        assert paid <= done, user.username
        if BadgeAward.objects.filter(user=user, badge__slug="first-lesson").exists():
            assert done >= 1, user.username
    someone = f.user("employee")
    when = timezone.now() - datetime.timedelta(days=3)
    LessonProgress.objects.create(user=someone, lesson=lesson, completed_at=when, passed_at=when)
    history = rewards_demo._lesson_history([someone])[someone.pk]
    assert sorted(kind for _when, kind, _id in history) == ["lesson_completed", "quiz_passed"]
    assert (when, "lesson_completed", f"lesson_completed:{lesson.pk}:{someone.pk}") in history
