"""Live score updates: publish from any process, fan out to every open stream in every process.

Two transports, chosen by ``settings.REDIS_URL``:

* Redis: ``publish`` sends the message on the ``npshub:live:<db>`` pub/sub channel (pub/sub ignores
  Redis's database numbers, so the number is in the name: two sites on one Redis server stay
  apart); each web process holds ONE subscription (redis.asyncio) and copies each message, encoded
  once, to its open streams.
* No Redis: ``publish`` inserts a ``LiveEvent`` row (an auto-increment id, works on SQLite and
  PostgreSQL); each web process runs ONE poller that asks ``id > last seen`` every
  ``NPS_WIDGETS_LIVE_POLL`` seconds (0.25 by default) while it has open streams, and copies new
  events to them. The rows also let a reconnecting client replay what it missed (Last-Event-ID).

Either way an event published by a CLI import or a Celery worker reaches every web process, and a
web process costs one query (or one Redis connection) however many clients it serves.
"""

import asyncio
import contextvars
import json
import logging
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone

from npshub import params

logger = logging.getLogger("nps_widgets.live")

CHANNEL = "npshub:live"
QUEUE_SIZE = 64
KEEP_EVENTS = timedelta(hours=1)


def redis_url():
    return getattr(settings, "REDIS_URL", None) or None


def channel():
    """The pub/sub channel of this site's Redis database."""
    from redis.connection import parse_url

    return f"{CHANNEL}:{parse_url(redis_url()).get('db') or 0}"


def poll_interval():
    return float(getattr(settings, "NPS_WIDGETS_LIVE_POLL", 0.25))


def heartbeat_interval():
    return float(getattr(settings, "NPS_WIDGETS_LIVE_HEARTBEAT", 15))


_sync_redis = None


def _redis_client():
    global _sync_redis
    if _sync_redis is None:
        import redis

        _sync_redis = redis.Redis.from_url(redis_url())
    return _sync_redis


def publish(payload):
    """Send ``payload`` (a JSON-able dict) to every open live stream, in every process.

    Synchronous; call it after the data it describes is committed. Returns the event id."""
    if redis_url():
        client = _redis_client()
        event_id = client.incr(f"{CHANNEL}:id")
        client.publish(channel(), json.dumps({"id": event_id, **payload}, default=str))
        return event_id
    from nps_widgets.models import LiveEvent

    event = LiveEvent.objects.create(payload=payload)
    if event.pk % 50 == 0:
        LiveEvent.objects.filter(created_at__lt=timezone.now() - KEEP_EVENTS).delete()
    return event.pk


def format_event(message):
    """One SSE event: ``id:`` (when known) and a ``data:`` line of JSON."""
    lines = []
    if message.get("id") is not None:
        lines.append(f"id: {message['id']}")
    lines.append("data: " + json.dumps(message, separators=(",", ":"), default=str))
    return "\n".join(lines) + "\n\n"


KEEP_ALIVE = (None, b": keep-alive\n\n")  # a queue item: (message or None, its SSE bytes)


class Hub:
    """The per-process fan-out: one listener task, one heartbeat task, one bounded queue per open
    stream. Streams only wait on their queue: no timer of their own, so an update or a heartbeat
    wakes thousands of them with nothing allocated per stream but what sending needs (fewer
    surviving objects per update, so fewer full garbage collections with thousands open)."""

    def __init__(self):
        self.clients = set()
        self.task = None
        self.beat = None
        self.loop = None
        self.last_id = None
        self.ready = None

    async def subscribe(self):
        loop = asyncio.get_running_loop()
        if self.loop is not loop:
            self.loop, self.clients, self.task, self.beat = loop, set(), None, None
        queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self.clients.add(queue)
        if self.task is None or self.task.done():
            self.ready = asyncio.Event()
            # A fresh context: the listener outlives the request that started it, so it must not
            # inherit that request's (soon closed) sync_to_async executor.
            self.task = loop.create_task(self._run(), context=contextvars.Context())
        if self.beat is None or self.beat.done():
            self.beat = loop.create_task(self._beat(), context=contextvars.Context())
        await self.ready.wait()
        return queue

    def unsubscribe(self, queue):
        self.clients.discard(queue)

    def fan_out(self, message):
        """Hand ``message`` to every open stream as ``(message, its SSE bytes)``: encoded once
        per process, not once per client."""
        self.deliver((message, format_event(message).encode()))

    async def _beat(self):
        """A keep-alive comment to every stream every NPS_WIDGETS_LIVE_HEARTBEAT seconds."""
        while self.clients:
            await asyncio.sleep(heartbeat_interval())
            self.deliver(KEEP_ALIVE)

    def deliver(self, item):
        for queue in list(self.clients):
            try:
                queue.put_nowait(item)
            except asyncio.QueueFull:
                # A stuck client: drop its oldest update rather than grow without bound; its
                # page refreshes every block on reconnect anyway.
                try:
                    queue.get_nowait()
                    queue.put_nowait(item)
                except (asyncio.QueueEmpty, asyncio.QueueFull):
                    pass

    async def _run(self):
        while True:
            try:
                if redis_url():
                    await self._listen_redis()
                else:
                    await self._poll_database()
                if not self.clients:
                    return
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("Live update listener failed; retrying in 1 s")
                self.ready.set()
                await sync_to_async(_close_connections)()
                await asyncio.sleep(1)

    async def _listen_redis(self):
        import redis.asyncio as aioredis

        client = aioredis.Redis.from_url(redis_url())
        pubsub = client.pubsub()
        try:
            await pubsub.subscribe(channel())
            self.ready.set()
            while self.clients:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message and message.get("type") == "message":
                    try:
                        self.fan_out(json.loads(message["data"]))
                    except ValueError:
                        logger.warning("Ignored a malformed live message")
        finally:
            await pubsub.aclose()
            await client.aclose()

    async def _poll_database(self):
        if self.last_id is None:
            self.last_id = await sync_to_async(latest_event_id)()
        self.ready.set()
        interval = poll_interval()
        while self.clients:
            await asyncio.sleep(interval)
            events = await sync_to_async(events_after)(self.last_id)
            for message in events:
                self.last_id = message["id"]
                self.fan_out(message)
        self.last_id = None  # restart from "now" when the next stream opens


