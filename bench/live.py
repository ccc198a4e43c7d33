"""Live-update fan-out: N concurrent SSE clients over W uvicorn processes, one stored response,
time from its commit until each client has the update (p50/p95/max), and the server's memory
per open stream; beside it, in the same run, the anchor: a bare ASGI app (bench/sse_anchor.py,
no Django) broadcasting one event to as many clients over the same harness.

    NPSHUB_VAR_DIR=/tmp/bench-live .venv/bin/python bench/live.py --clients 1000 [--workers 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/npshub_bench_live REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/live.py --clients 5000 --workers 2 [--balance ports|shared] [--client-procs 2]

``--balance ports`` (default): W uvicorn processes, each on its own port, the clients spread
round-robin over them. ``--balance shared``: one ``uvicorn --workers W`` on one port, the kernel
hands each accepted connection to whichever worker takes it; the run reports the split (the
anchor always uses ports: its publish request must reach every process). The response is stored
through the ingestion service in THIS process, so the update always crosses processes (Redis
pub/sub with REDIS_URL, else the event table). SQLite by default (its own file in NPSHUB_VAR_DIR).
"""

import argparse
import os
import random
import secrets
import socket
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
# Production-like by default (DEBUG off: no query log), over plain HTTP, with a throw-away key.
for name, value in (("DJANGO_DEBUG", "0"), ("HTTPS", "0"), ("STATIC_MANIFEST", "0"),
                    ("SECRET_KEY", secrets.token_urlsafe(64))):
    os.environ.setdefault(name, value)

from bench import sse_clients  # noqa: E402


