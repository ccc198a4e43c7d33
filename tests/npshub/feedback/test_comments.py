"""GET /api/v1/comments/ and its export: filters, masking, never contact data."""

import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from npshub.feedback import ingest
from npshub.feedback.comments import comment_queryset
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import Topic
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    Topic.objects.create(name="Delivery", slug="delivery", keywords_en="courier, delivery", keywords_ru="курьер")
    Topic.objects.create(name="Price", slug="price", keywords_en="expensive")
    shop, app = f.source("shop"), f.source("app")
    ingest.ingest(shop, [
        {"external_id": "1", "submitted_at": "2026-01-10T10:00:00", "score": 2, "region": "north",
         "comment": "Courier late. Call +7 916 123-45-67 or mail ivan@example.net", "customer_name": "Ivan Secret",
         "customer_phone": "+7 999 111-22-33", "customer_email": "ivan.secret@example.net",
         "callback_consent": "yes", "data_consent": "yes"},
        {"external_id": "2", "submitted_at": "2026-01-11T10:00:00", "score": 9, "region": "south",
         "comment": "Курьер вежливый", "segment": "vip"},
        {"external_id": "3", "submitted_at": "2026-01-12T10:00:00", "score": 6, "region": "north",
         "comment": "Too expensive"},
        {"external_id": "4", "submitted_at": "2026-01-13T10:00:00", "score": 10, "comment": ""},
    ])
    ingest.ingest(app, [
        {"external_id": "a", "submitted_at": "2026-02-01T10:00:00", "score": 7, "comment": "=HYPERLINK(\"x\") expensive"},
    ])


@pytest.fixture
def employee(client):
    person = f.user("employee")
    client.force_login(person)
    return person


def ids(response):
    return [item["id"] for item in response.json()["results"]]



def test_list_is_newest_first_masked_and_without_contacts(client, data, employee, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/comments/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 4
    items = body["results"]
    assert [item["comment"][:6] for item in items] == ["=HYPER", "Too ex", "Курьер", "Courie"]
    first = items[-1]
    assert first["comment"] == "Courier late. Call [phone] or mail [e-mail]"
    assert first["topics"] == [{"slug": "delivery", "name": "Delivery"}]
    assert set(first) == {"id", "submitted_at", "score", "category", "comment", "topics", "source", "segment",
                          "product", "channel", "region", "team", "language"}
    assert first["category"] == "detractor" and first["source"] == "shop"
    text = response.content.decode()
    for secret in ("Ivan Secret", "999 111", "ivan.secret", "916 123", "ivan@example.net"):
        assert secret not in text


def test_filters(client, data, employee):
    get = lambda query: client.get(f"/api/v1/comments/?{query}")  # noqa: E731
    assert len(ids(get("topic=delivery"))) == 2
    assert len(ids(get("topic=delivery,price"))) == 4
    assert [item["source"] for item in get("topic=price&source=app").json()["results"]] == ["app"]
    assert [item["score"] for item in get("score_max=6").json()["results"]] == [6, 2]
    assert [item["score"] for item in get("score_min=7&score_max=9").json()["results"]] == [7, 9]
    assert [item["score"] for item in get("q=courier+late").json()["results"]] == [2]
    assert [item["score"] for item in get("region=north&from=2026-01-11").json()["results"]] == [6]
    assert [item["score"] for item in get("segment=vip").json()["results"]] == [9]
    assert get("topic=nothing").json()["count"] == 0
    assert get("page_size=1").json()["next"]


@pytest.mark.parametrize("query", ["score_min=x", "score_max=11", "score_min=-1", "score_min=8&score_max=3",
                                   "from=yesterday", "from=2026-02-01&to=2026-01-01"])
def test_bad_values_are_400_json(client, data, employee, query):
    response = client.get(f"/api/v1/comments/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"'{query.split('=')[0]}'")


def test_anonymous_is_401(client, data):
    assert client.get("/api/v1/comments/").status_code == 401
    assert client.get("/api/v1/comments/export/?format=csv").status_code == 401


def test_export_csv(client, data, employee):
    response = client.get("/api/v1/comments/export/?format=csv&region=north")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["id", "submitted_at", "score", "category", "comment", "topics", "source", "segment",
                       "product", "channel", "region", "team", "language"]
    assert [row[2] for row in rows[1:]] == ["6", "2"]
    assert rows[2][4] == "Courier late. Call [phone] or mail [e-mail]" and rows[2][5] == "delivery"
    assert "Ivan Secret" not in text and "999 111" not in text


def test_export_xlsx_never_makes_formulas(client, data, employee):
    response = client.get("/api/v1/comments/export/?format=xlsx&topic=price")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][4] == "comment" and len(rows) == 3
    assert rows[1][4] == "'=HYPERLINK(\"x\") expensive" and rows[1][6] == "app"
    assert client.get("/api/v1/comments/export/?format=pdf").status_code == 400


def test_queryset_interface_for_blocks(data):
    queryset = comment_queryset(StatsFilter(), topic="delivery", score_min=0, score_max=6)
    assert [response.external_id for response in queryset] == ["1"]
    assert queryset.query.select_related == {"source": {}}


def test_reading_comments_publishes_comments_read_for_people_not_sources():
    from npshub import events

    heard = []

    def receiver(sender, user=None, day=None, event_id=None, **kwargs):
        heard.append((user.pk, day, event_id))

    events.comments_read.connect(receiver, dispatch_uid="test.comments_read")
    try:
        reader = f.user("employee")
        assert f.api(reader).get("/api/v1/comments/").status_code == 200
        assert f.api().get("/api/v1/comments/").status_code == 401  # nobody: nothing published
    finally:
        events.comments_read.disconnect(dispatch_uid="test.comments_read")
    today = timezone.localdate()
    assert heard == [(reader.pk, today, f"comments_read.{reader.pk}.{today.isoformat()}")]
