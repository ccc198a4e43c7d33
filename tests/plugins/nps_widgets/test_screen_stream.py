"""A meeting-room screen's stream, on a real ASGI server: it carries only what the screen's filters
allow (no counts, no values), and revoking or expiring the screen ends it within a few seconds."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from nps_widgets.models import Screen
from nps_widgets.screen_stream import allowed
from tests.plugins.nps_widgets.helpers import add_responses
from tests.plugins.nps_widgets.sse import SSEStream

ENDS_WITHIN = 6  # seconds: NPS_WIDGETS_SCREEN_CHECK is 2


def open_stream(asgi_server, screen):
    stream = SSEStream(f"{asgi_server}/screens/{screen.token}/live/")
    assert stream.status == 200 and stream.headers["content-type"].startswith("text/event-stream")
    stream.wait_connected()
    return stream


def wait_for_end(stream):
    """Seconds until the server closes the stream, and the events it sent before closing."""
    started, seen = time.monotonic(), []
    for _id, message in stream.events(ENDS_WITHIN + 4):
        seen.append(message)
    return time.monotonic() - started, seen


def test_a_screen_receives_only_updates_within_its_filters_and_no_figures(asgi_server):
    screen = Screen.objects.create(name="Kitchen products", product="kettle,toaster", region="east")
    stream = open_stream(asgi_server, screen)
    try:
        add_responses([2, 3], product="secret-prototype", region="east")  # a product the screen may not show
        add_responses([10], product="kettle", region="west")  # a region it may not show
        add_responses([9, 10, 4], product="kettle", region="east")
        _id, message = stream.next_matching(lambda m: True, seconds=10)
        assert set(message) == {"id", "type"} and message["type"] == "responses"
        assert "secret" not in repr(message)
    finally:
        stream.close()


def test_revoking_a_screen_ends_its_open_stream_within_seconds(asgi_server):
    screen = Screen.objects.create(name="Boardroom")
    stream = open_stream(asgi_server, screen)
    try:
        add_responses([9])
        stream.next_matching(lambda m: m.get("type") == "responses", seconds=10)
        Screen.objects.filter(pk=screen.pk).update(active=False)  # even an update() that sends no signal
        seconds, seen = wait_for_end(stream)
        assert seconds < ENDS_WITHIN and seen == [{"type": "revoked"}]
    finally:
        stream.close()
    again = SSEStream(f"{asgi_server}/screens/{screen.token}/live/")
    assert again.status == 404
    again.close()


def test_an_expiring_screen_ends_its_stream_and_a_new_token_ends_the_old_link(asgi_server):
    expiring = Screen.objects.create(name="Lobby", expires_at=timezone.now() + timedelta(seconds=8))  # time to connect
    rotated = Screen.objects.create(name="Canteen")
    first, second = open_stream(asgi_server, expiring), open_stream(asgi_server, rotated)
    try:
        Screen.objects.filter(pk=rotated.pk).update(token="a-fresh-secret-token-0123456789")
        seconds, seen = wait_for_end(second)
        assert seconds < ENDS_WITHIN and seen == [{"type": "revoked"}]
        seconds, seen = wait_for_end(first)
        assert seconds < 8 + ENDS_WITHIN and seen == [{"type": "revoked"}]
    finally:
        first.close()
        second.close()


@pytest.mark.parametrize(("message", "shown"), [
    ({"id": 1, "type": "responses", "count": 3, "changed": {"product": ["kettle"], "team": ["t"]}, "to": "2026-03-01"},
     {"id": 1, "type": "responses"}),
    ({"id": 2, "type": "responses", "count": 3, "changed": {"product": "*"}, "to": "2026-03-01"}, {"id": 2, "type": "responses"}),
    ({"id": 3, "type": "responses", "count": 1, "changed": {"product": ["secret"]}, "to": "2026-03-01"}, None),
    ({"id": 4, "type": "responses", "count": 1, "changed": {"product": []}, "to": "2026-03-01"}, None),
    ({"id": 5, "type": "responses", "count": 1, "changed": {"product": ["kettle"]}, "to": "2025-12-31"}, None),
    ({"id": 6, "type": "something-else"}, None),
])
def test_what_a_screen_may_see_of_an_update(message, shown):
    assert allowed(message, {"product": {"kettle"}, "from": "2026-01-01"}) == shown


def body_of(response):
    return b"".join(response.streaming_content).decode()


@pytest.mark.django_db
def test_under_wsgi_the_screens_poll_answer_is_filtered_too(client, django_capture_on_commit_callbacks):
    from django.conf import settings

    if settings.REDIS_URL:
        pytest.skip("replay comes from the event table without Redis")
    screen = Screen.objects.create(name="Kitchen", product="kettle")
    first = body_of(client.get(f"/screens/{screen.token}/live/"))
    last_id = [line for line in first.splitlines() if line.startswith("id: ")][-1][4:]
    with django_capture_on_commit_callbacks(execute=True):
        add_responses([2], product="secret-prototype")
    with django_capture_on_commit_callbacks(execute=True):
        add_responses([9], product="kettle")
    body = body_of(client.get(f"/screens/{screen.token}/live/", HTTP_LAST_EVENT_ID=last_id))
    data = [line for line in body.splitlines() if line.startswith("data: ")]
    assert len(data) == 1 and "secret" not in body and '"count"' not in body
