"""Signed webhooks: HMAC-SHA256 over timestamp + body, the source's field mapping, replays refused."""

import json
import time

import pytest

from npshub.feedback.api.sources import sign
from npshub.feedback.models import CustomerContact, Response, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.create(
        name="App store", slug="app-store",
        field_mapping={"external_id": "id", "score": "rating.nps", "comment": "review.text",
                       "submitted_at": "created", "customer_email": "author.email", "product": "tags.0"},
    )


def deliver(client, source, body, secret=None, timestamp=None, signature=None, prefix=""):
    raw = json.dumps(body).encode() if not isinstance(body, bytes) else body
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    signature = signature if signature is not None else sign(secret or source.webhook_secret, timestamp, raw)
    headers = {"HTTP_X_NPS_TIMESTAMP": timestamp, "HTTP_X_NPS_SIGNATURE": prefix + signature}
    return client.post(f"/api/v1/sources/{source.slug}/webhook/", data=raw, content_type="application/json", **headers)


REVIEW = {"id": "r-77", "created": "2026-03-02T09:30:00+03:00", "rating": {"nps": 4},
          "review": {"text": "App <i>crashes</i> on login"}, "author": {"email": "me@example.net"},
          "tags": ["mobile-app"]}


def test_signed_body_is_stored_through_the_field_mapping(client, source):
    response = deliver(client, source, REVIEW, prefix="sha256=")
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 1, "duplicates": 0, "updated": 0, "rejected": []}
    stored = Response.objects.get(source=source)
    assert (stored.external_id, stored.score, stored.comment, stored.product) == ("r-77", 4, "App crashes on login", "mobile-app")
    assert CustomerContact.objects.get(response=stored).email == "me@example.net"
    # A list, with a bad item reported by index; the same review again is a duplicate.
    bad = dict(REVIEW, id="r-78", rating={"nps": "ten"})
    second = deliver(client, source, [REVIEW, bad])
    assert second.json() == {"created": 0, "duplicates": 1, "updated": 0,
                             "rejected": [{"index": 1, "reason": "score must be a whole number 0..10, not 'ten'"}]}


def test_envelope_with_items_path(client, source):
    source.field_mapping = {**source.field_mapping, "_items": "data.reviews"}
    source.save()
    response = deliver(client, source, {"data": {"reviews": [REVIEW, dict(REVIEW, id="r-2")]}})
    assert response.status_code == 201 and response.json()["created"] == 2


@pytest.mark.parametrize("case", ["wrong secret", "missing signature", "tampered body", "stale", "future", "garbage"])
def test_bad_signature_is_401_and_stores_nothing(client, source, case):
    now = int(time.time())
    if case == "wrong secret":
        response = deliver(client, source, REVIEW, secret="not-the-secret")
    elif case == "missing signature":
        response = client.post(f"/api/v1/sources/{source.slug}/webhook/", data=json.dumps(REVIEW),
                               content_type="application/json", HTTP_X_NPS_TIMESTAMP=str(now))
    elif case == "tampered body":
        signature = sign(source.webhook_secret, now, json.dumps(REVIEW).encode())
        response = deliver(client, source, dict(REVIEW, rating={"nps": 10}), timestamp=now, signature=signature)
    elif case == "stale":
        response = deliver(client, source, REVIEW, timestamp=now - 302)
    elif case == "future":
        response = deliver(client, source, REVIEW, timestamp=now + 330)
    else:
        response = deliver(client, source, REVIEW, signature="zz" * 32)
    assert response.status_code == 401, response.content
    assert "detail" in response.json()
    assert not Response.objects.exists() and not CustomerContact.objects.exists()


def test_replay_is_refused(client, source):
    now = int(time.time())
    raw = json.dumps(REVIEW).encode()
    signature = sign(source.webhook_secret, now, raw)
    assert deliver(client, source, raw, timestamp=now, signature=signature).status_code == 201
    Response.objects.all().delete()
    replay = deliver(client, source, raw, timestamp=now, signature=signature)
    assert replay.status_code == 401 and "replay" in replay.json()["detail"]
    assert not Response.objects.exists()


def test_unknown_source_and_non_json(client, source):
    # An unknown source answers like a bad signature (tests/npshub/security/test_webhook_enumeration.py).
    assert client.post("/api/v1/sources/nope/webhook/", data="{}", content_type="application/json").status_code == 401
    bad = deliver(client, source, b"not json")
    assert bad.status_code == 400 and not Response.objects.exists()


def test_sources_list_for_cx_admins_without_secrets(client, source, django_user_model):
    from npshub.people import roles

    user = django_user_model.objects.create_user("cx", password="pw-12345")
    client.force_login(user)
    assert client.get("/api/v1/sources/").status_code == 403
    roles.grant(user, roles.CX_ADMIN)
    body = client.get("/api/v1/sources/").json()
    assert body[0]["slug"] == "app-store" and body[0]["webhook_url"].endswith("/api/v1/sources/app-store/webhook/")
    text = json.dumps(body)
    assert source.webhook_secret not in text and source.ingest_token not in text
