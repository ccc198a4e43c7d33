"""API throttles (npshub.api.throttling) with low rates: per signed-in user, per source ingest
token, per webhook sender; over the rate a 429 JSON {"detail"} with Retry-After."""

import json
import time

import pytest
from django.test import Client

from npshub.feedback.api.sources import sign
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**changed):
        framework = dict(settings.REST_FRAMEWORK)
        framework["DEFAULT_THROTTLE_RATES"] = {**framework["DEFAULT_THROTTLE_RATES"], **changed}
        settings.REST_FRAMEWORK = framework
    return set_rates


def assert_throttled(response):
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    detail = response.json()["detail"]
    assert detail.startswith("Request was throttled. Expected available in ")
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_user_over_the_rate_gets_429_and_others_do_not(rates):
    rates(user="3/min")
    busy, other = f.user("employee"), f.user("employee")
    client = f.api(busy, token=True)
    assert [client.get("/api/v1/nps/summary/").status_code for _ in range(3)] == [200, 200, 200]
    assert_throttled(client.get("/api/v1/nps/summary/"))
    assert_throttled(client.get("/api/v2/pages/"))  # Wagtail's content API counts too
    assert f.api(other).get("/api/v1/nps/summary/").status_code == 200


def test_a_source_token_over_the_rate_gets_429_and_other_sources_do_not(rates):
    rates(source="2/min")
    busy, quiet = f.source("busy-survey"), f.source("quiet-survey")
    item = {"external_id": "x", "submitted_at": "2026-03-01T10:00:00", "score": 9}

    def post(source, n):
        return Client().post("/api/v1/responses/", data=json.dumps({**item, "external_id": f"x{n}"}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Source {source.ingest_token}")

    assert [post(busy, n).status_code for n in range(2)] == [201, 201]
    assert_throttled(post(busy, 3))
    assert post(quiet, 4).status_code == 201


def test_webhooks_are_throttled_per_sender_before_their_signature_is_checked(rates):
    rates(webhook="2/min")
    source, other = f.source("app-store"), f.source("play-store")

    def deliver(target, address="10.1.1.1", signed=True):
        body = json.dumps({"external_id": f"w{time.monotonic_ns()}", "submitted_at": "2026-03-01T10:00:00", "score": 9}).encode()
        stamp = str(int(time.time()))
        signature = sign(target.webhook_secret, stamp, body) if signed else "0" * 64
        return Client().post(f"/api/v1/sources/{target.slug}/webhook/", data=body, content_type="application/json",
                             HTTP_X_NPS_TIMESTAMP=stamp, HTTP_X_NPS_SIGNATURE=signature, REMOTE_ADDR=address)

    assert deliver(source, signed=False).status_code == 401
    assert deliver(source).status_code == 201
    assert_throttled(deliver(source))
    assert deliver(source, address="10.1.1.2").status_code == 201  # another sender
    assert deliver(other).status_code == 201  # another source's webhook


def test_a_rate_set_off_never_throttles(rates):
    rates(user=None)
    client = f.api(f.user("employee"))
    assert {client.get("/api/v1/nps/summary/").status_code for _ in range(30)} == {200}
