"""What an open live stream costs its web process: no thread, no database connection, a share of
one Redis subscription, and an event encoded once for all streams (bench/live.py measures 5,000)."""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from rest_framework.authtoken.models import Token

from nps_widgets import live
from tests.conftest import _stop, start_asgi
from tests.plugins.nps_widgets.helpers import add_responses
from tests.plugins.nps_widgets.sse import SSEStream

STREAMS = 8


def _threads(pid):
    with open(f"/proc/{pid}/status") as handle:
        return next(int(line.split()[1]) for line in handle if line.startswith("Threads:"))


def _open(url, token):
    stream = SSEStream(f"{url}/api/v1/live/", {"Authorization": f"Token {token}"}, timeout=20)
    assert stream.status == 200, stream.status
    stream.wait_connected()
    return stream


def test_open_streams_hold_no_thread_and_no_pooled_connection(transactional_db, tmp_path, django_user_model):
    """More streams than the database pool has connections (PostgreSQL: 2 here) all open, the
    process's threads do not grow with them, and an ordinary request still gets a connection."""
    token = Token.objects.create(user=django_user_model.objects.create_user("watcher", password="x")).key
    url, process = start_asgi(tmp_path / "uvicorn.log", DATABASE_POOL_SIZE="2")
    streams = []
    try:
        streams.append(_open(url, token))
        baseline = _threads(process.pid)
        for _ in range(STREAMS - 1):
            streams.append(_open(url, token))
        deadline = time.monotonic() + 5  # a retired request thread exits just after its stream opens
        while _threads(process.pid) > baseline + 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _threads(process.pid) <= baseline + 2, (baseline, _threads(process.pid))

        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        plain = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        plain.request("GET", "/api/v1/nps/summary/", headers={"Authorization": f"Token {token}"})
        assert plain.getresponse().status == 200
        plain.close()

        add_responses([9], product="many-streams")
        for stream in streams:
            stream.next_matching(lambda m: m.get("changed", {}).get("product") == ["many-streams"], seconds=15)
    finally:
        for stream in streams:
            stream.close()
        _stop(process)


def test_streams_opening_at_once_leave_the_event_table_listener_a_connection(transactional_db, tmp_path, django_user_model):
    """Without Redis the hub's listener reads the event table through the same pool as requests
    (PostgreSQL: 2 connections here): streams opening together must not hold them all while they
    wait for it to start."""
    token = Token.objects.create(user=django_user_model.objects.create_user("crowd", password="x")).key
    url, process = start_asgi(tmp_path / "uvicorn.log", DATABASE_POOL_SIZE="2", REDIS_URL="")
    try:
        with ThreadPoolExecutor(STREAMS) as pool:
            streams = list(pool.map(lambda _: _open(url, token), range(STREAMS)))
        for stream in streams:
            stream.close()
    finally:
        _stop(process)


@pytest.mark.skipif(not settings.REDIS_URL, reason="the Redis transport")
def test_streams_in_one_process_share_one_redis_subscription(asgi_server, django_user_model):
    import redis

    token = Token.objects.create(user=django_user_model.objects.create_user("watcher", password="x")).key
    client = redis.Redis.from_url(settings.REDIS_URL)

    def subscribers():
        return dict(client.pubsub_numsub(live.channel()))[live.channel().encode()]

    before = subscribers()
    streams = [_open(asgi_server, token) for _ in range(4)]
    try:
        assert subscribers() - before == 1
        add_responses([3], product="shared")
        for stream in streams:
            stream.next_matching(lambda m: m.get("changed", {}).get("product") == ["shared"])
    finally:
        for stream in streams:
            stream.close()
        client.close()


def test_the_redis_channel_is_per_database(settings):
    """Pub/sub ignores Redis's database numbers: two sites on one server must not share updates."""
    settings.REDIS_URL = "redis://127.0.0.1:6379/7"
    assert live.channel() == "npshub:live:7"
    settings.REDIS_URL = "redis://127.0.0.1:6379"
    assert live.channel() == "npshub:live:0"


def test_an_event_is_encoded_once_for_every_stream():
    hub = live.Hub()

    async def fan_out():
        hub.clients = {asyncio.Queue(maxsize=live.QUEUE_SIZE) for _ in range(3)}
        hub.fan_out({"id": 7, "type": "responses", "count": 1})
        return [queue.get_nowait() for queue in hub.clients]

    items = asyncio.run(fan_out())
    assert len({id(encoded) for _message, encoded in items}) == 1
    assert items[0][1] == b'id: 7\ndata: {"id":7,"type":"responses","count":1}\n\n'


def test_the_hub_sends_the_keep_alive_to_every_stream(settings):
    settings.NPS_WIDGETS_LIVE_HEARTBEAT = 0.05
    hub, queue = live.Hub(), asyncio.Queue(maxsize=live.QUEUE_SIZE)

    async def beat():
        hub.clients = {queue}
        task = asyncio.create_task(hub._beat())
        item = await asyncio.wait_for(queue.get(), 2)
        hub.clients.clear()
        await asyncio.wait_for(task, 2)  # no streams left: the heartbeat stops
        return item

    item = asyncio.run(beat())
    assert item == live.KEEP_ALIVE and item[1] == b": keep-alive\n\n"

    async def stream():
        quiet = asyncio.Queue(maxsize=live.QUEUE_SIZE)
        live.hub.clients.add(quiet)
        body = live.stream(quiet)
        first = await anext(body)
        live.hub.fan_out({"id": 8, "type": "responses"})
        update = await anext(body)
        await body.aclose()
        return first, update, quiet in live.hub.clients

    first, update, still_subscribed = asyncio.run(stream())
    assert first.startswith("retry: 2000") and update.startswith(b"id: 8\ndata: ") and not still_subscribed