def percentiles(latencies):
    latencies = sorted(latencies)
    if not latencies:
        return "no client received the update"
    p95 = latencies[max(0, -(-len(latencies) * 95 // 100) - 1)]
    return f"p50 {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"


def warm_up(ports, rounds):
    """Unauthenticated requests (401), so each process has loaded its URLs and middleware."""
    for _ in range(rounds):
        for port in ports:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                sock.sendall(b"GET /api/v1/live/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                while sock.recv(65536):
                    pass


class Servers:
    """The uvicorn processes of one run: ``workers`` of them, by ports or on one shared port."""

    def __init__(self, app, workers, balance, env):
        self.workers = workers
        if balance == "shared" and workers > 1:
            self.ports = [sse_clients.free_port()]
            self.processes = [sse_clients.start_uvicorn(app, self.ports[0], workers, ROOT, env)]
            self.pids = sse_clients.worker_pids(self.processes[0], workers)
        else:
            self.ports = [sse_clients.free_port() for _ in range(workers)]
            self.processes = [sse_clients.start_uvicorn(app, port, 1, ROOT, env) for port in self.ports]
            self.pids = [process.pid for process in self.processes]

    def rss(self):
        return [sse_clients.rss_kib(pid) for pid in self.pids]

    def threads(self):
        return [sse_clients.status(pid, "Threads") for pid in self.pids]

    def split(self):
        return [sse_clients.established(pid, self.ports) for pid in self.pids]

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except Exception:
                process.kill()


def measure(servers, args, path, headers, publish, warm=True):
    """Open the clients, note memory and the split, publish, collect the receipt times."""
    if warm:
        warm_up(servers.ports, 4 * servers.workers)
    time.sleep(1)
    before = servers.rss()
    targets = [("127.0.0.1", port) for port in servers.ports]
    fleet = sse_clients.ClientFleet(targets, args.clients, args.client_procs, path, headers,
                                     args.open_at_once)
    try:
        opening = time.perf_counter()
        opened, errors = fleet.wait_open()
        open_s = time.perf_counter() - opening
        time.sleep(2)
        after, split, threads = servers.rss(), servers.split(), servers.threads()
        latencies, received = [], []
        for update in range(args.updates):
            if update:
                time.sleep(random.uniform(0.3, 1.3))  # another phase of the event table's polling
            marker = f"bench-{time.time_ns()}"
            fleet.send_marker(marker.encode())
            t0 = publish(marker)
            times = fleet.received()
            latencies += [(t - t0) * 1000 for t in times]
            received.append(len(times))
            print(f"  update {update + 1}: {percentiles([(t - t0) * 1000 for t in times])}")
    finally:
        fleet.close()
    return {
        "opened": opened, "errors": errors, "open_s": open_s, "before": before, "after": after, "split": split,
        "threads": threads, "latencies": latencies, "received": received,
    }


def report(name, result, clients):
    delta = sum(result["after"]) - sum(result["before"])
    per = delta / max(1, result["opened"])
    print(f"== {name}")
    print(f"  streams open: {result['opened']}/{clients} in {result['open_s']:.1f} s"
          + (f"; errors e.g. {result['errors']}" if result["errors"] else ""))
    print(f"  connections per process: {result['split']}; threads per process: {result['threads']}")
    print(f"  RSS per process before: {[f'{kib / 1024:.0f} MiB' for kib in result['before']]}, "
          f"with the streams open: {[f'{kib / 1024:.0f} MiB' for kib in result['after']]}; "
          f"{per:.1f} KiB per open stream")
    print(f"  received per update: {result['received']} of {result['opened']}; over all updates: "
          f"{percentiles(result['latencies'])}")


def django_run(args, env):
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from npshub.feedback.ingest import ingest, source_for_import

    if connection.vendor == "postgresql" and "bench" not in connection.settings_dict["NAME"]:
        sys.exit("the PostgreSQL database of a benchmark must have 'bench' in its name")
    call_command("migrate", verbosity=0)
    user, _ = get_user_model().objects.get_or_create(username="bench-live")
    token, _ = Token.objects.get_or_create(user=user)
    source = source_for_import("bench-live")

    def publish(marker, quiet=False):
        from django.utils import timezone

        committed = []
        with transaction.atomic():
            # Registered first, so it runs first after COMMIT, before the live update is published.
            transaction.on_commit(lambda: committed.append(time.perf_counter()))
            ingest(source, [{"external_id": marker, "submitted_at": timezone.now().isoformat(), "score": 9,
                             "product": marker}])
        published = time.perf_counter()
        if not quiet:
            print(f"  commit -> ingest() returned (publish included): {(published - committed[0]) * 1000:.0f} ms")
        return committed[0]

    publish(f"bench-warm-{time.time_ns()}", quiet=True)  # this process's first store is slower (imports, connections)
    connection.close()
    redis = getattr(settings, "REDIS_URL", None)
    transport = f"Redis pub/sub ({urlsplit(redis).path})" if redis else \
        f"event table, polled every {float(getattr(settings, 'NPS_WIDGETS_LIVE_POLL', 0.25)) * 1000:.0f} ms"
    servers = Servers("npshub.asgi:application", args.workers, args.balance, env)
    try:
        print(f"server fd limit: {[sse_clients.fd_limit(pid) for pid in servers.pids]}")
        result = measure(servers, args, "/api/v1/live/", {"Authorization": f"Token {token.key}"}, publish)
    finally:
        servers.stop()
    report(f"Django ({connection.vendor}, {transport}), {args.workers} process(es), {args.balance}", result,
           args.clients)


def anchor_run(args, env):
    servers = Servers("bench.sse_anchor:app", args.workers, "ports", env)

    def publish(marker):
        sockets = [socket.create_connection(("127.0.0.1", port)) for port in servers.ports]
        body = ('{"marker":"%s"}' % marker).encode()
        t0 = time.perf_counter()
        for sock in sockets:
            sock.sendall(b"POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n" + body)
        for sock in sockets:  # the answers (204), after the clock started
            while sock.recv(65536):
                pass
            sock.close()
        return t0

    try:
        result = measure(servers, args, "/", {}, publish, warm=False)
    finally:
        servers.stop()
    report(f"anchor: bare ASGI app (bench/sse_anchor.py), {args.workers} process(es), ports", result, args.clients)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn processes")
    parser.add_argument("--balance", choices=("ports", "shared"), default="ports")
    parser.add_argument("--client-procs", type=int, default=1, help="processes holding the client sockets")
    parser.add_argument("--open-at-once", type=int, default=200,
                        help="connections each client process has waiting for their stream to open at one time")
    parser.add_argument("--updates", type=int, default=1, help="responses stored one after another, "
                        "0.3-1.3 s apart; the latencies of all of them are pooled")
    parser.add_argument("--only", choices=("django", "anchor"), help="skip the other measurement")
    args = parser.parse_args()
    limit = sse_clients.raise_fd_limit(args.clients + 1024)  # the servers inherit it
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:3])}
    with open("/proc/loadavg") as handle:
        print(f"load average before: {' '.join(handle.read().split()[:3])}; fd limit {limit}; cpus {os.cpu_count()}")
    if args.only != "anchor":
        django_run(args, env)
    if args.only != "django":
        anchor_run(args, env)
    with open("/proc/loadavg") as handle:
        print(f"load average after: {' '.join(handle.read().split()[:3])}")


if __name__ == "__main__":
    main()
