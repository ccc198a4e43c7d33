"""The permission matrix of every page and API endpoint, and the caller pages themselves."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.test import Client
from django.utils import timezone

from callbacks import metrics_provider, recordings, stats, tasks, workflow
from callbacks.access import SearchThrottle
from callbacks.models import AuditLog, Callback, TrainingCollection
from npshub import metrics
from tests import factories as f
from tests.plugins.callbacks import helpers as h

ROLES = ["employee", "caller", "team_manager", "editor", "cx_admin"]
CALLERS = {"caller", "cx_admin"}


@pytest.fixture
def done_call():
    callback = h.callback()
    caller = h.person("caller", acknowledged=True, username="thecaller")
    workflow.claim(caller, callback.pk)
    recording = recordings.attach(callback, h.upload(), caller)
    workflow.record_outcome(caller, callback.pk, "reached", notes="Kind conversation", resolved=True)
    callback.refresh_from_db()
    return callback, recording, caller


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("method,path,allowed", [
    ("get", "/api/v1/callbacks/", CALLERS),
    ("get", "/api/v1/callbacks/{id}/", CALLERS),
    ("post", "/api/v1/callbacks/{open}/claim/", CALLERS),
    ("post", "/api/v1/callbacks/{open}/release/", CALLERS),
    ("post", "/api/v1/callbacks/{open}/outcome/", CALLERS),
    ("post", "/api/v1/callbacks/{open}/recording/", CALLERS),
    ("post", "/api/v1/callbacks/{id}/exemplary/", {"editor", "cx_admin"}),
    ("get", "/api/v1/callbacks/stats/", {"caller", "team_manager", "editor", "cx_admin"}),
    ("post", "/api/v1/callbacks/consent/withdraw/", {"cx_admin"}),
])
def test_api_permission_matrix(done_call, role, method, path, allowed):
    callback, _recording, _caller = done_call
    open_callback = h.callback()
    user = h.person(role, acknowledged=True)
    url = path.format(id=callback.pk, open=open_callback.pk)
    data = {"source": "survey", "external_id": "none"} if "consent" in url else {}
    reply = getattr(f.api(user), method)(url, data, format="json")
    if role in allowed:
        assert reply.status_code not in (401, 403), (url, reply.content)
    else:
        assert reply.status_code == 403, (url, reply.status_code)
        assert "detail" in reply.json()
        assert not h.shows_phone(reply.content.decode())
    assert f.api().get("/api/v1/callbacks/").status_code == 401


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path,allowed", [
    ("/callbacks/", CALLERS),
    ("/callbacks/guide/", CALLERS),
    ("/callbacks/{id}/", CALLERS),
    ("/callbacks/library/", {"caller", "team_manager", "editor", "cx_admin"}),
    ("/callbacks/training/", {"employee", "caller", "team_manager", "editor", "cx_admin"}),
    ("/callbacks/recordings/{rec}/", {"caller", "team_manager", "editor", "cx_admin"}),
])
def test_page_permission_matrix(done_call, role, path, allowed):
    callback, recording, _caller = done_call
    user = h.person(role)
    reply = client_for(user).get(path.format(id=callback.pk, rec=recording.pk))
    assert reply.status_code == (200 if role in allowed else 403)
    if reply.status_code == 403:
        assert b"Not available to you" in reply.content
    assert Client().get(path.format(id=callback.pk, rec=recording.pk)).status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_nobody_but_the_claimant_sees_the_number(done_call, role):
    """Pages, API, admin list and export: the phone number and name appear only on the claimant's
    callback page / claim response while the claim lasts."""
    from npshub.people.roles import ensure_groups
    ensure_groups()
    callback, recording, _ = done_call
    open_callback = h.callback(phone="+7 999 555-44-33", name="Boris Titov")
    claimant = h.person("caller", acknowledged=True)
    workflow.claim(claimant, open_callback.pk)
    user = h.person(role, acknowledged=True)
    client = client_for(user)
    urls = ["/callbacks/", f"/callbacks/{open_callback.pk}/", f"/callbacks/{callback.pk}/", "/callbacks/library/",
            "/api/v1/callbacks/", f"/api/v1/callbacks/{open_callback.pk}/", "/admin/callbacks/callback/",
            "/admin/callbacks/callback/?export=csv", f"/admin/callbacks/callback/inspect/{open_callback.pk}/",
            "/admin/callbacks/auditlog/", "/admin/callbacks/auditlog/?export=csv"]
    for url in urls:
        reply = client.get(url)
        body = b"".join(reply.streaming_content) if reply.streaming else reply.content
        assert b"555-44-33" not in body and b"Boris" not in body and b"916 123" not in body and b"9161234567" not in body, url  # not any "916" (an id may hold it)
    # the claimant does see it on the callback page
    page = client_for(claimant).get(f"/callbacks/{open_callback.pk}/")
    assert b"+7 999 555-44-33" in page.content and b'href="tel:+79995554433"' in page.content


def test_queue_page_and_guide_flow():
    callback = h.callback()
    caller = h.person("caller")
    client = client_for(caller)
    page = client.get("/callbacks/")
    assert b"Read the caller guide" in page.content and f"/callbacks/{callback.pk}/".encode() in page.content
    refused = client.post(f"/callbacks/{callback.pk}/claim/")
    assert refused.status_code == 302 and refused["Location"].startswith("/callbacks/guide/")
    assert client.post("/callbacks/guide/", {}).status_code == 200  # box not ticked
    assert not workflow.has_acknowledged(caller)
    done = client.post("/callbacks/guide/", {"confirm": "yes", "next": f"/callbacks/{callback.pk}/"})
    assert done.status_code == 302 and workflow.has_acknowledged(caller)
    client.post(f"/callbacks/{callback.pk}/claim/")
    detail = client.get(f"/callbacks/{callback.pk}/")
    assert b"+7 916 123-45-67" in detail.content and b"Save the outcome" in detail.content
    assert b"Call me at [phone]" in detail.content or b"[phone]" in detail.content  # masked review
    bad = client.post(f"/callbacks/{callback.pk}/recording/", {"file": __import__("io").BytesIO(b"GIF89a not audio")})
    assert bad.status_code in (400, 415) and b"not an MP3" in bad.content
    invalid = client.post(f"/callbacks/{callback.pk}/outcome/", {"outcome": "reached", "follow_up": "Refund"})
    assert invalid.status_code == 400 and b"Choose the team" in invalid.content
    saved = client.post(f"/callbacks/{callback.pk}/outcome/", {"outcome": "no_answer", "notes": "<i>voicemail</i>"})
    assert saved.status_code == 302
    callback.refresh_from_db()
    assert callback.status == "open" and callback.next_attempt_at and callback.notes == "voicemail"
    # the claim ended with the outcome: no number any more
    assert b"+7 916 123-45-67" not in client.get(f"/callbacks/{callback.pk}/").content


def test_library_search_and_curation(done_call):
    callback, recording, _caller = done_call
    editor = h.person("editor")
    collection = TrainingCollection.objects.create(name="Great calls")
    client = client_for(editor)
    page = client.get("/callbacks/library/?q=kind")
    assert f"/callbacks/recordings/{recording.pk}/".encode() in page.content and b"Mark as exemplary" in page.content
    assert b"[phone]" in page.content  # masked review
    assert f"/callbacks/recordings/{recording.pk}/".encode() not in client.get("/callbacks/library/?outcome=refused").content
    assert client.post(f"/callbacks/{callback.pk}/curate/", {"collection": collection.pk}).status_code == 302
    callback.refresh_from_db()
    assert callback.exemplary and list(collection.calls.all()) == [callback]
    assert client_for(h.person("caller")).post(f"/callbacks/{callback.pk}/curate/", {"exemplary": "1"}).status_code == 403


def test_library_searches_only_masked_text_and_is_throttled(monkeypatch):
    """Guessing a masked phone or e-mail with ``q`` finds nothing: only notes_masked, the tags and
    the masked comment are searched. Searching is throttled per user (429), browsing is not."""
    callback, recording, author = h.done_call(notes=h.NOTES)
    client = client_for(author)
    api = f.api(author)
    hits = lambda q: [row["id"] for row in api.get("/api/v1/callbacks/library/", {"q": q}).json()["results"]]
    assert hits("mobile") == [callback.pk] and hits("[phone]") == [callback.pk]  # the notes, masked
    assert hits("kettle leaks") == [callback.pk]  # the customer's comment, masked
    for guess in ("916", "111-22-33", "anna.o", "@example.net", "123-45-67"):
        assert hits(guess) == [], guess
        assert f'id="call-{callback.pk}"' not in client.get("/callbacks/library/", {"q": guess}).content.decode()
    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "2/min"})
    other = h.person("caller", team=callback.department.teams.first())
    page, api = client_for(other), f.api(other)
    assert page.get("/callbacks/library/", {"q": "mobile"}).status_code == 200
    assert api.get("/api/v1/callbacks/library/", {"q": "mobile"}).status_code == 200
    refused = page.get("/callbacks/library/", {"q": "mobile"})
    assert refused.status_code == 429 and b"Please wait a minute" in refused.content
    throttled = api.get("/api/v1/callbacks/library/", {"q": "mobile"})
    assert throttled.status_code == 429 and "throttled" in throttled.json()["detail"] and throttled["Retry-After"]
    assert page.get("/callbacks/library/").status_code == 200  # browsing without a search is not counted
    assert client_for(h.person("caller")).get("/callbacks/library/", {"q": "mobile"}).status_code == 200  # per user


def test_stats_and_metrics(org):
    now = timezone.now()
    reached_in_time = h.callback(team="store-1")
    late = h.callback(team="store-1")
    never = h.callback(team="store-1")
    caller = h.person("caller", acknowledged=True, team=org.retail_team)
    for callback, when, outcome in ((reached_in_time, now, "reached"), (late, now + timedelta(hours=60), "no_answer")):
        workflow.claim(caller, callback.pk, now=when)
        workflow.record_outcome(caller, callback.pk, outcome, resolved=outcome == "reached", now=when)
    Callback.objects.filter(pk=never.pk).update(due_at=now - timedelta(hours=1))
    Callback.objects.filter(pk=late.pk).update(due_at=now - timedelta(hours=2))
    data = f.api(caller).get("/api/v1/callbacks/stats/").json()
    assert data["queued"] == 3 and data["due"] == 3 and data["contacted_in_target"] == 1
    assert data["contacted_in_target_share"] == 33.3
    assert data["reach_rate"] == 50.0 and data["resolution_rate"] == 100.0
    assert data["median_hours_to_first_contact"] is not None and data["median_hours_to_first_contact"] < 2
    assert set(data["recovery"]) == {"called", "not_called"}
    assert metrics.call("outreach.user_counts", caller) == {"completed": 1, "recovered": 0}
    assert metrics.call("outreach.team_completed", "store-1") == 1  # the caller is in the store-1 team
    assert metrics.call("outreach.team_completed", "store-1", None, None) == metrics_provider.team_completed("store-1")
    rate = metrics.call("outreach.team_contact_rate", "store-1", None, None)
    assert rate == {"due": 3, "contacted_in_target": 1, "rate": 33.3}
    [win] = metrics.call("outreach.wins", None, None, 5)
    assert "kettle" in win["summary"] and "916" not in win["summary"] and win["caller"] == caller.get_full_name()


def test_recovery_compares_later_nps():
    called = h.callback(phone="+7 900 000-00-01", email="")
    not_called = h.callback(phone="+7 900 000-00-02", email="")
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, called.pk)
    workflow.record_outcome(caller, called.pk, "reached")
    later = timezone.now() + timedelta(days=5)
    h.customer(score=10, phone="+7 900 000-00-01", email="", submitted_at=later)
    h.customer(score=2, phone="+7 900 000-00-02", email="", submitted_at=later)
    result = stats.stats()["recovery"]
    assert result["called"]["nps"] == 100.0 and result["not_called"]["nps"] == -100.0


def test_stats_block_renders():
    from callbacks.blocks import CallbackStatsBlock

    h.callback()
    block = CallbackStatsBlock()
    html = block.render(block.to_python({"title": "Closing the loop", "days": 30}))
    assert "Closing the loop" in html and "Reach rate" in html
    assert block.get_api_representation(block.to_python({"title": "x", "days": 30}))["queued"] == 1


class _PBX(BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _PBX.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_click_to_dial_calls_the_pbx(settings):
    server = HTTPServer(("127.0.0.1", 0), _PBX)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        settings.CALLBACKS_PBX_DIAL_URL = f"http://127.0.0.1:{server.server_port}/dial"
        callback = h.callback()
        caller = h.person("caller", acknowledged=True)
        assert tasks.click_to_dial.delay(callback.pk, caller.pk).get() == {"ok": False, "error": "no active claim"}
        workflow.claim(caller, callback.pk)
        reply = client_for(caller).post(f"/callbacks/{callback.pk}/dial/")
        assert reply.status_code == 302
        assert _PBX.received[-1] == {"phone": "+7 916 123-45-67", "extension": caller.username, "reference": f"callback-{callback.pk}"}
        assert AuditLog.objects.filter(action="click_to_dial", detail__ok=True).exists()
        # an unreachable PBX: a clear failure within the timeout, audited
        settings.CALLBACKS_PBX_DIAL_URL, settings.CALLBACKS_PBX_TIMEOUT = "http://127.0.0.1:9/dial", 2
        result = tasks.click_to_dial.delay(callback.pk, caller.pk).get()
        assert result["ok"] is False and "error" in result
    finally:
        server.shutdown()
