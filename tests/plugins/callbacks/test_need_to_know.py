"""One need-to-know policy for call records (README "Who sees what"), checked on every page, API
endpoint and admin view that returns call data, as each of the five roles in each department.

The world: a recorded call in retail (R), one in e-commerce (E), and an e-commerce call an editor
marked exemplary (T, training material); an open callback in each department. Every call's notes
hold a phone number and an e-mail address; every comment a phone number.
"""

import pytest
from django.test import Client

from callbacks import access, workflow
from callbacks.models import Callback
from npshub.people.roles import ensure_groups
from tests import factories as f
from tests.plugins.callbacks import helpers as h

ROLES = ["employee", "caller", "team_manager", "editor", "cx_admin"]
DEPARTMENTS = ["retail", "ecommerce", "cx"]
CALLS = {"R": "retail", "E": "ecommerce", "T": "ecommerce"}
RAW = ["916 111-22-33", "anna.o@example.net", "916 123-45-67", "Anna Orlova"]  # notes, comment, contact


def expected_access(role, department, call):
    """The policy, written out: full records within the viewer's scope for callers, team managers
    and editors; everything for CX admins and central CX; training material for everyone."""
    if role == "cx_admin":
        return access.FULL
    if role != "employee" and department in ("cx", CALLS[call]):
        return access.FULL
    return access.TRAINING if call == "T" else None


@pytest.fixture
def world(org):
    ensure_groups()
    teams = {"retail": org.retail_team, "ecommerce": org.ecommerce_team, "cx": org.cx_team}
    calls = {}
    for name, department in CALLS.items():
        author = h.person("caller", team=teams[department], acknowledged=True)
        calls[name] = h.done_call(caller=author, team=teams[department].slug)
    workflow.mark_exemplary(h.person("cx_admin"), calls["T"][0])
    opened = {department: h.callback(team=teams[department].slug) for department in ("retail", "ecommerce")}
    return teams, calls, opened


def body_of(reply):
    return (b"".join(reply.streaming_content) if reply.streaming else reply.content).decode()


def assert_no_raw(text, where, notes_allowed=False):
    for value in RAW:
        if notes_allowed and value in RAW[:2]:
            continue
        assert value not in text, (where, value)


