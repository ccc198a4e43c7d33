"""A detractor who answers again as a promoter after a callback is a win on the home page and in
the digest (issue: acting on the score); a passive comeback is a win in the digest only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks import recovery, sections
from callbacks.models import Callback
from tests import factories as f
from tests.plugins.callbacks import helpers as h

pytestmark = pytest.mark.django_db

PHONE = "+7 900 000-00-07"


def comeback(later_score, days_ago=3):
    """A detractor (3/10, kettle) called back 10 days ago who answers ``later_score`` ``days_ago``;
    the demo's own comeback is set aside so that the figures are this one's."""
    Callback.objects.update(recovered_at=None, recovery_response=None)
    call, _recording, caller = h.done_call(score=3, phone=PHONE, email="", product="kettle")
    Callback.objects.filter(pk=call.pk).update(completed_at=timezone.now() - timedelta(days=10))
    later = h.customer(score=later_score, phone=PHONE, email="", submitted_at=timezone.now() - timedelta(days=days_ago))
    assert [c.pk for c in recovery.detect_recoveries([later.pk])] == [call.pk]
    return caller


def home_html(client, language="en"):
    reader = f.user("employee", team=f.org().cx_team, language=language)
    client.force_login(reader)
    return client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_a_detractor_turned_promoter_is_a_win_on_the_home_page(client, demo):
    caller = comeback(10)
    html = home_html(client)
    card = html.split('data-testid="callbacks-turnarounds"', 1)[1].split("</section>", 1)[0]
    assert "Detractors turned promoters" in card
    assert "In the last 90 days, 1 customer who had given 0–6 answered again as a promoter" in card
    assert "A detractor (3/10) about Electric kettle came back as a promoter (10/10)" in card
    assert caller.get_full_name() in card
    assert not h.shows_phone(card) and "Anna Orlova" not in card  # no personal data of the customer


def test_the_home_card_reads_russian(client, demo):
    comeback(9)
    html = home_html(client, "ru")
    assert "Критики, ставшие промоутерами" in html
    assert "За последние 90 дней 1 клиент, ставивший 0–6, после звонка коллеги снова ответил как промоутер." in html
    assert "стал промоутером (9/10)" in html


def test_a_passive_comeback_is_not_on_the_home_page_but_is_a_digest_win(client, demo):
    comeback(8)
    assert 'data-testid="callbacks-turnarounds"' not in home_html(client)
    now = timezone.now()
    # The call, 10 days ago, is the window's only one (the demo's calls are older or newer).
    [win] = sections.figures(now - timedelta(days=15), now - timedelta(days=5))
    assert win["summary"] == "A detractor (3/10) about Electric kettle came back as a passive (8/10)"


def test_the_digest_counts_a_turnaround_in_the_month_of_the_promoter_answer(demo):
    comeback(10, days_ago=1)
    now = timezone.now()
    # The call (10 days ago) is outside this window; the promoter's answer (yesterday) is inside,
    # and turnarounds come before the period's other wins (the demo's call of today).
    wins = sections.figures(now - timedelta(days=2), now)
    assert wins[0]["summary"] == "A detractor (3/10) about Electric kettle came back as a promoter (10/10)"
    assert wins[0]["date"] == timezone.localdate() - timedelta(days=1)
    assert [w["summary"] for w in wins].count(wins[0]["summary"]) == 1
