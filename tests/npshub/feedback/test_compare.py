"""Two periods compared honestly: the change and whether it is more than noise."""

import datetime

import pytest

from npshub.feedback import stats
from npshub.feedback.filters import StatsFilter
from npshub.people import roles

from tests.npshub.feedback.helpers_stats import add_responses

pytestmark = pytest.mark.django_db

JAN, FEB = datetime.date(2026, 1, 10), datetime.date(2026, 2, 10)
A = StatsFilter(datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
B = StatsFilter(datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))


def test_same_change_is_noise_at_100_and_significant_at_1000():
    # NPS 30 -> 40. At n=100 each: se 7.81 and 8.00, threshold 1.96 x 11.18 = 21.9: not significant.
    add_responses("survey", JAN, promoters=50, passives=30, detractors=20)
    add_responses("survey", FEB, promoters=60, passives=20, detractors=20)
    result = stats.compare(A, B)
    assert (result["a"]["nps"], result["b"]["nps"], result["change"]) == (30.0, 40.0, 10.0)
    assert result["change_margin_of_error"] == 21.9
    assert result["significant"] is False
    # Ten times the answers, same shares: threshold 1.96 x 3.54 = 6.9, so +10 is significant.
    add_responses("survey", JAN, promoters=450, passives=270, detractors=180)
    add_responses("survey", FEB, promoters=540, passives=180, detractors=180)
    result = stats.compare(A, B)
    assert (result["change"], result["change_margin_of_error"], result["significant"]) == (10.0, 6.9, True)
    assert result["a"]["small_sample"] is False


def test_no_answers_on_one_side_gives_no_change():
    add_responses("survey", JAN, promoters=3)
    result = stats.compare(A, B)
    assert result["change"] is None and result["significant"] is False
    assert result["a"]["small_sample"] is True and result["b"]["nps"] is None


def test_compare_endpoint_uses_both_periods_and_shared_filters(client, django_user_model):
    user = django_user_model.objects.create_user("e", password="x")
    roles.grant(user, roles.EMPLOYEE)
    client.force_login(user)
    add_responses("survey", JAN, promoters=10, detractors=10, segment="vip")
    add_responses("survey", FEB, promoters=20, segment="vip")
    add_responses("survey", FEB, detractors=50, segment="new")
    url = "/api/v1/nps/compare/?a_from=2026-01-01&a_to=2026-01-31&b_from=2026-02-01&b_to=2026-02-28&segment=vip"
    data = client.get(url).json()
    assert (data["a"]["nps"], data["b"]["nps"], data["change"], data["significant"]) == (0.0, 100.0, 100.0, True)
    bad = client.get("/api/v1/nps/compare/?a_from=2026-13-01")
    assert bad.status_code == 400 and "a_from" in bad.json()["detail"]
    bad = client.get("/api/v1/nps/compare/?b_from=2026-02-10&b_to=2026-02-01")
    assert bad.status_code == 400 and "b_from" in bad.json()["detail"]
