"""Consent withdrawal and erasure (API and admin), and the segment playbooks."""

from pathlib import Path

import pytest
from django.test import Client

from callbacks import queue, recordings, workflow
from callbacks.models import AuditLog, Callback, ConsentChange, Playbook, PlaybookAction, Recording
from npshub import events
from npshub.feedback.models import CustomerContact, Response
from tests import factories as f
from tests.plugins.callbacks import helpers as h


def test_withdrawal_by_cx_admin_removes_from_queue_at_once():
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    admin = h.person("cx_admin")
    reply = f.api(admin).post("/api/v1/callbacks/consent/withdraw/", {
        "source": "survey", "external_id": callback.response.external_id, "channel": "phone"}, format="json")
    assert reply.status_code == 200 and reply.json() == {"response": callback.response_id, "withdrawn": True, "erased": False}
    callback.refresh_from_db()
    assert callback.status == Callback.Status.WITHDRAWN and callback.claimed_by is None
    assert not queue.queue_for(caller).filter(pk=callback.pk).exists()
    assert workflow.contact_for(caller, callback) is None  # the claimant loses the number too
    response = Response.objects.get(pk=callback.response_id)
    assert not response.callback_consent and not response.data_consent
    change = ConsentChange.objects.get()
    assert change.kind == "withdrawal" and change.recorded_by == admin and change.channel == "phone"
    assert AuditLog.objects.filter(action="consent_withdrawn", user=admin, object_id=str(response.pk)).exists()
    # a later re-import with consent does not silently bring a withdrawn callback back
    assert queue.queue_responses([response.pk]) == 0


def test_withdrawal_by_source_token():
    callback = h.callback()
    source = f.source()
    client = Client()
    reply = client.post("/api/v1/callbacks/consent/withdraw/", {"external_id": callback.response.external_id},
                        content_type="application/json", HTTP_AUTHORIZATION=f"Source {source.ingest_token}")
    assert reply.status_code == 200
    assert AuditLog.objects.filter(action="consent_withdrawn", actor="source:survey").exists()
    # a source token cannot touch another source's responses
    from npshub.feedback.models import Source

    other = Source.objects.create(name="Other", slug="other")
    reply = client.post("/api/v1/callbacks/consent/withdraw/", {"source": "survey", "external_id": "x"},
                        content_type="application/json", HTTP_AUTHORIZATION=f"Source {other.ingest_token}")
    assert reply.status_code == 403
    bad = client.post("/api/v1/callbacks/consent/withdraw/", {"external_id": "x"},
                      content_type="application/json", HTTP_AUTHORIZATION="Source nope")
    assert bad.status_code == 401


@pytest.mark.parametrize("role", ["employee", "caller", "team_manager", "editor"])
def test_withdrawal_needs_cx_admin(role):
    callback = h.callback()
    reply = f.api(h.person(role)).post("/api/v1/callbacks/consent/withdraw/", {
        "source": "survey", "external_id": callback.response.external_id}, format="json")
    assert reply.status_code == 403
    assert Callback.objects.get().status == Callback.Status.OPEN


def test_unknown_response():
    f.source()
    reply = f.api(h.person("cx_admin")).post("/api/v1/callbacks/consent/withdraw/", {"source": "survey", "external_id": "nope"}, format="json")
    assert reply.status_code == 404


def test_erasure_deletes_personal_data_and_recordings_keeps_the_score(django_capture_on_commit_callbacks):
    callback = h.callback(score=2)
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    recording = recordings.attach(callback, h.upload(), caller)
    path = Path(recording.file.path)
    workflow.record_outcome(caller, callback.pk, "reached", notes="She lives at 5 Tverskaya street")
    admin = h.person("cx_admin")
    with django_capture_on_commit_callbacks(execute=True):
        reply = f.api(admin).post("/api/v1/callbacks/consent/withdraw/", {
            "source": "survey", "external_id": callback.response.external_id, "erase": True}, format="json")
    assert reply.status_code == 200 and reply.json()["erased"] is True
    assert not CustomerContact.objects.filter(response_id=callback.response_id).exists()
    assert not Recording.objects.exists() and not path.exists()
    callback.refresh_from_db()
    assert callback.notes == "" and callback.call_attempts.get().notes == ""
    response = Response.objects.get(pk=callback.response_id)
    assert response.score == 2  # the anonymous score stays for statistics
    assert AuditLog.objects.filter(action="erasure", user=admin, detail__recordings=1).exists()
    assert set(ConsentChange.objects.values_list("kind", flat=True)) == {"withdrawal", "erasure"}


