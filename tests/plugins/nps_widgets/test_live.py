import subprocess
import sys

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from nps_widgets.models import LiveEvent
from tests.conftest import ROOT, process_env
from tests.plugins.nps_widgets.helpers import add_responses
from tests.plugins.nps_widgets.sse import SSEStream


def test_live_stream_needs_authentication(client, db):
    response = client.get("/api/v1/live/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    bad_token = client.get("/api/v1/live/", HTTP_AUTHORIZATION="Token nope")
    assert bad_token.status_code == 401


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="the event table is the transport without Redis")
def test_stored_responses_publish_one_compact_event_per_batch(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        add_responses([10, 3, 8], product="kettle", segment="consumer", region="north")
    event = LiveEvent.objects.get()
    assert event.payload["type"] == "responses" and event.payload["count"] == 3
    assert event.payload["changed"]["product"] == ["kettle"]
    assert event.payload["changed"]["region"] == ["north"]
    assert event.payload["changed"]["source"] == ["survey"]
    assert event.payload["from"] == event.payload["to"]


def _token(django_user_model, name="viewer"):
    user = django_user_model.objects.create_user(name, password="x")
    return Token.objects.create(user=user).key


def test_update_reaches_an_open_stream(asgi_server, django_user_model):
    stream = SSEStream(f"{asgi_server}/api/v1/live/", {"Authorization": f"Token {_token(django_user_model)}"})
    try:
        assert stream.status == 200 and stream.headers["content-type"].startswith("text/event-stream")
        stream.wait_connected()
        add_responses([9, 10], product="blender", team="gamma")  # stored by this test process
        event_id, message = stream.next_matching(lambda m: "blender" in m.get("changed", {}).get("product", []))
        assert message["count"] == 2 and message["changed"]["team"] == ["gamma"] and event_id
    finally:
        stream.close()


def test_update_stored_by_another_process_reaches_the_stream(asgi_server, django_user_model, tmp_path):
    """A CLI import in its own process: the update crosses processes (Redis or the event table)."""
    stream = SSEStream(f"{asgi_server}/api/v1/live/", {"Authorization": f"Token {_token(django_user_model)}"})
    csv_path = tmp_path / "batch.csv"
    csv_path.write_text(
        "external_id,submitted_at,score,product,region\n"
        "x-1,2026-01-05T10:00:00,2,toaster,east\n"
        "x-2,2026-01-06T10:00:00,10,toaster,east\n"
    )
    try:
        stream.wait_connected()
        result = subprocess.run(
            [sys.executable, "manage.py", "import_responses", str(csv_path), "--source", "cli", "--no-progress"],
            cwd=ROOT, env=process_env(), capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        _id, message = stream.next_matching(lambda m: "toaster" in m.get("changed", {}).get("product", []), seconds=20)
        assert message["changed"]["region"] == ["east"] and message["changed"]["source"] == ["cli"]
        assert message["from"] == "2026-01-05" and message["to"] == "2026-01-06"
    finally:
        stream.close()


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="Redis pub/sub keeps no history to replay")
def test_reconnecting_client_gets_what_it_missed(asgi_server, django_user_model):
    token = _token(django_user_model)
    first = SSEStream(f"{asgi_server}/api/v1/live/", {"Authorization": f"Token {token}"})
    try:
        first.wait_connected()
        add_responses([5], product="first")
        first_id, _message = first.next_matching(lambda m: m.get("changed", {}).get("product") == ["first"])
    finally:
        first.close()
    keeper = SSEStream(f"{asgi_server}/api/v1/live/", {"Authorization": f"Token {token}"})
    try:
        keeper.wait_connected()
        add_responses([6], product="missed")  # nobody with first_id listens now
        keeper.next_matching(lambda m: m.get("changed", {}).get("product") == ["missed"])
        again = SSEStream(f"{asgi_server}/api/v1/live/", {"Authorization": f"Token {token}", "Last-Event-ID": first_id})
        try:
            _id, message = again.next_matching(lambda m: True, seconds=5)
            assert message["changed"]["product"] == ["missed"]
        finally:
            again.close()
    finally:
        keeper.close()


@pytest.mark.skipif(bool(settings.REDIS_URL), reason="replay comes from the event table without Redis")
def test_under_wsgi_the_stream_answers_once_and_the_reconnect_polls(client, django_user_model, django_capture_on_commit_callbacks):
    # The test client is a WSGI request: an endless body would hold the server thread for ever.
    auth = {"HTTP_AUTHORIZATION": f"Token {_token(django_user_model)}"}
    first = b"".join(client.get("/api/v1/live/", **auth).streaming_content).decode()
    assert first.startswith("retry: 15000") and "id: 0\n" in first and "data:" not in first
    with django_capture_on_commit_callbacks(execute=True):
        add_responses([2], product="kettle")
    event = LiveEvent.objects.get()
    again = b"".join(client.get("/api/v1/live/", HTTP_LAST_EVENT_ID="0", **auth).streaming_content).decode()
    assert f"id: {event.pk}\ndata: " in again and '"kettle"' in again
    assert again.endswith(f"id: {event.pk}\n: polling\n\n")
