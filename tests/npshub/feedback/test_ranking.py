"""Fair rankings: the lower bound of the 95% interval, and "not enough answers" below the minimum."""

import datetime

import pytest

from npshub.feedback import stats
from npshub.feedback.filters import StatsFilter
from npshub.people import roles

from tests.npshub.feedback.helpers_stats import add_responses

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 2)


@pytest.fixture
def teams():
    # a: NPS 50 on 40 answers (lower bound 27.0); b: NPS 45 on 400 answers (lower bound 38.4);
    # c: NPS 100 on 10 answers, too few to rank; d: NPS 45 on 400 answers, the same bound as b.
    add_responses("survey", DAY, promoters=26, passives=8, detractors=6, team="a")
    add_responses("survey", DAY, promoters=220, passives=140, detractors=40, team="b")
    add_responses("survey", DAY, promoters=10, team="c")
    add_responses("shop", DAY, promoters=220, passives=140, detractors=40, team="d")


def test_ranking_orders_by_lower_bound_not_raw_nps(teams):
    rows = stats.ranking(StatsFilter(), "team")
    assert [(r["key"], r["rank"], r["ranked"], r["lower_bound"]) for r in rows] == [
        ("b", 1, True, 38.4), ("d", 1, True, 38.4), ("a", 3, True, 27.0), ("c", None, False, 100.0),
    ]
    assert rows[2]["nps"] == 50.0 and rows[0]["nps"] == 45.0  # the higher raw NPS ranks lower
    assert rows[3]["nps"] == 100.0 and rows[3]["small_sample"] is True


def test_min_responses_setting_and_argument(teams, settings):
    settings.NPSHUB_RANKING_MIN_RESPONSES = 5
    rows = stats.ranking(StatsFilter(), "team")
    assert all(r["ranked"] for r in rows)
    rows = stats.ranking(StatsFilter(), "team", min_responses=100)
    assert [r["key"] for r in rows if r["ranked"]] == ["b", "d"]


def test_ranking_endpoint(client, django_user_model, teams):
    user = django_user_model.objects.create_user("e", password="x")
    roles.grant(user, roles.EMPLOYEE)
    client.force_login(user)
    data = client.get("/api/v1/nps/ranking/?by=team&source=survey").json()
    assert data["by"] == "team" and data["min_responses"] == 30
    assert [(r["key"], r["ranked"]) for r in data["rows"]] == [("b", True), ("a", True), ("c", False)]
    # With a minimum of 5, c ranks: all 10 answers are promoters, so its interval has no width.
    rows = client.get("/api/v1/nps/ranking/?by=team&min_responses=5").json()["rows"]
    assert [(r["key"], r["rank"]) for r in rows] == [("c", 1), ("b", 2), ("d", 2), ("a", 4)]
    for bad in ("by=colour", "", "by=team&min_responses=-1", "by=team&min_responses=x"):
        response = client.get(f"/api/v1/nps/ranking/?{bad}")
        assert response.status_code == 400 and response.json()["detail"], bad
