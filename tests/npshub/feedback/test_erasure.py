"""Erasure that stays erased, withdrawal that holds, and the retention of customer contacts.

A tombstone on (source, external_id) is honoured by every way in: the CSV command, the REST API,
the signed webhook (and, through the same Ingestor, pulls) — also when the response row itself
is gone and the re-sent answer is stored as new (PostgreSQL: the COPY path)."""

import io
import json
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.dispatch import receiver
from django.utils import timezone

from npshub import events
from npshub.feedback import erasure, retention
from npshub.feedback.ingest import ingest
from npshub.feedback.models import ConsentTombstone, CustomerContact, PurgeRun, Response, ResponseChange
from npshub.feedback.signing import sign
from tests import factories as f

pytestmark = pytest.mark.django_db

COMMENT = "Broken kettle. Call me on +7 916 123-45-67 or write to anna@example.net"
MASKED = "Broken kettle. Call me on [phone] or write to [e-mail]"
SUBMITTED = (timezone.now() - timedelta(days=1)).replace(microsecond=0).isoformat()


def record(external_id, **fields):
    return {
        "external_id": external_id, "submitted_at": SUBMITTED, "score": 3,
        "comment": COMMENT, "customer_name": "Anna Orlova", "customer_phone": "+7 916 123-45-67",
        "customer_email": "anna@example.net", "callback_consent": "yes", "data_consent": "yes", **fields,
    }


def erased_response(source, external_id="e-1"):
    """A customer's answer with contact and consents, stored by ingestion, then erased."""
    ingest(source, [record(external_id)])
    response = Response.objects.get(source=source, external_id=external_id)
    assert CustomerContact.objects.filter(response=response).exists()
    erasure.erase(response, actor=f.user("cx_admin"), channel="phone")
    return Response.objects.get(pk=response.pk)


def assert_still_erased(response):
    response.refresh_from_db()
    assert not response.callback_consent and not response.data_consent and response.consent_at is None
    assert response.comment == MASKED
    assert not CustomerContact.objects.filter(response=response).exists()


def test_erase_deletes_contact_masks_comment_and_leaves_a_tombstone(django_capture_on_commit_callbacks):
    source = f.source("survey")
    received = []

    @receiver(events.customer_erased, dispatch_uid="test.erased")
    def on_erased(sender, **kwargs):
        received.append(kwargs)

    try:
        response = erased_response(source)
    finally:
        events.customer_erased.disconnect(dispatch_uid="test.erased")
    assert_still_erased(response)
    assert response.score == 3  # the anonymous score stays
    tombstone = ConsentTombstone.objects.get(source=source, external_id="e-1")
    assert tombstone.kind == "erased" and tombstone.channel == "phone"
    change = ResponseChange.objects.get(response=response, via="erasure")
    assert change.changes == {"callback_consent": [True, False], "data_consent": [True, False],
                              "customer_contact": ["(erased)", None], "comment": ["(personal data)", "(masked)"]}
    assert "916" not in json.dumps(change.changes) and "anna" not in json.dumps(change.changes)
    [event] = received
    assert event["response"].pk == response.pk and event["channel"] == "phone"
    assert event["event_id"] == f"feedback.erased.{response.pk}"


def test_a_failing_receiver_rolls_the_whole_erasure_back():
    source = f.source("survey")
    ingest(source, [record("e-2")])
    response = Response.objects.get(external_id="e-2")

    @receiver(events.customer_erased, dispatch_uid="test.broken")
    def broken(sender, **kwargs):
        raise RuntimeError("storage is down")

    try:
        with pytest.raises(erasure.ErasureFailed):
            erasure.erase(response)
    finally:
        events.customer_erased.disconnect(dispatch_uid="test.broken")
    response.refresh_from_db()
    assert response.callback_consent and response.comment == COMMENT
    assert CustomerContact.objects.filter(response=response).exists()
    assert not ConsentTombstone.objects.exists()


def test_csv_api_and_webhook_re_sends_do_not_restore_an_erased_customer(tmp_path, client):
    source = f.source("survey")
    response = erased_response(source)
    # CSV
    path = tmp_path / "again.csv"
    row = record("e-1")
    path.write_text(",".join(row) + "\n" + ",".join(f'"{value}"' for value in row.values()) + "\n", encoding="utf-8")
    call_command("import_responses", str(path), "--source", "survey", stdout=io.StringIO())
    assert_still_erased(response)
    # REST API, as a CX admin
    reply = f.api(f.user("cx_admin")).post("/api/v1/responses/", [dict(record("e-1"), source="survey")], format="json")
    assert reply.status_code == 201 and reply.json()["duplicates"] == 1
    assert_still_erased(response)
    # Signed webhook
    body = json.dumps(record("e-1")).encode()
    timestamp = str(int(time.time()))
    reply = client.post("/api/v1/sources/survey/webhook/", data=body, content_type="application/json",
                        HTTP_X_NPS_TIMESTAMP=timestamp, HTTP_X_NPS_SIGNATURE=sign(source.webhook_secret, timestamp, body))
    assert reply.status_code == 201 and reply.json()["duplicates"] == 1
    assert_still_erased(response)
    # each refusal is logged, naming what was refused without copying it
    refusals = ResponseChange.objects.filter(response=response).exclude(via="erasure")
    assert sorted(refusals.values_list("via", flat=True)) == ["api", "cli", "webhook"]
    for change in refusals:
        assert set(change.changes) == {"callback_consent", "data_consent", "customer_contact", "comment"}
        assert "916" not in json.dumps(change.changes)


