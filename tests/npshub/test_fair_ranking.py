"""Every place that ranks teams uses the one fair rule (npshub.feedback.stats.fair_groups): the lower
bound of the interval, the minimum from settings, too-small groups apart under "Too few answers"."""

import datetime
import re

import pytest
from django.utils import timezone

from npshub import theme

from npshub.digest import mailing
from npshub.digest.models import Mailing
from npshub.feedback import stats
from tests import factories

pytestmark = pytest.mark.django_db


def week_start():
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday() + 7)


@pytest.fixture
def stores():
    """Last week: Tverskaya 45 on 400 answers, Nevsky 50 on 40, Aviapark 14.3 on 7 (too few);
    the week before, Aviapark was at 37.5 (the e-mail showed "14.3 (−23.2)" ranked last)."""
    monday = week_start()
    for slug, name in (("store-tverskaya", "Moscow Tverskaya"), ("store-nevsky", "St Petersburg Nevsky"),
                       ("store-aviapark", "Moscow Aviapark")):
        factories.team(slug=slug, name=name)
    src = factories.source("survey")
    factories.responses(src, monday, promoters=220, passives=140, detractors=40, team="store-tverskaya")
    factories.responses(src, monday + datetime.timedelta(days=1), promoters=26, passives=8, detractors=6,
                        team="store-nevsky")
    factories.responses(src, monday + datetime.timedelta(days=2), promoters=3, passives=2, detractors=2,
                        team="store-aviapark")
    factories.responses(src, monday - datetime.timedelta(days=3), promoters=5, passives=1, detractors=2,
                        team="store-aviapark")
    return monday


def test_fair_groups_splits_on_the_setting(settings):
    rows = [{"key": "small", "responses": 7, "promoters": 3, "detractors": 2, "nps": 14.3},
            {"key": "few", "responses": 40, "promoters": 26, "detractors": 6, "nps": 50.0},
            {"key": "many", "responses": 400, "promoters": 220, "detractors": 40, "nps": 45.0},
            {"key": "none", "responses": 0, "promoters": 0, "detractors": 0, "nps": None}]
    groups = stats.fair_groups([dict(r) for r in rows])
    assert [(r["key"], r["rank"]) for r in groups["ranked"]] == [("many", 1), ("few", 2)]
    assert [(r["key"], r["rank"], r["ranked"]) for r in groups["too_few"]] == [("small", None, False)]
    assert groups["min_responses"] == 30
    settings.NPSHUB_RANKING_MIN_RESPONSES = 50
    groups = stats.fair_groups([dict(r) for r in rows])
    assert [r["key"] for r in groups["ranked"]] == ["many"]
    assert [r["key"] for r in groups["too_few"]] == ["few", "small"]  # by answers, never by score


def weekly_html(monday, language):
    _subject, html, _text = mailing.render_email(Mailing.WEEKLY, monday, language, [])
    return html


def test_weekly_email_ranks_fairly_and_keeps_a_seven_answer_store_apart(stores):
    context = mailing.weekly_context(stores, "en")
    assert [(t["name"], t["rank"]) for t in context["teams"]] == [("Moscow Tverskaya", 1), ("St Petersburg Nevsky", 2)]
    [aviapark] = context["teams_too_few"]
    assert aviapark["name"] == "Moscow Aviapark" and aviapark["responses"] == 7 and aviapark["rank"] is None
    html = weekly_html(stores, "en")
    ranked_part, _sep, apart = html.partition("Too few answers")
    assert apart, "the e-mail has a 'Too few answers' part"
    assert "Moscow Tverskaya" in ranked_part and "St Petersburg Nevsky" in ranked_part
    assert "Moscow Aviapark" not in ranked_part and "Moscow Aviapark" in apart
    assert "7 answers" in apart and "14.3" not in apart and "23.2" not in html  # no score, no change, no rank
    assert ranked_part.index("Moscow Tverskaya") < ranked_part.index("St Petersburg Nevsky")  # 45 on 400 beats 50 on 40
    assert "±" in ranked_part and "400" in ranked_part


def test_weekly_email_in_russian(stores):
    html = weekly_html(stores, "ru")
    ranked_part, _sep, apart = html.partition("Слишком мало ответов")
    assert apart and "Moscow Aviapark" in apart and "7 ответов" in apart
    assert "Moscow Aviapark" not in ranked_part


def test_weekly_email_minimum_comes_from_settings(stores, settings):
    settings.NPSHUB_RANKING_MIN_RESPONSES = 5
    context = mailing.weekly_context(stores, "en")
    assert [t["name"] for t in context["teams"]][-1] == "Moscow Aviapark" and not context["teams_too_few"]
    settings.NPSHUB_RANKING_MIN_RESPONSES = 500
    context = mailing.weekly_context(stores, "en")
    assert context["teams"] == [] and len(context["teams_too_few"]) == 3
    assert "Too few answers" in weekly_html(stores, "en")


def test_weekly_email_zero_change_is_neutral(stores):
    # Tverskaya the week before at exactly the same NPS: a change of 0.0, no sign, muted.
    factories.responses("survey", stores - datetime.timedelta(days=2), promoters=22, passives=14, detractors=4,
                        team="store-tverskaya")
    context = mailing.weekly_context(stores, "en")
    assert context["teams"][0]["change"] == 0.0
    html = weekly_html(stores, "en")
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Moscow Tverskaya(?:(?!</tr>).)*</tr>", html, re.S).group(0)
    assert "+0.0" not in row and ">0.0<" in row
    change_cell = re.search(r"<td[^>]*>0\.0</td>", row).group(0).lower()
    assert theme.color("muted").lower() in change_cell and theme.color("promoter").lower() not in change_cell
