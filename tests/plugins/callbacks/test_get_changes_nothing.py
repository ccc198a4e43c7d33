"""No state change on GET (issue 10.14): every callbacks page and API endpoint, asked with GET by
people who could change things with POST, changes nothing but the audit trail of what they read;
the POST-only ones answer 405."""

import json

import pytest
from django.test import Client

from callbacks import workflow
from callbacks.models import AuditLog, CallAttempt, Callback, ConsentChange, FollowUpAction, GuideAcknowledgement, Recording
from callbacks.models import TrainingCollection
from npshub.feedback.models import ConsentTombstone, CustomerContact, Response
from tests import factories as f
from tests.plugins.callbacks import helpers as h

READS = {"contact_view", "listen"}  # reading is audited; nothing else may be written by a GET


def snapshot():
    rows = []
    for model in (Callback, CallAttempt, Recording, GuideAcknowledgement, ConsentChange, FollowUpAction,
                  ConsentTombstone, CustomerContact):
        rows.append((model.__name__, sorted(json.dumps(row, default=str, sort_keys=True) for row in model.objects.values())))
    rows.append(("consents", sorted(Response.objects.values_list("pk", "callback_consent", "data_consent"))))
    rows.append(("collections", sorted(TrainingCollection.calls.through.objects.values_list("trainingcollection_id", "callback_id"))))
    return rows


@pytest.mark.parametrize("role", ["caller", "cx_admin", "editor"])
def test_get_changes_nothing(role, settings):
    settings.CALLBACKS_PBX_DIAL_URL = "http://127.0.0.1:9/dial"
    settings.CALLBACKS_PBX_WEBHOOK_SECRET = "s3cret"
    done, recording, author = h.done_call()
    claimed = h.callback()
    user = h.person(role)  # central CX: sees every call; not acknowledged yet
    if role != "editor":
        workflow.acknowledge_guide(user)
        workflow.claim(user, claimed.pk)
    TrainingCollection.objects.create(name="Great calls")
    before, audit_before = snapshot(), AuditLog.objects.count()
    caller = role in ("caller", "cx_admin")
    page, post_only = (200 if caller else 403), (405 if caller else 403)  # the role check answers first
    curator = 405 if role in ("editor", "cx_admin") else 403
    expected = {
        "/callbacks/": page, "/callbacks/guide/?confirm=yes&next=/": page, f"/callbacks/{claimed.pk}/": page,
        "/callbacks/library/": 200, "/callbacks/training/": 200, f"/callbacks/recordings/{recording.pk}/": 200,
        f"/callbacks/{claimed.pk}/claim/": post_only, f"/callbacks/{claimed.pk}/release/": post_only,
        f"/callbacks/{claimed.pk}/outcome/?outcome=reached": post_only, f"/callbacks/{claimed.pk}/recording/": post_only,
        f"/callbacks/{claimed.pk}/dial/": post_only, f"/callbacks/{done.pk}/curate/?exemplary=1": curator,
        "/api/v1/callbacks/": page, f"/api/v1/callbacks/{claimed.pk}/": page, "/api/v1/callbacks/stats/": 200,
        "/api/v1/callbacks/library/": 200, f"/api/v1/callbacks/{claimed.pk}/claim/": post_only,
        f"/api/v1/callbacks/{claimed.pk}/release/": post_only, f"/api/v1/callbacks/{claimed.pk}/outcome/": post_only,
        f"/api/v1/callbacks/{claimed.pk}/recording/": post_only, f"/api/v1/callbacks/{claimed.pk}/dial/": post_only,
        f"/api/v1/callbacks/{done.pk}/exemplary/": curator,
        "/api/v1/callbacks/consent/withdraw/": 405 if role == "cx_admin" else 403,
        f"/api/v1/callbacks/{done.pk}/recording/pbx/": 405,
    }
    client, api = Client(), f.api(user)
    client.force_login(user)
    params = {"external_id": done.response.external_id, "source": "survey", "erase": "true"}
    for url, status in expected.items():
        reply = api.get(url, params) if url.startswith("/api/") else client.get(url)
        assert reply.status_code == status, (url, reply.status_code)
    assert snapshot() == before
    written = set(AuditLog.objects.order_by("pk")[audit_before:].values_list("action", flat=True))
    assert written <= READS, written
