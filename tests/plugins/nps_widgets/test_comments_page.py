"""The comments page: newest first, paging, text search, topic chips, score and source filters,
bad input falls back, the topic chart links here."""

import datetime

import pytest
from django.utils import timezone

from tests import factories as f
from nps_widgets import comments_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    from npshub.feedback.models import Response, Topic

    late = Topic.objects.create(slug="delivery-late", name="Late delivery")
    rude = Topic.objects.create(slug="rude-staff", name="Rude staff")
    base = timezone.now() - datetime.timedelta(days=2)
    made = []
    for i in range(25):
        response = f.response(score=i % 11, comment=f"Comment number {i} about the kettle")
        Response.objects.filter(pk=response.pk).update(submitted_at=base + datetime.timedelta(minutes=i))
        made.append(response)
    made[24].topics.add(late)
    made[3].topics.add(late, rude)
    return made


def texts(html):
    import re

    return re.findall(r"Comment number (\d+) about", html)


def test_newest_first_with_paging(world, client):
    client.force_login(f.user("employee"))
    first = client.get("/comments/").content.decode()
    assert texts(first) == [str(i) for i in range(24, 4, -1)]  # twenty a page, newest first
    assert "25 comments" in first and "Page 1 of 2" in first
    second = client.get("/comments/?page=2").content.decode()
    assert texts(second) == ["4", "3", "2", "1", "0"]
    assert texts(client.get("/comments/?page=99").content.decode()) == ["4", "3", "2", "1", "0"]  # past the end: the last page


def test_search_topics_scores_and_bad_input(world, client):
    client.force_login(f.user("employee"))
    assert texts(client.get("/comments/", {"q": "number 17 KETTLE"}).content.decode()) == ["17"]
    html = client.get("/comments/", {"topic": "delivery-late"}).content.decode()
    assert texts(html) == ["24", "3"] and 'aria-current="true">Late delivery' in html and "Topic: Late delivery" in html
    assert texts(client.get("/comments/?topic=delivery-late&topic=rude-staff").content.decode()) == ["24", "3"]
    detractors = client.get("/comments/", {"band": "detractors", "q": "kettle"}).content.decode()
    assert texts(detractors)[:4] == ["24", "23", "22", "17"] and all(int(n) % 11 <= 6 for n in texts(detractors))
    none = client.get("/comments/", {"q": "no such words"}).content.decode()
    assert "No comments match these filters: remove one of them above." in none
    for bad in ({"band": "<script>"}, {"topic": "nope"}, {"period": "x"}, {"from": "2026-99-99"}, {"page": "x"}):
        response = client.get("/comments/", bad)
        assert response.status_code == 200 and "<script>" not in response.content.decode().split("<main", 1)[1]


def test_a_russian_reader_reads_labels_and_topic_names_in_russian(world, client):
    """Each row's source, product and topic chips in the reader's language, as the filters above it."""
    from npshub.feedback.models import DimensionValue, Topic
    from wagtail.models import Locale

    Topic.objects.filter(slug="delivery-late").update(name_ru="Поздняя доставка")
    DimensionValue.objects.create(dimension="product", slug="kettle", label="Электрочайник",
                                  locale=Locale.objects.get_or_create(language_code="ru")[0])
    world[24].__class__.objects.filter(pk=world[24].pk).update(product="kettle")
    client.force_login(f.user("employee", language="ru"))
    html = client.get("/comments/").content.decode()
    row = html.split(f'data-comment="{world[24].pk}"', 1)[1].split("</li>", 1)[0]
    assert "Поздняя доставка" in row and "Электрочайник" in row
    assert "Late delivery" not in row and "kettle" not in row.replace("the kettle", "")


def test_links_keep_the_filters():
    assert comments_page.comments_url(topic="late", period="90", band="") == "/comments/?topic=late&period=90"
