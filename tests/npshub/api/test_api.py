"""The /api/v1/ conventions: auth by session or token, JSON errors, schema and docs."""

import io

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token

from npshub.people import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(django_user_model):
    user = django_user_model.objects.create_user("emp", password="pw-12345")
    roles.grant(user, roles.EMPLOYEE)
    return user


def test_anonymous_gets_json_401(client):
    response = client.get("/api/v1/nps/summary/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_token_from_drf_create_token_authenticates(client, employee):
    out = io.StringIO()
    call_command("drf_create_token", "emp", stdout=out)
    key = Token.objects.get(user=employee).key
    assert key in out.getvalue()
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["username"] == "emp" and response.json()["roles"] == ["employee"]
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_unknown_route_wrong_method_and_bad_params_are_json(client, employee):
    client.force_login(employee)
    missing = client.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and "detail" in missing.json()
    wrong_method = client.delete("/api/v1/nps/summary/")
    assert wrong_method.status_code == 405 and "detail" in wrong_method.json()
    bad_date = client.get("/api/v1/nps/summary/?from=yesterday")
    assert bad_date.status_code == 400
    assert "'from' must be a date" in bad_date.json()["detail"]
    bad_interval = client.get("/api/v1/nps/timeseries/?interval=hour")
    assert bad_interval.status_code == 400 and "interval" in bad_interval.json()["detail"]
    reversed_range = client.get("/api/v1/nps/summary/?from=2026-02-01&to=2026-01-01")
    assert reversed_range.status_code == 400


def test_role_restricted_endpoint_is_403_for_plain_employee(client, employee):
    client.force_login(employee)
    response = client.get("/api/v1/callbacks/")
    assert response.status_code == 403 and "caller" in response.json()["detail"]


def test_schema_and_docs(client, employee):
    client.force_login(employee)  # both need a sign-in (tests/npshub/security/test_public_views.py)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    assert "/api/v1/nps/summary/" in text and "/api/v2/" not in text
    # The live stream is a plain Django view; it documents itself, with the schemes the API uses.
    schema = client.get("/api/schema/?format=json").json()
    live = schema["paths"]["/api/v1/live/"]["get"]
    assert "text/event-stream" in live["responses"]["200"]["content"]
    schemes = schema["components"]["securitySchemes"]
    assert all(name in schemes for requirement in live["security"] for name in requirement)
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


def test_wagtail_content_api_needs_sign_in(client, demo, employee):
    assert client.get("/api/v2/pages/").status_code in (401, 403)
    client.force_login(employee)
    response = client.get("/api/v2/pages/?type=pages.ArticlePage&fields=intro&locale=en")
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 2
    # Each language's tree on its own: the Russian translations of the same two articles.
    russian = client.get("/api/v2/pages/?type=pages.ArticlePage&fields=intro&locale=ru").json()
    assert russian["meta"]["total_count"] == 2
    assert {item["title"] for item in russian["items"]} == {
        "Звонок, который изменил мою неделю", "Чему критики научили нас в доставке"}
    assert all(item["meta"]["locale"] == "ru" for item in russian["items"])


def test_directory_hides_contact_details(client, demo, employee):
    client.force_login(employee)
    response = client.get("/api/v1/people/?team=contact-centre")
    assert response.status_code == 200
    rows = response.json()["results"]
    assert rows and all(set(row) == {"id", "name", "job_title", "team", "department"} for row in rows)