def _close_connections():
    from django.db import close_old_connections

    close_old_connections()


def latest_event_id():
    from nps_widgets.models import LiveEvent

    last = LiveEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    return last or 0


def events_after(last_id, limit=500, up_to=None):
    from nps_widgets.models import LiveEvent

    rows = LiveEvent.objects.filter(pk__gt=last_id)
    if up_to is not None:
        rows = rows.filter(pk__lte=up_to)
    rows = rows.order_by("pk").values_list("pk", "payload")[:limit]
    return [{"id": pk, **payload} for pk, payload in rows]


hub = Hub()


async def stream(queue, replay=()):
    """The SSE body: reconnect delay, missed events, then updates and the hub's comment every 15 s."""
    try:
        yield "retry: 2000\n: connected\n\n"
        for message in replay:
            yield format_event(message)
        while True:
            _message, encoded = await queue.get()  # an update, or the hub's keep-alive
            yield encoded
    finally:
        hub.unsubscribe(queue)


async def open_stream(last_event_id):
    """Subscribe a new stream; returns (queue, the events it missed).

    Then lets go of what the request's sync work holds. Under ASGI Django runs a request's sync
    code (middleware, ORM calls) in a thread of its own (asgiref's ThreadSensitiveContext: one
    single-thread executor per request, shut down when the request ends), and that thread holds a
    database connection. A stream lasts for hours: kept, the connection (from the pool on
    PostgreSQL) would cap the open streams at the pool's size (20 by default), and the threads
    would cost memory by the thousand. So: close the thread's connections, then retire its
    executor; any later sync call of this request gets a new thread.

    The connection goes back BEFORE waiting for the hub's listener: the event-table listener needs
    one from the same pool to start, and hundreds of streams opening at once would otherwise hold
    every pooled connection while waiting for it (a deadlock until the pool's timeout)."""
    await sync_to_async(_close_connections_now)()
    queue = await hub.subscribe()
    try:
        replay = await replay_after(last_event_id)
    finally:
        await sync_to_async(_close_connections_now)()  # the replay's query, if any
        _retire_request_thread()
    return queue, replay


def _close_connections_now():
    from django.db import connections

    connections.close_all()


def _retire_request_thread():
    from asgiref.sync import SyncToAsync

    context = SyncToAsync.thread_sensitive_context.get(None)
    if context is None or getattr(context, "_executor", None) is not None:
        return  # no per-request executor, or one its owner passed in (not ours to stop)
    executor = SyncToAsync.context_to_thread_executor.pop(context, None)
    if executor is not None:
        executor.shutdown(wait=False)


def replayable_id(last_event_id):
    """The event id a client reconnects with, when its missed events can be replayed (the event
    table keeps them; Redis pub/sub does not); else None."""
    text = str(last_event_id or "").strip()
    if redis_url() or not params.is_number(text) or int(text) > params.MAX_ID:
        return None
    return int(text)


async def poll_once(last_event_id, retry_ms=15000, select=None):
    """The whole body of a polling answer (WSGI): events after ``last_event_id`` (table transport),
    then the latest id, so the reconnect asks only for what is newer. ``select(message)`` may
    drop (None) or reduce each event, for a stream that may not see everything (a screen)."""
    latest = await sync_to_async(latest_published_id)()
    body = f"retry: {retry_ms}\n\n"
    after = replayable_id(last_event_id)
    if after is not None:
        for message in await sync_to_async(events_after)(after, 100, latest):
            message = select(message) if select else message
            if message is not None:
                body += format_event(message)
    return body + f"id: {latest}\n: polling\n\n"


def latest_published_id():
    if redis_url():
        return int(_redis_client().get(f"{CHANNEL}:id") or 0)
    return latest_event_id()


async def replay_after(last_event_id):
    """Events a reconnecting client missed (database transport only; Redis keeps no history)."""
    after = replayable_id(last_event_id)
    if after is None or hub.last_id is None:
        return []
    # Only up to what the hub has already passed on: later events reach the queue anyway.
    return await sync_to_async(events_after)(after, 100, hub.last_id)
