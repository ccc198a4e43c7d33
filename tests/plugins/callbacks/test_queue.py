"""Consent gating, the queue's order, SLA, department scope and filters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from callbacks import queue, workflow
from callbacks.models import AuditLog, Callback
from npshub import events
from npshub.feedback.models import Response, Topic
from tests import factories as f
from tests.plugins.callbacks import helpers as h


def publish(ids):
    events.publish(events.responses_received, sender=Response, response_ids=ids, created_ids=ids, event_id="t")


def test_only_consenting_low_scores_enter_the_queue():
    both = h.customer(score=2)
    no_consent = h.customer(score=2, consent=False)
    only_callback = h.customer(score=2)
    Response.objects.filter(pk=only_callback.pk).update(data_consent=False)
    passive = h.customer(score=7)
    promoter = h.customer(score=10)
    old = h.customer(score=1, submitted_at=timezone.now() - timedelta(days=400))
    publish([r.pk for r in (both, no_consent, only_callback, passive, promoter, old)])
    assert list(Callback.objects.values_list("response_id", flat=True)) == [both.pk]
    publish([both.pk])  # idempotent
    assert Callback.objects.count() == 1


def test_passives_are_queued_when_configured(settings):
    settings.CALLBACKS_INCLUDE_PASSIVES = True
    passive = h.customer(score=8)
    publish([passive.pk])
    callback = Callback.objects.get()
    assert callback.category == "passive"
    assert callback.due_at == passive.created_at + timedelta(hours=settings.CALLBACKS_SLA_HOURS["passive"])


def test_lost_consent_removes_from_queue_at_once():
    callback = h.callback()
    Response.objects.filter(pk=callback.response_id).update(callback_consent=False)
    publish([callback.response_id])
    callback.refresh_from_db()
    assert callback.status == Callback.Status.WITHDRAWN
    assert AuditLog.objects.filter(action="consent_lost", object_id=str(callback.pk)).exists()


def test_priority_weights_score_age_and_segment(settings):
    now = timezone.now()
    settings.CALLBACKS_PRIORITY_WEIGHTS = {"score": 1, "age": 1, "segment": 1}
    settings.CALLBACKS_SEGMENT_VALUES = {"vip": 2, "new": 1}
    # score 0 (1.0), age 24 h of a 48 h SLA (0.5), vip (1.0) -> 100 * 2.5 / 3
    assert queue.compute_priority(0, "vip", now - timedelta(hours=24), "detractor", now) == 83.3
    assert queue.compute_priority(6, "new", now, "detractor", now) == round(100 * (0.4 + 0 + 0.5) / 3, 1)
    # age is capped at the SLA
    assert queue.compute_priority(0, "vip", now - timedelta(days=30), "detractor", now) == 100.0


def test_queue_order_overdue_and_department_scope(org):
    store_low = h.callback(score=0, team="store-1", segment="vip")
    web_mid = h.callback(score=5, team="webshop", segment="new")
    unknown_team = h.callback(score=1, team="no-such-team")
    Callback.objects.filter(pk=web_mid.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    central = h.person("caller", team=org.cx_team)  # CX is a central department: sees all
    data = f.api(central).get("/api/v1/callbacks/").json()
    ids = [row["id"] for row in data["results"]]
    assert ids[0] == store_low.pk and set(ids) == {store_low.pk, web_mid.pk, unknown_team.pk}
    row = next(r for r in data["results"] if r["id"] == web_mid.pk)
    assert row["overdue"] is True
    assert set(row) == {"id", "score", "segment", "product", "topics", "priority", "due_at", "overdue", "status", "claimed_by"}

    store_caller = h.person("caller", team=org.retail_team)
    ids = [row["id"] for row in f.api(store_caller).get("/api/v1/callbacks/").json()["results"]]
    assert ids == [store_low.pk]
    # a department filter cannot widen a caller's scope
    assert f.api(store_caller).get("/api/v1/callbacks/?department=ecommerce").json()["results"] == []
    # but narrows a central caller's
    ids = [row["id"] for row in f.api(central).get("/api/v1/callbacks/?department=ecommerce").json()["results"]]
    assert ids == [web_mid.pk]


def test_filters_product_region():
    kettle = h.callback(product="kettle", region="moscow")
    blender = h.callback(product="blender", region="kazan")
    client = f.api(h.person("cx_admin"))
    assert [r["id"] for r in client.get("/api/v1/callbacks/?product=blender").json()["results"]] == [blender.pk]
    assert [r["id"] for r in client.get("/api/v1/callbacks/?region=moscow").json()["results"]] == [kettle.pk]


def test_topic_filter():
    topic = Topic.objects.create(slug="delivery", name="Delivery")
    tagged = h.callback()
    tagged.response.topics.add(topic)
    h.callback()
    rows = f.api(h.person("cx_admin")).get("/api/v1/callbacks/?topic=delivery").json()["results"]
    assert [r["id"] for r in rows] == [tagged.pk] and rows[0]["topics"] == ["delivery"]


def test_queue_list_never_contains_contact_data():
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    body = f.api(caller).get("/api/v1/callbacks/").content.decode() + f.api(caller).get(f"/api/v1/callbacks/{callback.pk}/").content.decode()
    assert not h.shows_phone(body) and "Anna" not in body and "example.net" not in body


def test_queue_list_query_count(django_assert_max_num_queries):
    for _ in range(15):
        h.callback()
    client = f.api(h.person("cx_admin"))
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/callbacks/").json()["results"]) == 15


def test_refresh_priorities_ages_the_queue():
    callback = h.callback(score=5)
    before = callback.priority
    assert queue.refresh_priorities(now=timezone.now() + timedelta(hours=24)) == 1
    callback.refresh_from_db()
    assert callback.priority > before


def test_queue_page_filter_choices_are_scanned_once_per_scope_and_stay_in_it(org):
    """The products and regions on offer come from the callbacks the person sees; the scan over them is
    cached per scope, so the next page load does not repeat it, and another department's list is its own."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    h.callback(product="kettle", team="store-1")
    h.callback(product="blender", team="webshop")
    pages = {}
    for team in (org.retail_team, org.ecommerce_team):
        client = Client()
        client.force_login(h.person("caller", team=team, acknowledged=True))
        with CaptureQueriesContext(connection) as first:
            assert client.get("/callbacks/").status_code == 200
        with CaptureQueriesContext(connection) as again:
            pages[team.slug] = client.get("/callbacks/").content.decode()
        assert sum("DISTINCT" in q["sql"] for q in first.captured_queries) == 2
        assert sum("DISTINCT" in q["sql"] for q in again.captured_queries) == 0
    assert 'value="kettle"' in pages["store-1"] and 'value="blender"' not in pages["store-1"]
    assert 'value="blender"' in pages["webshop"] and 'value="kettle"' not in pages["webshop"]