def test_a_re_sent_answer_stored_anew_is_still_erased():
    """The row is gone (deleted by an admin): the re-sent answer is a new row — inserted by COPY on
    PostgreSQL — and still carries no contact, no consent and a masked comment."""
    source = f.source("survey")
    response = erased_response(source)
    Response.objects.filter(pk=response.pk).delete()
    report = ingest(source, [record("e-1"), record("fresh-1")])
    assert report.created == 2
    again = Response.objects.get(source=source, external_id="e-1")
    assert_still_erased(again)
    fresh = Response.objects.get(source=source, external_id="fresh-1")
    assert fresh.callback_consent and CustomerContact.objects.filter(response=fresh).exists()
    assert ResponseChange.objects.filter(response=again, via="api").exists()


def test_withdrawal_keeps_consents_false_but_stores_the_contact():
    source = f.source("survey")
    ingest(source, [record("w-1")])
    response = Response.objects.get(external_id="w-1")
    erasure.withdraw(response, channel="e-mail")
    assert ConsentTombstone.objects.get().kind == "withdrawn"
    report = ingest(source, [record("w-1", customer_phone="+7 916 000-00-00")])
    response.refresh_from_db()
    assert not response.callback_consent and not response.data_consent
    assert CustomerContact.objects.get(response=response).phone == "+7 916 000-00-00"  # the contact may change
    assert response.comment == COMMENT and report.updated == 1
    # an erasure later upgrades the tombstone, never the other way round
    erasure.erase(response)
    erasure.withdraw(response)
    assert ConsentTombstone.objects.get().kind == "erased"


def test_contacts_are_purged_after_their_retention_unless_held(settings):
    settings.FEEDBACK_CONTACT_RETENTION_DAYS = 365
    old = f.response(contact=True, submitted_at=timezone.now() - timedelta(days=400))
    held = f.response(contact=True, submitted_at=timezone.now() - timedelta(days=400))
    recent = f.response(contact=True, submitted_at=timezone.now() - timedelta(days=30))

    @receiver(events.contact_retention_holds, dispatch_uid="test.hold")
    def hold(sender, cutoff, **kwargs):
        return Response.objects.filter(pk=held.pk).values("pk")

    try:
        run = retention.purge_contacts()
    finally:
        events.contact_retention_holds.disconnect(dispatch_uid="test.hold")
    assert set(CustomerContact.objects.values_list("response_id", flat=True)) == {held.pk, recent.pk}
    assert (run.what, run.purged, run.retention_days, run.error) == ("customer contacts", 1, 365, "")
    assert run.finished_at and abs((run.cutoff - (timezone.now() - timedelta(days=365))).total_seconds()) < 60
    assert old.score == 3 and Response.objects.filter(pk=old.pk).exists()  # the answer stays


def test_a_plugin_that_cannot_name_its_holds_stops_the_purge():
    f.response(contact=True, submitted_at=timezone.now() - timedelta(days=400))

    @receiver(events.contact_retention_holds, dispatch_uid="test.broken-hold")
    def broken(sender, **kwargs):
        raise RuntimeError("database away")

    try:
        with pytest.raises(RuntimeError):
            retention.purge_contacts()
    finally:
        events.contact_retention_holds.disconnect(dispatch_uid="test.broken-hold")
    assert CustomerContact.objects.count() == 1
    run = PurgeRun.objects.get()
    assert run.purged == 0 and "could not name the contacts" in run.error


def test_purge_runs_are_listed_read_only_for_cx_admins():
    from django.test import Client

    from npshub.people.roles import ensure_groups

    ensure_groups()
    retention.purge_contacts()
    run = PurgeRun.objects.get()
    for person in (f.user("cx_admin"), f.superuser()):
        client = Client()
        client.force_login(person)
        listing = client.get("/admin/feedback/purgerun/")
        assert listing.status_code == 200 and b"customer contacts" in listing.content
        for url in ("/admin/feedback/purgerun/create/", f"/admin/feedback/purgerun/edit/{run.pk}/",
                    f"/admin/feedback/purgerun/delete/{run.pk}/"):
            refused = client.get(url)  # wagtail-modeladmin: "permission denied" back to the dashboard
            assert (refused.status_code, refused["Location"]) == (302, "/admin/"), url
    employee = Client()
    employee.force_login(f.user("employee"))
    assert employee.get("/admin/feedback/purgerun/").status_code == 302
    assert PurgeRun.objects.count() == 1
