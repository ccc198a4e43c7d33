import re

import pytest
from django.core import signing

from nps_widgets import blocks
from tests.plugins.nps_widgets.helpers import add_responses

pytestmark = pytest.mark.django_db

ALL = dict(blocks.BLOCKS)


def value(name, **options):
    block = ALL[name]
    raw = {**block.meta.default, **options}
    return block, block.to_python(raw)


def render(name, **options):
    block, val = value(name, **options)
    return block.render(val)


@pytest.fixture
def data():
    from django.apps import apps

    apps.get_model("feedback", "Topic").objects.create(name="Delivery", slug="delivery", keywords_en="delivery, courier")
    add_responses([10, 10, 9, 8, 3], product="kettle", segment="consumer", channel="web", region="north", team="alpha",
                  comment="Great kettle, call me on +7 912 345-67-89 or mail anna@example.com")
    add_responses([0, 2, 6, 7], product="blender", segment="business", channel="store", region="south", team="beta",
                  source_slug="shop", comment="Late delivery, the courier was rude")
    add_responses([9, 9], days_ago=45, product="kettle")


def number(html, attr="data-nps"):
    match = re.search(rf"<span {attr}>([-−\d.]+)</span>", html)  # the minus sign as written for readers
    return float(match.group(1).replace("−", "-")) if match else None


@pytest.mark.parametrize("name", [name for name, _ in blocks.BLOCKS])
def test_every_block_renders_an_empty_state_without_answers(name):
    html = render(name)
    assert "No answers yet." in html or "No comments yet." in html or "No topics mentioned yet." in html
    block, val = value(name)
    api = block.get_api_representation(val)
    assert api["title"] and "filters" in api


@pytest.mark.parametrize("name", [name for name, _ in blocks.BLOCKS])
def test_every_block_renders_data_and_is_live(name, data):
    html = render(name)
    assert "No answers yet." not in html and "No comments yet." not in html
    assert 'data-live-src="/widgets/block/?b=' in html and "data-live-filter" in html
    block, val = value(name)
    api = block.get_api_representation(val)
    import json

    json.dumps(api)  # headless: plain JSON


def test_headline_numbers_trend_and_editor_filters(data):
    all_nps = number(render("headline_score", period="30"))
    # 9 answers in the last 30 days: 3 promoters, 2 passives, 4 detractors.
    assert all_nps == round(100 * (3 - 4) / 9, 1)
    kettle = render("headline_score", period="30", filters={"product": "kettle"})
    assert number(kettle) == round(100 * (3 - 1) / 5, 1)
    assert "Small sample" in kettle
    # The two 45-day-old promoters sit in the previous 30 days: the trend compares with them.
    assert "against the previous period (100.0)" in kettle
    assert number(render("headline_score", period="90", filters={"product": "kettle"})) == round(100 * (5 - 1) / 7, 1)
    assert number(render("headline_score", period="30", filters={"segment": "business"})) == -75.0
    assert number(render("headline_score", period="30", filters={"source": "shop"})) == -75.0
    assert number(render("headline_score", period="30", filters={"region": "north", "team": "alpha", "channel": "web"})) == 40.0
    assert "No answers yet." in render("headline_score", period="30", filters={"region": "nowhere"})
    api = ALL["headline_score"].get_api_representation(value("headline_score", period="30", filters={"product": "kettle"})[1])
    assert api["score"]["nps"] == 40.0 and api["score"]["small_sample"] is True and api["trend"]["change"] == -60.0


def test_distribution_breakdown_and_comparison(data):
    html = render("distribution", period="30")
    assert 'role="img"' in html and "<title" in html and "Promoters (9-10)" in html and "<strong data-promoters>3</strong>" in html
    table = render("breakdown", period="30", by="product", display="table")
    # 5 and 4 answers: under the ranking minimum, so listed apart and never ranked (no table, no bars)
    assert "<svg" not in table and "data-ranked" not in table and "Too few answers" in table
    assert "kettle" in table.split("Too few answers")[1] and "blender" in table
    bars = render("breakdown", period="30", by="region", display="bars")
    assert "<svg" not in bars and "north" in bars and "south" in bars and "Too few answers" in bars
    api = ALL["breakdown"].get_api_representation(value("breakdown", period="30", by="team")[1])
    assert {row["key"] for row in api["rows"]} == {"alpha", "beta"}
    comparison = render("comparison", period="30", filters={"product": "kettle"})
    assert "data-change" in comparison and "\u221260.0" in comparison  # formats.signed: a real minus
    api = ALL["comparison"].get_api_representation(value("comparison", period="30", filters={"product": "kettle"})[1])
    assert api["a"]["nps"] == 40.0 and api["b"]["nps"] == 100.0 and api["significant"] in (True, False)


