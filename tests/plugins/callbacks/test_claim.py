"""Claims: guide first, exclusive, expiring; release; outcomes, retries, follow-ups, events."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.dispatch import receiver
from django.utils import timezone
from rest_framework.authtoken.models import Token

from callbacks import queue, tasks, workflow
from callbacks.models import AuditLog, CallAttempt, Callback, FollowUpAction
from npshub import events
from tests import factories as f
from tests.plugins.callbacks import helpers as h


def test_first_claim_needs_the_caller_guide():
    from callbacks.demo import _training_pages

    from content.pages import ensure_wagtail_roots
    from npshub.pages.models import HomePage

    ensure_wagtail_roots().add_child(instance=HomePage(title="Hub", slug="hub"))
    _training_pages(type("Out", (), {"write": lambda self, s: None})())
    callback = h.callback()
    caller = h.person("caller")
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/claim/")
    assert reply.status_code == 403
    body = reply.json()
    assert "caller guide" in body["detail"] and body["guide_url"] == "/callbacks/guide/"
    workflow.acknowledge_guide(caller)
    assert f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/claim/").status_code == 200


def test_claim_shows_contact_to_the_claimant_only():
    callback = h.callback()
    caller, other = h.person("caller", acknowledged=True), h.person("caller", acknowledged=True)
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/claim/")
    assert reply.status_code == 200
    body = reply.json()
    assert body["customer"] == {"name": "Anna Orlova", "phone": "+7 916 123-45-67"}
    assert body["dial_uri"] == "tel:+79161234567"
    assert body["claim_expires_at"]
    assert AuditLog.objects.filter(action="contact_view", user=caller).count() == 1
    # a second claim by someone else: 409, audited, no contact data
    second = f.api(other).post(f"/api/v1/callbacks/{callback.pk}/claim/")
    assert second.status_code == 409
    assert "already calling" in second.json()["detail"] and not h.shows_phone(second.content.decode())
    assert AuditLog.objects.filter(action="claim_refused", user=other).exists()
    # claiming again one's own claim renews it
    assert f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/claim/").status_code == 200


def test_dial_uri_template(settings):
    settings.CALLBACKS_DIAL_URI = "sip:{phone}@pbx.example.com"
    assert workflow.dial_uri("+7 (916) 123-45-67") == "sip:+79161234567@pbx.example.com"
    settings.CALLBACKS_DIAL_URI = "https://pbx.example.com/dial"
    assert workflow.dial_uri("+7 916") is None


def test_claim_without_consent_is_refused():
    from npshub.feedback.models import Response

    callback = h.callback()
    Response.objects.filter(pk=callback.response_id).update(data_consent=False)
    reply = f.api(h.person("caller", acknowledged=True)).post(f"/api/v1/callbacks/{callback.pk}/claim/")
    assert reply.status_code == 409 and "consent" in reply.json()["detail"]
    callback.refresh_from_db()
    assert callback.status == Callback.Status.WITHDRAWN
    assert AuditLog.objects.filter(action="claim_refused", detail__reason="missing consent").exists()


def test_expired_claims_are_released_and_refuse_outcomes():
    callback = h.callback()
    caller, other = h.person("caller", acknowledged=True), h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk, now=timezone.now() - timedelta(hours=1))
    # the claimant's expired claim: outcome refused, contact hidden
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/outcome/", {"outcome": "reached"}, format="json")
    assert reply.status_code == 409 and "expired" in reply.json()["detail"]
    assert AuditLog.objects.filter(action="outcome_refused", detail__reason="claim expired").exists()
    callback.refresh_from_db()
    assert workflow.contact_for(caller, callback) is None
    # someone else may take an expired claim
    assert f.api(other).post(f"/api/v1/callbacks/{callback.pk}/claim/").status_code == 200
    callback.refresh_from_db()
    assert callback.claimed_by == other


def test_expire_claims_task():
    callback = h.callback()
    workflow.claim(h.person("caller", acknowledged=True), callback.pk, now=timezone.now() - timedelta(hours=1))
    assert tasks.expire_claims.delay().get() == 1
    callback.refresh_from_db()
    assert callback.status == Callback.Status.OPEN and callback.claimed_by is None
    assert AuditLog.objects.filter(action="claim_expired").count() == 1


def test_release():
    callback = h.callback()
    caller, other = h.person("caller", acknowledged=True), h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    assert f.api(other).post(f"/api/v1/callbacks/{callback.pk}/release/").status_code == 409
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/release/")
    assert reply.status_code == 200 and reply.json()["status"] == "open"


def test_outcome_reached_completes_and_publishes_once(org, django_capture_on_commit_callbacks):
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    received = []

    @receiver(events.callback_completed, dispatch_uid="test.completed")
    def on_completed(sender, **kwargs):
        received.append(kwargs)

    try:
        workflow.claim(caller, callback.pk)
        with django_capture_on_commit_callbacks(execute=True):
            reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/outcome/", {
            "outcome": "reached", "notes": "<script>alert(1)</script>Promised a <b>refund</b>", "resolved": True,
                "tags": ["refund", "kettle"], "follow_ups": [{"team": "store-1", "description": "Refund the kettle"}],
            }, format="json")
        assert reply.status_code == 200, reply.content
        assert reply.json()["status"] == "done"
    finally:
        events.callback_completed.disconnect(dispatch_uid="test.completed")
    callback.refresh_from_db()
    assert callback.notes == "alert(1)Promised a refund"
    assert callback.tags == "refund, kettle" and callback.resolved and callback.completed_by == caller
    assert callback.first_contact_at is not None
    assert FollowUpAction.objects.get().team == org.retail_team
    assert len(received) == 1
    event = received[0]
    assert event["user"] == caller and event["outcome"] == "reached" and event["resolved"] is True
    assert event["event_id"] == f"callbacks.completed.{CallAttempt.objects.get().pk}"


def test_bad_outcome_input():
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    assert f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/outcome/", {"outcome": "maybe"}, format="json").status_code == 400
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/outcome/", {
        "outcome": "reached", "follow_ups": [{"team": "nope", "description": "x"}]}, format="json")
    assert reply.status_code == 400 and "nope" in reply.json()["detail"]
    assert not CallAttempt.objects.exists()  # nothing half-saved
    callback.refresh_from_db()
    assert callback.status == Callback.Status.CLAIMED


def test_no_answer_schedules_a_second_attempt(settings):
    settings.CALLBACKS_MAX_ATTEMPTS = 2
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    callback, _ = workflow.record_outcome(caller, callback.pk, "no_answer")
    assert callback.status == Callback.Status.OPEN and callback.first_contact_at is None
    assert callback.next_attempt_at > timezone.now() + timedelta(hours=settings.CALLBACKS_RETRY_HOURS - 1)
    # hidden from the active queue until the next attempt is due
    assert not queue.queue_for(caller).filter(pk=callback.pk).exists()
    assert queue.queue_for(caller, now=callback.next_attempt_at + timedelta(minutes=1)).filter(pk=callback.pk).exists()
    workflow.claim(caller, callback.pk)
    callback, _ = workflow.record_outcome(caller, callback.pk, "no_answer")
    assert callback.status == Callback.Status.DONE and callback.attempts == 2


def test_recovery_rule_and_event(django_capture_on_commit_callbacks):
    from npshub.feedback.models import Response

    callback = h.callback(phone="+7 (916) 123-45-67", email="Anna@Example.net")
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    workflow.record_outcome(caller, callback.pk, "reached")
    received = []

    @receiver(events.customer_recovered, dispatch_uid="test.recovered")
    def on_recovered(sender, **kwargs):
        received.append(kwargs)

    def publish(response):
        with django_capture_on_commit_callbacks(execute=True):
            events.publish(events.responses_received, sender=Response, response_ids=[response.pk], created_ids=[response.pk], event_id="x")

    try:
        later = timezone.now() + timedelta(days=3)
        publish(h.customer(score=6, phone="89161234567", email="", submitted_at=later))  # still a detractor
        publish(h.customer(score=9, phone="+44 20 7946 0958", email="someone@else.net", submitted_at=later))  # someone else
        publish(h.customer(score=9, phone="", email="anna@example.net", submitted_at=timezone.now() - timedelta(days=3)))  # before the call
        assert received == []
        winner = h.customer(score=9, phone="8 916 123 45 67", email="", submitted_at=later)  # same last 10 digits
        publish(winner)
        publish(h.customer(score=10, phone="", email="anna@example.net", submitted_at=later))  # credited only once
    finally:
        events.customer_recovered.disconnect(dispatch_uid="test.recovered")
    assert len(received) == 1
    assert received[0]["user"] == caller and received[0]["event_id"] == f"callbacks.recovered.{callback.pk}"
    callback.refresh_from_db()
    assert callback.recovery_response == winner


def test_recovery_matches_customers_as_their_journey_does(django_capture_on_commit_callbacks):
    """One rule for "the same customer" (npshub.feedback.journeys): an e-mail-only customer is matched
    by e-mail whatever its case, and the later answer joins the called-back answer's journey."""
    from npshub.feedback import journeys
    from npshub.feedback.models import Response

    callback = h.callback(phone="", email="Boris@Example.net")
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    workflow.record_outcome(caller, callback.pk, "reached")
    later = h.customer(score=10, phone="", email="boris@example.NET", submitted_at=timezone.now() + timedelta(days=2))
    journeys.assign_keys([callback.response_id, later.pk])  # as ingestion does
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(events.responses_received, sender=Response, response_ids=[later.pk], created_ids=[later.pk], event_id="y")
    callback.refresh_from_db()
    assert callback.recovery_response == later
    assert later.pk in [r.pk for r in journeys.journey(Response.objects.get(pk=callback.response_id))]


