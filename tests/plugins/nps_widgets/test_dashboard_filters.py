"""The /stats/ filter form: several values per dimension (as the API takes them), chips that each
remove one filter, the breakdown switch, the one empty state, CSAT/CES when the data has them,
comments-only filters, and bad values."""

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.plugins.nps_widgets.helpers import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("emp", password="x"))
    return client


@pytest.fixture(autouse=True)
def _every_unit_ranked(settings):
    """These tests are about filters: every unit with an answer is ranked in the breakdown (the
    fair-ranking minimum has its own tests in tests/npshub/test_fair_ranking.py)."""
    settings.NPSHUB_RANKING_MIN_RESPONSES = 1


@pytest.fixture
def regions():
    """north: 2 promoters; south: 1 promoter, 1 detractor; east: 3 detractors (team beta)."""
    add_responses([10, 10], region="north", team="alpha", product="kettle")
    add_responses([9, 3], region="south", team="alpha", product="blender")
    add_responses([0, 1, 2], region="east", team="beta", product="kettle")


def number(text):
    return float(text.replace("−", "-").replace(",", ""))


def figures(html):
    """The headline NPS and the promoter/passive/detractor counts the page shows."""
    found = {"nps": number(re.search(r"<span data-nps>([^<]+)</span>", html).group(1))}
    for key in ("promoters", "passives", "detractors"):
        found[key] = int(re.search(rf"<dd data-{key}>([\d,]+)", html).group(1).replace(",", ""))
    found["responses"] = found["promoters"] + found["passives"] + found["detractors"]
    return found


def chips(html):
    """{chip text: its link's query} of the active-filter chips."""
    nav = re.search(r'<nav class="chips dashboard__chips".*?</nav>', html, re.S)
    if not nav:
        return {}
    found = {}
    for href, text in re.findall(r'<a class="chip chip--active-filter[^"]*" href="([^"]*)"[^>]*>(.*?) <span', nav.group(0)):
        found[html_lib.unescape(text)] = parse_qs(urlsplit(html_lib.unescape(href)).query)
    return found


def breakdown_rows(html):
    """{label: NPS} of the breakdown table."""
    section = re.search(r'<div class="dash--breakdown">.*?</section>', html, re.S).group(0)
    return {html_lib.unescape(label): number(nps) for label, nps in
            re.findall(r'<th scope="row">([^<]*)</th>\s*<td class="num">([^<]+)</td>', section)}


@pytest.mark.parametrize("query", [{"region": ["north", "south"]}, {"region": "north,south"}])
def test_several_values_narrow_the_figures_exactly_as_the_api(signed_in, regions, query):
    page = signed_in.get("/stats/", {**query, "period": "all", "by": "team"}).content.decode()
    api = signed_in.get("/api/v1/nps/summary/", {"region": "north,south"}).json()
    shown = figures(page)
    assert shown == {key: api[key] for key in ("nps", "promoters", "passives", "detractors", "responses")}
    assert shown == {"nps": 50.0, "promoters": 3, "passives": 0, "detractors": 1, "responses": 4}
    rows = signed_in.get("/api/v1/nps/breakdown/", {"region": "north,south", "by": "product"}).json()["rows"]
    assert breakdown_rows(signed_in.get("/stats/", {**query, "period": "all"}).content.decode()) == {
        row["label"]: row["nps"] for row in rows}
    # Both boxes stay ticked, east does not.
    for value, checked in (("north", True), ("south", True), ("east", False)):
        box = re.search(rf'<input type="checkbox" name="region" value="{value}"( checked)?>', page)
        assert box and bool(box.group(1)) is checked, value


def test_each_chip_removes_one_value_and_reads_labels(signed_in, regions):
    from npshub.feedback.models import DimensionValue

    DimensionValue.objects.filter(dimension="region", slug="north").update(label="The North")
    page = signed_in.get("/stats/", {"region": ["north", "south"], "product": "kettle", "period": "all"}).content.decode()
    found = chips(page)
    assert set(found) == {"Region: The North", "Region: south", "Product: kettle"}
    assert found["Region: The North"] == {"region": ["south"], "product": ["kettle"], "period": ["all"]}
    assert found["Product: kettle"] == {"region": ["north", "south"], "period": ["all"]}
    assert '<span>The North</span>' in page  # the checkbox reads the label, not the slug
    # Following a chip widens the figures: north+south kettle is 2 answers, north+south every product 4.
    assert figures(page)["responses"] == 2
    widened = signed_in.get("/stats/?" + "&".join(f"{k}={v}" for k, vs in found["Product: kettle"].items() for v in vs))
    assert figures(widened.content.decode())["responses"] == 4
    # The default page: the period is the one filter, and its chip widens to all time.
    assert list(chips(signed_in.get("/stats/").content.decode()).items()) == [("Last 90 days", {"period": ["all"]})]