def test_cx_admin_records_withdrawal_in_the_admin():
    callback = h.callback()
    admin = h.person("cx_admin")
    from npshub.people.roles import ensure_groups
    ensure_groups()
    client = Client()
    client.force_login(admin)
    url = "/admin/callbacks/consentchange/create/"
    assert client.get(url).status_code == 200
    reply = client.post(url, {"response": callback.response_id, "kind": "withdrawal", "channel": "e-mail"})
    assert reply.status_code == 302, reply.content.decode()[:2000]
    callback.refresh_from_db()
    assert callback.status == Callback.Status.WITHDRAWN
    assert ConsentChange.objects.get().recorded_by == admin
    assert AuditLog.objects.filter(action="consent_withdrawn", user=admin).exists()


def test_employee_cannot_reach_callback_admin():
    h.callback()
    client = Client()
    client.force_login(h.person("employee"))
    for url in ("/admin/callbacks/callback/", "/admin/callbacks/consentchange/create/", "/admin/callbacks/auditlog/"):
        assert client.get(url).status_code in (302, 403)


def _publish(ids, capture):
    with capture(execute=True):
        events.publish(events.responses_received, sender=Response, response_ids=ids, created_ids=ids, event_id="p")


def test_promoter_thank_you_email_through_the_digest_sender(smtp, django_capture_on_commit_callbacks):
    Playbook.objects.create(name="Thanks", category="promoter", action="thank_you_email",
                            subject="Thank you for recommending us", message="Dear {name}, thank you!")
    promoter = h.customer(score=10, email="anna@example.net", name="Anna <b>Orlova</b>")
    no_consent = h.customer(score=10, consent=False, email="no@example.net")
    detractor = h.customer(score=2, email="d@example.net")
    _publish([promoter.pk, no_consent.pk, detractor.pk], django_capture_on_commit_callbacks)
    action = PlaybookAction.objects.get()
    assert action.response == promoter and action.result == "sent" and action.done_at
    [message] = smtp.messages()
    assert message["To"] == "anna@example.net" and message["Subject"] == "Thank you for recommending us"
    # a redelivered event sends nothing twice
    _publish([promoter.pk], django_capture_on_commit_callbacks)
    assert PlaybookAction.objects.count() == 1 and len(smtp.messages()) == 1


def test_detractor_playbook_can_stop_queueing(django_capture_on_commit_callbacks):
    Playbook.objects.create(name="No calls", category="detractor", action="none")
    response = h.customer(score=1)
    _publish([response.pk], django_capture_on_commit_callbacks)
    assert not Callback.objects.exists()


@pytest.fixture
def smtp(tmp_path, settings):
    from tests.npshub.digest.conftest import start_smtp_server

    server = start_smtp_server(tmp_path)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield server
    server.stop()


@pytest.mark.parametrize("way", ["api", "admin"])
def test_erasure_stays_erased_when_the_source_sends_the_answer_again(way, django_capture_on_commit_callbacks):
    """Erased through the API or the admin's consent change: re-posting the same (source,
    external_id) with consents and contact restores neither, and the customer never re-enters
    the queue; their recordings and notes (as typed and masked) stay gone."""
    from npshub.feedback.models import ConsentTombstone
    from npshub.people.roles import ensure_groups

    callback, recording, caller = h.done_call()
    response = callback.response
    admin = h.person("cx_admin")
    with django_capture_on_commit_callbacks(execute=True):
        if way == "api":
            reply = f.api(admin).post("/api/v1/callbacks/consent/withdraw/", {
                "source": "survey", "external_id": response.external_id, "erase": True}, format="json")
        else:
            ensure_groups()
            client = Client()
            client.force_login(admin)
            reply = client.post("/admin/callbacks/consentchange/create/", {"response": response.pk, "kind": "erasure", "channel": "letter"})
    assert reply.status_code in (200, 302)
    assert ConsentTombstone.objects.get(external_id=response.external_id).kind == "erased"
    again = {"source": "survey", "external_id": response.external_id, "submitted_at": response.submitted_at.isoformat(),
             "score": response.score, "team": response.team, "comment": h.COMMENT, "callback_consent": True,
             "data_consent": True, "customer_name": "Anna Orlova", "customer_phone": "+7 916 123-45-67"}
    with django_capture_on_commit_callbacks(execute=True):
        assert f.api(admin).post("/api/v1/responses/", [again], format="json").status_code == 201
    response.refresh_from_db()
    assert not response.callback_consent and not response.data_consent
    assert not CustomerContact.objects.filter(response=response).exists()
    assert "916" not in response.comment
    assert Callback.objects.filter(response=response).count() == 1
    callback.refresh_from_db()
    assert (callback.notes, callback.notes_masked, callback.tags) == ("", "", "")
    assert list(callback.call_attempts.values_list("notes", "notes_masked")) == [("", "")]
    assert not Recording.objects.exists()
    assert not queue.queue_for(h.person("cx_admin", acknowledged=True)).filter(response=response).exists()