def test_exemplary_event_once(django_capture_on_commit_callbacks):
    callback = h.callback()
    caller, editor = h.person("caller", acknowledged=True), h.person("editor")
    workflow.claim(caller, callback.pk)
    workflow.record_outcome(caller, callback.pk, "reached")
    received = []

    @receiver(events.exemplary_call, dispatch_uid="test.exemplary")
    def on_exemplary(sender, **kwargs):
        received.append(kwargs)

    try:
        assert f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/exemplary/").status_code == 403
        with django_capture_on_commit_callbacks(execute=True):
            assert f.api(editor).post(f"/api/v1/callbacks/{callback.pk}/exemplary/").status_code == 200
            assert f.api(editor).post(f"/api/v1/callbacks/{callback.pk}/exemplary/").status_code == 200
    finally:
        events.exemplary_call.disconnect(dispatch_uid="test.exemplary")
    assert [e["event_id"] for e in received] == [f"callbacks.exemplary.{callback.pk}"]
    assert received[0]["user"] == caller


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_exactly_one_winner(live_server):
    """Eight callers click "claim" at the same moment, each through its own HTTP connection to a
    live threaded server (own DB connection per request thread): exactly one wins, seven get 409.
    On PostgreSQL the requests race for real; on SQLite writes are serialised by the database,
    and the conditional UPDATE still has to decide each race correctly."""
    import requests

    callback = h.callback()
    users = [h.person("caller", acknowledged=True) for _ in range(8)]
    tokens = [Token.objects.create(user=user).key for user in users]
    connection.close()
    barrier = threading.Barrier(len(tokens))
    results = []

    def click(token):
        session = requests.Session()
        barrier.wait()
        reply = session.post(f"{live_server.url}/api/v1/callbacks/{callback.pk}/claim/",
                             headers={"Authorization": f"Token {token}"}, timeout=60)
        results.append((reply.status_code, reply.json()))

    threads = [threading.Thread(target=click, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * 7, results
    winner = next(body for code, body in results if code == 200)
    assert winner["customer"]["phone"] == "+7 916 123-45-67"
    assert all("customer" not in body for code, body in results if code == 409)
    callback.refresh_from_db()
    assert callback.status == Callback.Status.CLAIMED
    assert AuditLog.objects.filter(action="claim").count() == 1
    assert AuditLog.objects.filter(action="claim_refused").count() == 7
