"""The shared factories build what they say (other tests rely on it)."""

import datetime

import pytest

from npshub.feedback import nps, stats
from npshub.feedback.filters import StatsFilter
from npshub.people import roles
from tests import factories as f


@pytest.mark.django_db
def test_user_holds_exactly_the_roles_of_its_kind_and_lives_in_its_team():
    org = f.org()
    caller = f.user("caller", team=org.retail_team)
    assert roles.user_roles(caller) == {roles.EMPLOYEE, roles.CALLER}
    assert caller.profile.department == org.retail
    assert caller.check_password(f.PASSWORD)
    with pytest.raises(ValueError):
        f.user("wizard")


@pytest.mark.django_db
def test_token_client_authenticates_with_the_users_token():
    person = f.user()
    assert f.api(person, token=True).get("/api/v1/nps/summary/").status_code == 200
    assert f.api().get("/api/v1/nps/summary/").status_code == 401


@pytest.mark.django_db
def test_responses_counts_each_category_once_and_feeds_the_rollups():
    day = datetime.date(2026, 3, 2)
    f.responses("survey", day, promoters=3, passives=1, detractors=2, skipped=1)
    result = stats.summary(StatsFilter.from_params({"from": "2026-03-02", "to": "2026-03-02"}))
    assert (result["promoters"], result["passives"], result["detractors"], result["skipped"]) == (3, 1, 2, 1)


def test_categories_have_one_definition():
    assert [nps.category(s) for s in (0, 6, 7, 8, 9, 10, None)] == [
        "detractor", "detractor", "passive", "passive", "promoter", "promoter", None]
    assert nps.category_flags(8) == (0, 1, 0)
