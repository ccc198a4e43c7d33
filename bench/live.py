"""Live-update fan-out: N concurrent SSE clients on ONE uvicorn process, one stored response,
time until every client received the update (p50/p95/max).

    DJANGO_DEBUG=1 NPSHUB_VAR_DIR=/tmp/bench-live .venv/bin/python bench/live.py [--clients 1000]
    # with Redis: prefix REDIS_URL=redis://127.0.0.1:6379/3

Starts uvicorn itself on 127.0.0.1 (its own SQLite database in NPSHUB_VAR_DIR, or DATABASE_URL),
opens the clients with raw asyncio sockets (Token auth), stores one response through the ingestion
service in THIS process (so the update also crosses processes), and is bounded in time.
"""

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def client(port, token, connected, received, marker, stop):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /api/v1/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {token}\r\n"
                 "Accept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    buffer = b""
    try:
        while not stop.is_set():
            chunk = await reader.read(4096)
            if not chunk:
                return
            buffer += chunk
            if b": connected" in buffer and not getattr(writer, "_counted", False):
                writer._counted = True
                connected.append(1)
            if marker.encode() in buffer:
                received.append(time.perf_counter())
                return
    finally:
        writer.close()


async def run(port, token, clients, store):
    connected, received, stop = [], [], asyncio.Event()
    marker = f"bench-{time.time_ns()}"
    tasks = [asyncio.create_task(client(port, token, connected, received, marker, stop)) for _ in range(clients)]
    deadline = time.monotonic() + 120
    while len(connected) < clients and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    print(f"{len(connected)}/{clients} streams open")
    started = time.perf_counter()
    await asyncio.to_thread(store, marker)
    stored = time.perf_counter()
    deadline = time.monotonic() + 30
    while len(received) < len(connected) and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return started, stored, received, len(connected)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from npshub.feedback.ingest import ingest, source_for_import

    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-live")
    token, _ = Token.objects.get_or_create(user=user)
    source = source_for_import("bench-live")

    def store(marker):
        from django.utils import timezone

        ingest(source, [{"external_id": marker, "submitted_at": timezone.now().isoformat(), "score": 9, "product": marker}])

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "npshub.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--log-level", "warning", "--backlog", "4096"],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:3])},
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        started, stored, received, opened = asyncio.run(run(port, token.key, args.clients, store))
    finally:
        server.terminate()
        server.wait(10)
    latencies = sorted((t - stored) * 1000 for t in received)
    transport = "Redis pub/sub" if os.environ.get("REDIS_URL") else "event table (polled every 250 ms)"
    print(f"transport: {transport}; clients: {opened}; received: {len(received)}; store took {(stored - started) * 1000:.0f} ms")
    if latencies:
        p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
        print(f"after commit -> client: p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms")


if __name__ == "__main__":
    main()