def test_trend_chart_types_and_interval(data):
    line = render("trend_chart", period="90", interval="day", chart_type="line")
    bars = render("trend_chart", period="90", interval="day", chart_type="bars")
    assert "chart__line" in line and "chart__bar" not in line
    assert "chart__bar" in bars and "chart__line" not in bars
    assert '<table class="visually-hidden">' in line
    api = ALL["trend_chart"].get_api_representation(value("trend_chart", period="90", interval="day")[1])
    assert len(api["points"]) == 2 and "svg" not in api


def test_comment_stream_masks_personal_data_and_filters(data):
    html = render("comment_stream", period="30")
    assert "Great kettle" in html and "anna@example.com" not in html and "345-67-89" not in html
    detractors = render("comment_stream", period="30", band="detractors", filters={"source": "shop"})
    assert "Late delivery" in detractors and "Great kettle" not in detractors
    promoters = render("comment_stream", period="30", band="promoters")
    assert "Late delivery" not in promoters and "Great kettle" in promoters


def test_hostile_comment_is_escaped():
    add_responses([1], comment='<script>alert("x")</script><img src=x onerror=alert(1)> bad')
    html = render("comment_stream", period="30")
    assert "<script>" not in html and "<img" not in html and "bad" in html


def test_topic_chart_lists_topics_detractors_mention(data):
    html = render("topic_chart", period="30")
    # The four blender answers mention delivery: three detractors and a passive (NPS -75).
    assert "Delivery" in html and "3 · NPS −75.0" in html
    api = ALL["topic_chart"].get_api_representation(value("topic_chart", period="30")[1])
    assert api["topics"][0]["name"] == "Delivery"
    assert (api["topics"][0]["detractor_mentions"], api["topics"][0]["mentions"], api["topics"][0]["nps"]) == (3, 4, -75.0)
    assert "No topics mentioned yet." in render("topic_chart", period="30", filters={"product": "kettle"})
    by_topic = render("comment_stream", period="30", topic="delivery")
    assert "Late delivery" in by_topic and "Great kettle" not in by_topic


def test_block_fragment_endpoint(client, django_user_model, data):
    block, val = value("headline_score", period="30", filters={"product": "kettle"})
    reference = block.reference(val)
    assert client.get("/widgets/block/", {"b": reference}).status_code == 302  # sign in first
    client.force_login(django_user_model.objects.create_user("emp", password="x"))
    response = client.get("/widgets/block/", {"b": reference})
    assert response.status_code == 200 and "<span data-nps>40.0</span>" in response.content.decode()
    tampered = signing.dumps({"t": "HeadlineScoreBlock", "v": {}}, salt="other")
    assert client.get("/widgets/block/", {"b": tampered}).status_code == 400


def test_breakdown_ranks_fairly_with_small_groups_apart(settings):
    """The lower end of the margin orders the bars; a unit under the minimum is listed apart, unranked."""
    add_responses([10] * 26 + [8] * 8 + [3] * 6, team="fifty-on-forty")  # NPS 50, lower bound 27.0
    add_responses([10] * 220 + [8] * 140 + [3] * 40, team="forty-five-on-400")  # NPS 45, lower bound 38.4
    add_responses([10] * 3 + [8] * 2 + [3] * 2, team="seven-answers")  # NPS 14.3 on 7 answers
    html = render("breakdown", period="30", by="team", display="table")
    ranked, _sep, apart = html.partition("Too few answers")
    assert ranked.index("forty-five-on-400") < ranked.index("fifty-on-forty")
    assert re.search(r'<td class="num">1</td><th scope="row">forty-five-on-400', ranked)
    assert "seven-answers" not in ranked and "seven-answers" in apart and "7 answers" in apart
    assert "14.3" not in apart
    bars = render("breakdown", period="30", by="team", display="bars")
    svg = bars.split("Too few answers")[0]
    assert "<svg" in svg and "seven-answers" not in svg
    api = ALL["breakdown"].get_api_representation(value("breakdown", period="30", by="team")[1])
    assert [(r["key"], r["rank"]) for r in api["rows"]] == [("forty-five-on-400", 1), ("fifty-on-forty", 2), ("seven-answers", None)]
    settings.NPSHUB_RANKING_MIN_RESPONSES = 5  # the minimum comes from settings
    assert "Too few answers" not in render("breakdown", period="30", by="team", display="table")
