"""Rewards' parts of the core's outputs come from its declared sections (npshub.sections): the
digest e-mail and page show the top teams and each reader's points, Teams cards the week's top
team; without the sections the core renders none of it and names nothing of rewards."""

import datetime

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from npshub import plugins, sections
from npshub.formats import number
from npshub.digest import mailing as mailing_lib
from npshub.digest import tasks
from npshub.digest.models import Mailing
from npshub.digest.render import html_to_text
from rewards import ledger, services
from tests.npshub.digest.test_send import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue(demo):
    cache.clear()  # the issue's highlights and the boards are cached
    yield make_issue(title="Sections digest")
    cache.clear()


def _points(user, amount):
    ledger.post(user, amount, "Digest test")
    cache.clear()


def test_the_digest_shows_the_sections_of_the_enabled_plugins(issue, client):
    employee = get_user_model().objects.get(username="employee")
    _points(employee, 5000)  # far ahead: this team tops the month and the week
    balance = services.user_summary(employee)["balance"]
    subject, html, text = mailing_lib.preview_html(Mailing.DIGEST, issue, employee)
    assert f"Your points: {number(balance, language='en')}." in text  # in the reader's number format
    assert f"Your points: {number(balance, language='en')}." in html
    assert "Top teams" in html and "Top teams" in text
    assert f"1. {employee.profile.team.name}" in html_to_text(html)
    assert "%%NPSHUB_" not in html and "%%NPSHUB_" not in text
    if apps.is_installed("callbacks"):
        from callbacks import metrics_provider

        wins = metrics_provider.wins(*_month(issue), 3)
        assert ("Callback wins" in html) == bool(wins)
        if wins:  # declared order: callbacks (10) before rewards (20)
            assert html.index("Callback wins") < html.index("Top teams")
    client.force_login(employee)
    page = client.get(issue.url)
    assert page.status_code == 200 and "Top teams" in page.content.decode()
    week_start = timezone.localdate() - datetime.timedelta(days=6)
    card_text = str(tasks.week_card(week_start))
    assert f"Top team: {employee.profile.team.name}" in card_text


def test_without_the_sections_the_core_renders_no_rewards_part(issue, client, monkeypatch):
    employee = get_user_model().objects.get(username="employee")
    _points(employee, 5000)
    [rewards] = [plugin for plugin in plugins.get_plugins() if plugin.label == "rewards"]
    monkeypatch.setattr(rewards, "sections", [])
    assert not any(section.key.startswith("rewards.") for section in sections.sections())
    subject, html, text = mailing_lib.preview_html(Mailing.DIGEST, issue, employee)
    assert "Your points" not in text and "Top teams" not in html and "New badges" not in html
    assert "%%NPSHUB_" not in html and "%%NPSHUB_" not in text
    client.force_login(employee)
    page = client.get(issue.url)
    assert page.status_code == 200 and "Top teams" not in page.content.decode()
    assert "Top team:" not in str(tasks.week_card(timezone.localdate() - datetime.timedelta(days=6)))


def _month(issue):
    return mailing_lib.hl.aware(issue.month_start), mailing_lib.hl.aware(issue.month_end)
