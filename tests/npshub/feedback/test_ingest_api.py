"""POST /api/v1/responses/: CX admins and a source's own ingest token; report with indexes."""

import json

import pytest
from rest_framework.authtoken.models import Token

from npshub.feedback.models import CustomerContact, Response, Source
from npshub.people import roles

pytestmark = pytest.mark.django_db
URL = "/api/v1/responses/"


@pytest.fixture
def source():
    return Source.objects.create(name="Web shop", slug="webshop")


@pytest.fixture
def cx_admin(django_user_model):
    user = django_user_model.objects.create_user("cx", password="pw-12345")
    roles.grant(user, roles.EMPLOYEE, roles.CX_ADMIN)
    return user


@pytest.fixture
def employee(django_user_model):
    user = django_user_model.objects.create_user("emp", password="pw-12345")
    roles.grant(user, roles.EMPLOYEE)
    return user


def post(client, body, **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", **headers)


def item(n, **extra):
    return {"source": "webshop", "external_id": f"e-{n}", "submitted_at": "2026-03-01T12:00:00", "score": 8, **extra}


def test_cx_admin_posts_a_list_with_bad_items_reported_by_index(client, cx_admin, source):
    client.force_login(cx_admin)
    response = post(client, [
        item(0, comment="<b>Fine</b>", customer_email="x@example.net"),
        item(1, score=12),
        {"external_id": "e-2", "submitted_at": "2026-03-01", "score": 5},  # no source
        item(3, source="nowhere"),
        "a string",
        item(5, submitted_at="soon"),
        item(0, comment="<b>Fine</b>", customer_email="x@example.net"),  # same again: duplicate
    ])
    assert response.status_code == 201
    body = response.json()
    assert (body["created"], body["duplicates"], body["updated"]) == (1, 1, 0)
    assert body["rejected"] == [
        {"index": 1, "reason": "score must be between 0 and 10, not 12"},
        {"index": 2, "reason": "source is required (a source slug)"},
        {"index": 3, "reason": "unknown source 'nowhere'"},
        {"index": 4, "reason": "must be an object with the response's fields"},
        {"index": 5, "reason": "submitted_at is not an ISO 8601 date and time: 'soon'"},
    ]
    stored = Response.objects.get()
    assert stored.comment == "Fine" and CustomerContact.objects.get().email == "x@example.net"
    # One object (not a list) works too, and a changed comment updates.
    again = post(client, item(0, comment="Fine, but slow"))
    assert again.status_code == 201 and again.json() == {"created": 0, "duplicates": 0, "updated": 1, "rejected": []}


def test_body_must_be_json_object_or_list(client, cx_admin, source):
    client.force_login(cx_admin)
    for body in ("not json", "42", '"text"', "null"):
        response = post(client, body)
        assert response.status_code == 400, body
        assert "detail" in response.json()
    form = client.post(URL, data={"external_id": "a"})  # a form, not JSON
    assert form.status_code == 400
    assert not Response.objects.exists()


def test_roles(client, employee, source):
    assert post(client, item(1)).status_code == 401
    client.force_login(employee)
    denied = post(client, item(1))
    assert denied.status_code == 403 and "cx_admin" in denied.json()["detail"]
    key = Token.objects.create(user=employee).key
    client.logout()
    assert post(client, item(1), HTTP_AUTHORIZATION=f"Token {key}").status_code == 403
    assert not Response.objects.exists()


def test_source_token_posts_to_its_own_source_only(client, source):
    other = Source.objects.create(name="Marketplace", slug="marketplace")
    auth = {"HTTP_AUTHORIZATION": f"Source {source.ingest_token}"}
    ok = post(client, [item(1), {k: v for k, v in item(2).items() if k != "source"}], **auth)
    assert ok.status_code == 201 and ok.json()["created"] == 2
    assert set(Response.objects.values_list("source__slug", flat=True)) == {"webshop"}
    foreign = post(client, item(3, source="marketplace"), **auth)
    assert foreign.status_code == 403 and "only post to source 'webshop'" in foreign.json()["detail"]
    assert not Response.objects.filter(source=other).exists()
    wrong = post(client, item(4), HTTP_AUTHORIZATION="Source not-a-real-token")
    assert wrong.status_code == 401
    source.active = False
    source.save()
    assert post(client, item(5), **auth).status_code == 401
    assert Response.objects.count() == 2