def test_breakdown_skips_a_dimension_filtered_to_one_value(signed_in, regions):
    page = signed_in.get("/stats/", {"product": "kettle", "by": "product", "period": "all"}).content.decode()
    title = re.search(r'<div class="dash--breakdown">.*?<h2 class="widget__title">([^<]+)</h2>', page, re.S).group(1)
    assert title == "NPS by segment"
    assert "Product is filtered to one value, so the breakdown is by segment." in page
    assert '<option value="product" disabled>' in page and '<option value="segment" selected>' in page
    # Two products: still broken down by product.
    page = signed_in.get("/stats/", {"product": ["kettle", "blender"], "by": "product", "period": "all"}).content.decode()
    assert "NPS by product" in page and "filtered to one value" not in page
    assert set(breakdown_rows(page)) == {"kettle", "blender"}
    # One region and one team asked by region: the first dimension with more than one value is used.
    page = signed_in.get("/stats/", {"region": "north", "segment": "x", "by": "region", "period": "all"},
                         HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert 'data-by="product"' in page and 'data-single="segment,region"' in page


def test_an_empty_result_names_the_filters_to_drop_once(signed_in, regions):
    # north is only alpha: north + beta has no answers; dropping the team gives 2, dropping the region 3.
    page = signed_in.get("/stats/", {"region": "north", "team": "beta", "product": "kettle", "period": "all"}).content.decode()
    assert "No answers yet." not in page
    assert page.count("No answers match all these filters. Remove one of them:") == 1
    assert 'class="dash--' not in page  # no widget repeats its own empty message
    drops = re.findall(r'<li><a href="([^"]+)" data-drop>Remove “([^”]+)”</a> — (\d+) answers?</li>', page)
    assert [(text, int(n)) for _href, text, n in drops] == [("Region: north", 3), ("Team: beta", 2)]
    assert parse_qs(urlsplit(html_lib.unescape(drops[0][0])).query) == {"team": ["beta"], "product": ["kettle"], "period": ["all"]}
    # Dropping any one is not enough: say so, and offer to clear them all.
    page = signed_in.get("/stats/", {"region": "north", "team": "beta", "product": "blender", "period": "all"}).content.decode()
    assert "removing any one of them is not enough" in page and "Clear all filters" in page


def test_no_answers_at_all_says_so_once(signed_in):
    page = signed_in.get("/stats/", {"period": "all"}).content.decode()
    assert page.count("No answers yet.") == 1 and "Remove one of them" not in page


def test_csat_and_ces_appear_only_where_the_data_has_them(signed_in):
    add_responses([10, 9], region="north", csat=5, ces=2)
    add_responses([3], region="north", csat=2)
    add_responses([8], region="south")
    page = signed_in.get("/stats/", {"region": "north", "period": "all"}).content.decode()
    api = signed_in.get("/api/v1/nps/summary/", {"region": "north"}).json()
    assert (api["csat"], api["csat_responses"], api["ces"], api["ces_responses"]) == (66.7, 3, 2.0, 2)
    assert re.search(r'data-csat>.*?<span class="experience__value">66.7%</span>.*?from 3 answers', page, re.S)
    assert re.search(r'data-ces>.*?<span class="experience__value">2.0</span>.*?from 2 answers', page, re.S)
    page = signed_in.get("/stats/", {"region": "south", "period": "all"}).content.decode()
    assert "widget--experience" not in page and "data-csat" not in page and "data-ces" not in page


def test_comment_filters_are_labelled_comments_only_and_leave_the_figures(signed_in, regions):
    plain = figures(signed_in.get("/stats/", {"period": "all"}).content.decode())
    page = signed_in.get("/stats/", {"period": "all", "band": "detractors"}).content.decode()
    assert figures(page) == plain
    assert "Comments list only" in page
    assert re.search(r'chip--comments-only" href="[^"]*"[^>]*>Comments: Detractors \(0-6\)', page)
    assert 'data-active="1"' in page  # the comments-only chip counts as an active filter (period "all" is none)


@pytest.mark.parametrize("query,message", [
    ({"from": "garbage"}, "&#x27;from&#x27; must be a date as YYYY-MM-DD, not &#x27;garbage&#x27;. This date was left out."),
    ({"period": "nope"}, "Period: “nope” is not one of the choices, so it was left out."),
    ({"by": "colour"}, "Break down by: “colour” is not one of the choices, so it was left out."),
    ({"interval": "hour"}, "Interval: “hour” is not one of the choices, so it was left out."),
    ({"band": "angry"}, "Comment scores: “angry” is not one of the choices, so it was left out."),
    ({"region": "x" * 101}, "A region value longer than 100 characters was left out."),
    ({"region": ",".join(f"r{n}" for n in range(60))}, "Only the first 50 values of region were used."),
])
def test_bad_values_are_left_out_with_a_message(signed_in, regions, query, message):
    answer = signed_in.get("/stats/", query)
    assert answer.status_code == 200
    page = answer.content.decode()
    assert re.search(r'<ul class="message message--error dashboard__errors" role="alert">', page)
    assert message in page


def test_a_date_out_of_range_is_a_400_and_hostile_values_stay_text(signed_in, regions):
    assert signed_in.get("/stats/", {"to": "9999-12-31"}).status_code == 400
    page = signed_in.get("/stats/", {"region": '<script>alert(1)</script>', "period": "all"}).content.decode()
    assert "<script>alert(1)</script>" not in page and "Region: &lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_fragment_carries_the_chips_and_the_state_for_the_script(signed_in, regions):
    fragment = signed_in.get("/stats/", {"region": ["north", "south"]}, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "<form" not in fragment
    assert set(chips(fragment)) == {"Region: north", "Region: south", "Last 90 days"}
    assert 'data-active="3"' in fragment and 'data-active-text="3 active"' in fragment


def test_the_api_takes_a_repeated_parameter_as_a_list_too(signed_in, regions):
    """What the page's address holds (?region=a&region=b) means the same to the API as region=a,b."""
    comma = signed_in.get("/api/v1/nps/summary/", {"region": "north,south"}).json()
    assert signed_in.get("/api/v1/nps/summary/", {"region": ["north", "south"]}).json() == comma
    assert signed_in.get("/api/v1/nps/summary/", {"region": ["north,south", "north"]}).json() == comma
    assert comma["responses"] == 4
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    dates = {"a_from": "2020-01-01", "a_to": "2020-01-31", "b_from": "2020-02-01", "b_to": today}
    compared = signed_in.get("/api/v1/nps/compare/", {**dates, "region": ["north", "south"]}).json()
    assert compared["b"]["responses"] == 4
