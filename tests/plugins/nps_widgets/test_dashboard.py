import re

import pytest

from tests.plugins.nps_widgets.helpers import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("emp", password="x"))
    return client


def headline(html):
    return float(re.search(r"<span data-nps>([-−\d.]+)</span>", html).group(1).replace("−", "-"))


def test_dashboard_needs_login(client):
    assert client.get("/stats/").status_code == 302


def test_dashboard_filters_by_every_dimension_and_keeps_state(signed_in):
    add_responses([10, 10], product="kettle", segment="consumer", channel="web", region="north", team="alpha", source_slug="survey")
    add_responses([0, 0], product="blender", segment="business", channel="store", region="south", team="beta", source_slug="shop")
    assert headline(signed_in.get("/stats/").content.decode()) == 0.0
    for name, good, bad in [
        ("product", "kettle", "blender"), ("segment", "consumer", "business"), ("channel", "web", "store"),
        ("region", "north", "south"), ("team", "alpha", "beta"), ("source", "survey", "shop"),
    ]:
        html = signed_in.get("/stats/", {name: good, "period": "30", "by": "team", "interval": "day"}).content.decode()
        assert headline(html) == 100.0, name
        assert f'<input type="checkbox" name="{name}" value="{good}" checked>' in html, name  # the form keeps the state
        # A team filtered to one value is not broken down by team (the next dimension is).
        by = "segment" if name == "team" else "team"
        assert '<option value="day" selected>' in html and f'<option value="{by}" selected>' in html
        assert headline(signed_in.get("/stats/", {name: bad}).content.decode()) == -100.0, name


def test_dashboard_custom_dates_and_fragment(signed_in):
    add_responses([10], days_ago=100)
    add_responses([0], days_ago=1)
    html = signed_in.get("/stats/", {"period": "7"}).content.decode()
    assert headline(html) == -100.0
    fragment = signed_in.get("/stats/", {"period": "all"}, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "<form" not in fragment and headline(fragment) == 0.0
    from django.utils import timezone
    from datetime import timedelta

    day = (timezone.localdate() - timedelta(days=100)).isoformat()
    assert headline(signed_in.get("/stats/", {"from": day, "to": day}).content.decode()) == 100.0
    assert signed_in.get("/stats/", {"from": "garbage", "period": "nope"}).status_code == 200


def test_dashboard_offers_exports_with_the_current_filters(signed_in):
    add_responses([10], product="kettle")
    html = signed_in.get("/stats/", {"product": "kettle", "period": "30"}).content.decode()
    assert "/api/v1/nps/export/?" in html and "product=kettle" in html and "format=xlsx" in html
