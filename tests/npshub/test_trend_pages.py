"""The NPS trend on the team page and the digest page: the 12-month chart (a wide and a phone-sized
SVG) with the months in the reader's language, the figures in a table for screen readers, an honest
"No answers yet." for a team without any, and a 404 for a team that does not exist."""

import re

import pytest
from django.test import Client
from django.utils import timezone, translation

from npshub import formats
from tests import factories
from tests.npshub.digest.test_trend_email import month_ago, site_home, team_world

pytestmark = pytest.mark.django_db


def signed_in(language, team=None):
    client = Client()
    client.force_login(factories.user(team=team, language=language))
    return client


def trend_section(html):
    match = re.search(r'<section class="card trend".*?</section>', html, re.S)
    assert match, "the page has the trend"
    return match.group(0)


@pytest.mark.parametrize("language, heading, latest", [("en", "NPS by month", "70.0"), ("ru", "NPS по месяцам", "70,0")])
def test_team_page_shows_the_trend_in_the_readers_language(language, heading, latest):
    team = team_world()
    section = trend_section(signed_in(language, team).get(f"/teams/{team.slug}/").content.decode())
    assert heading in section and "chart--trend chart--wide" in section and "chart--trend chart--narrow" in section
    with translation.override(language):
        months = [formats.month(month_ago(n)) for n in (3, 2, 1, 0)]
    for month in months:  # every period on the axis and in the table, the gap included
        assert f">{month}</td>" in section and f">{month}</text>" in section
    assert f'<td class="num">{latest}</td>' in section and "\u00b1" in section
    assert not re.search(r"\d{4}-\d{2}-\d{2}", section)  # no ISO dates shown


def test_team_without_answers_says_so_and_unknown_team_is_404():
    quiet = factories.team("quiet-team")
    client = signed_in("en", quiet)
    section = trend_section(client.get("/teams/quiet-team/").content.decode())
    assert "No answers yet." in section and "<svg" not in section
    assert client.get("/teams/no-such-team/").status_code == 404
    assert Client().get(f"/teams/{quiet.slug}/").status_code == 302  # signed-in readers only


@pytest.mark.parametrize("language, heading", [("en", "NPS by month"), ("ru", "NPS по месяцам")])
def test_digest_page_shows_the_company_trend(language, heading):
    from content.digest import ensure_digest_section
    from npshub.pages.models import DigestPage

    team_world()
    site_home()
    issue = ensure_digest_section().add_child(instance=DigestPage(title="December", month=timezone.localdate()))
    section = trend_section(signed_in(language).get(issue.url).content.decode())
    with translation.override(language):
        assert heading in section and f">{formats.month(month_ago(1))}</td>" in section
        assert f'<td class="num">{formats.number(40.0, 1)}</td>' in section