@pytest.mark.parametrize("department", DEPARTMENTS)
@pytest.mark.parametrize("role", ROLES)
def test_call_records_need_to_know(world, role, department):
    teams, calls, opened = world
    viewer = h.person(role, team=teams[department], acknowledged=True)
    client = Client()
    client.force_login(viewer)
    api = f.api(viewer)
    is_caller = role in ("caller", "cx_admin")
    library_roles = role != "employee"
    clear_notes = role == "cx_admin"
    seen = {name: expected_access(role, department, name) for name in CALLS}

    # The policy function itself.
    got = {c.pk: c.record_access for c in access.call_records(viewer, Callback.objects.filter(status="done"))}
    assert got == {calls[n][0].pk: level for n, level in seen.items() if level}

    # Recordings: stream only what the viewer may see.
    for name, (callback, recording, _author) in calls.items():
        reply = client.get(f"/callbacks/recordings/{recording.pk}/")
        assert reply.status_code == (200 if seen[name] else 403), (name, reply.status_code)

    # Call pages and the API's callback detail: the caller's queue scope.
    for name, (callback, _recording, _author) in calls.items():
        in_scope = seen[name] == access.FULL
        page = client.get(f"/callbacks/{callback.pk}/")
        detail = api.get(f"/api/v1/callbacks/{callback.pk}/")
        if is_caller:
            assert page.status_code == (200 if in_scope else 404), name
            assert detail.status_code == (200 if in_scope else 404), name
        else:
            assert (page.status_code, detail.status_code) == (403, 403), name
        assert_no_raw(body_of(page) + body_of(detail), f"/callbacks/{name}/", notes_allowed=clear_notes)
        if detail.status_code == 200:
            notes = detail.json()["notes"]
            assert notes == (h.NOTES if clear_notes else h.NOTES_MASKED)
            assert "[phone]" in detail.json()["comment"]

    # The queue (page and API): open callbacks of the viewer's scope.
    queue_page, queue_api = client.get("/callbacks/"), api.get("/api/v1/callbacks/")
    if is_caller:
        visible = {d for d in opened if role == "cx_admin" or department in ("cx", d)}
        assert {row["id"] for row in queue_api.json()["results"]} == {opened[d].pk for d in visible}
        for d, callback in opened.items():
            assert (f'href="/callbacks/{callback.pk}/"' in body_of(queue_page)) == (d in visible)
    else:
        assert (queue_page.status_code, queue_api.status_code) == (403, 403)
    assert_no_raw(body_of(queue_page) + body_of(queue_api), "queue")

    # The library (page and API): records of the scope and training material.
    library_page, library_api = client.get("/callbacks/library/"), api.get("/api/v1/callbacks/library/")
    if library_roles:
        html = body_of(library_page)
        for name, (callback, _recording, _author) in calls.items():
            assert (f'id="call-{callback.pk}"' in html) == bool(seen[name]), name
        rows = {row["id"]: row for row in library_api.json()["results"]}
        assert {pk: row["access"] for pk, row in rows.items()} == {calls[n][0].pk: lvl for n, lvl in seen.items() if lvl}
        for row in rows.values():
            assert row["notes"] == (h.NOTES if clear_notes else h.NOTES_MASKED)
        if not clear_notes:
            assert h.NOTES_MASKED in html
    else:
        assert (library_page.status_code, library_api.status_code) == (403, 403)
    assert_no_raw(body_of(library_page) + body_of(library_api), "library", notes_allowed=clear_notes)

    # Training calls: every employee, masked.
    training = client.get("/callbacks/training/")
    assert training.status_code == 200
    html = body_of(training)
    for name, (callback, _recording, _author) in calls.items():
        assert (f'id="call-{callback.pk}"' in html) == (name == "T"), name
    assert (h.NOTES if clear_notes else h.NOTES_MASKED) in html
    assert_no_raw(html, "training", notes_allowed=clear_notes)

    # The Wagtail admin: callbacks' ModelAdmin (CX admins hold its view permission).
    listing = client.get("/admin/callbacks/callback/")
    export = client.get("/admin/callbacks/callback/?export=csv")
    if role == "cx_admin":
        assert listing.status_code == 200 and export.status_code == 200
        for name, (callback, _recording, _author) in calls.items():
            inspect = client.get(f"/admin/callbacks/callback/inspect/{callback.pk}/")
            assert inspect.status_code == 200 and h.NOTES in body_of(inspect)
    else:
        assert listing.status_code == 302 and export.status_code == 302
        for name, (callback, _recording, _author) in calls.items():
            assert client.get(f"/admin/callbacks/callback/inspect/{callback.pk}/").status_code in (302, 404)
    assert_no_raw(body_of(listing) + body_of(export), "admin", notes_allowed=False)

    # Curation: editors and CX admins, only on what they may see.
    for name, (callback, _recording, _author) in calls.items():
        reply = api.post(f"/api/v1/callbacks/{callback.pk}/exemplary/")
        page = client.post(f"/callbacks/{callback.pk}/curate/", {"exemplary": "1"})
        if role in ("editor", "cx_admin"):
            assert reply.status_code == (200 if seen[name] else 404), name
            assert page.status_code == (302 if seen[name] else 404), name
        else:
            assert (reply.status_code, page.status_code) == (403, 403), name
        callback.refresh_from_db()
        assert callback.exemplary == (name == "T" or (role in ("editor", "cx_admin") and bool(seen[name])))


def test_notes_are_clear_for_their_author_only(world):
    teams, calls, opened = world
    callback, recording, author = calls["R"]
    colleague = h.person("caller", team=teams["retail"], acknowledged=True)
    for person, expected in ((author, h.NOTES), (colleague, h.NOTES_MASKED)):
        assert f.api(person).get(f"/api/v1/callbacks/{callback.pk}/").json()["notes"] == expected
        client = Client()
        client.force_login(person)
        assert expected in client.get(f"/callbacks/{callback.pk}/").content.decode()
        assert expected in client.get("/callbacks/library/").content.decode()


def test_training_collection_editor_offers_only_visible_exemplary_calls(world):
    teams, calls, opened = world
    editor = h.person("editor", team=teams["retail"])
    client = Client()
    client.force_login(editor)
    form = client.get("/admin/snippets/callbacks/trainingcollection/add/")
    assert form.status_code == 200
    choices = list(form.context["form"].fields["calls"].queryset.values_list("pk", flat=True))
    assert choices == [calls["T"][0].pk]


def test_library_reads_in_a_constant_number_of_queries(org):
    """No N+1: the library page and API cost the same number of queries for 3 calls and for 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    viewer = h.person("team_manager", team=org.ecommerce_team)
    client, api = Client(), f.api(viewer)
    client.force_login(viewer)

    def cost():
        counts = []
        for read in (lambda: api.get("/api/v1/callbacks/library/"), lambda: client.get("/callbacks/library/")):
            with CaptureQueriesContext(connection) as queries:
                assert read().status_code == 200
            counts.append(len(queries))
        return counts

    for _ in range(3):
        h.done_call(team="webshop")
    cost()  # the first request also loads the viewer's roles and profile, cached afterwards
    few = cost()
    for _ in range(9):
        h.done_call(team="webshop")
    assert cost() == few
    assert len(api.get("/api/v1/callbacks/library/").json()["results"]) == 12
