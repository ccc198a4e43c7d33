"""The source webhook never tells which sources exist: an unknown source gets exactly the answer
a known source gets for the same unsigned, stale or badly signed delivery."""

import json
import time

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db

BODY = json.dumps({"external_id": "e-1", "submitted_at": "2026-03-01T10:00:00", "score": 3}).encode()


def cases():
    now = str(int(time.time()))
    return {
        "no headers": {},
        "not a number": {"HTTP_X_NPS_TIMESTAMP": "soon", "HTTP_X_NPS_SIGNATURE": "ab"},
        "stale": {"HTTP_X_NPS_TIMESTAMP": str(int(time.time()) - 3600), "HTTP_X_NPS_SIGNATURE": "ab" * 32},
        "bad signature": {"HTTP_X_NPS_TIMESTAMP": now, "HTTP_X_NPS_SIGNATURE": "ab" * 32},
    }


def answer(client, slug, headers):
    response = client.post(f"/api/v1/sources/{slug}/webhook/", data=BODY, content_type="application/json", **headers)
    return response.status_code, response.json(), response.get("WWW-Authenticate")


@pytest.mark.parametrize("case", list(cases()))
def test_unknown_and_known_sources_answer_alike(client, case):
    known = f.source("app-store")
    headers = cases()[case]
    for_known = answer(client, known.slug, headers)
    for_unknown = answer(client, "no-such-source", headers)
    assert for_known[0] == 401
    assert for_unknown == for_known
