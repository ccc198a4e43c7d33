"""The SSE client harness and server bookkeeping for bench/live.py.

Clients run in child processes (``--client-procs``), each one asyncio loop of bare
``asyncio.Protocol`` connections: a client counts as open once it has read the stream's
``: connected`` comment, and records ``time.perf_counter()`` (CLOCK_MONOTONIC, the same clock in
every process) when the marker of the update appears in what it received. The parent talks to
each child over a pipe: ("open", n), then per update: marker -> ("armed",) ... ("received",
[times]); then "close".
"""

import asyncio
import multiprocessing
import os
import resource
import socket
import subprocess
import sys
import time



def raise_fd_limit(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(wanted, hard), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Client(asyncio.Protocol):
    def __init__(self, request, state, opened):
        self.request, self.state, self.opened = request, state, opened
        self.tail, self.open, self.seen = b"", False, None

    def connection_made(self, transport):
        self.transport = transport
        transport.write(self.request)

    def data_received(self, data):
        state = self.state
        text = self.tail + data
        if not self.open:
            if b": connected" not in text:
                self.tail = text[-4096:]
                return
            self.open = True
            state["open"] += 1
            self.opened.set_result(True)
        marker = state["marker"]
        if marker and self.seen is not marker and marker in text:
            self.seen = marker
            state["received"].append(time.perf_counter())
        self.tail = text[-64:]

    def connection_lost(self, exc):
        if not self.opened.done():
            self.opened.set_result(False)


async def _open_one(loop, target, request, state, gate):
    async with gate:
        opened = loop.create_future()
        try:
            await loop.create_connection(lambda: Client(request, state, opened), *target)
            await asyncio.wait_for(opened, 60)
        except (OSError, TimeoutError) as error:
            state["errors"].append(repr(error))


async def _serve(conn, targets, count, path, headers, at_once):
    loop = asyncio.get_running_loop()
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    state = {"open": 0, "marker": None, "received": [], "errors": []}
    gate = asyncio.Semaphore(at_once)  # connections waiting for ": connected" at one time
    requests = [f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n{head}\r\n".encode()
                for host, port in targets]
    await asyncio.gather(*(_open_one(loop, targets[i % len(targets)], requests[i % len(targets)], state, gate)
                           for i in range(count)))
    conn.send(("open", state["open"], state["errors"][:3]))
    while (marker := await asyncio.to_thread(conn.recv)) != "close":  # one round per update
        state["received"] = []
        state["marker"] = marker
        conn.send(("armed",))
        deadline = time.monotonic() + 30
        while len(state["received"]) < state["open"] and time.monotonic() < deadline:
            await asyncio.sleep(0.005)
        conn.send(("received", state["received"]))


def _child(conn, targets, count, path, headers, at_once):
    raise_fd_limit(count + 256)
    asyncio.run(_serve(conn, targets, count, path, headers, at_once))


class ClientFleet:
    """``count`` SSE clients over ``procs`` processes, spread round-robin over ``targets`` (host, port)."""

    def __init__(self, targets, count, procs, path, headers, at_once=200):
        ctx = multiprocessing.get_context("spawn")
        self.children, self.pipes = [], []
        per = [count // procs + (1 if i < count % procs else 0) for i in range(procs)]
        for share in per:
            parent, child = ctx.Pipe()
            # Each process starts at another target, so the clients spread evenly over all of them.
            rotated = targets[len(self.children) % len(targets):] + targets[:len(self.children) % len(targets)]
            process = ctx.Process(target=_child, args=(child, rotated, share, path, headers, at_once), daemon=True)
            process.start()
            self.children.append(process)
            self.pipes.append(parent)

    def wait_open(self, timeout=300):
        opened, errors = 0, []
        for pipe in self.pipes:
            if not pipe.poll(timeout):
                raise RuntimeError("client process did not report its open connections in time")
            _kind, count, errs = pipe.recv()
            opened += count
            errors += errs
        return opened, errors

    def send_marker(self, marker):
        for pipe in self.pipes:
            pipe.send(marker)
        for pipe in self.pipes:
            pipe.recv()  # ("armed",): the child looks for the marker from now on

    def received(self):
        times = []
        for pipe in self.pipes:
            times += pipe.recv()[1]
        return times

    def close(self):
        for pipe in self.pipes:
            try:
                pipe.send("close")
            except OSError:
                pass
        for process in self.children:
            process.join(10)
            if process.is_alive():
                process.kill()


# --- servers ------------------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_accepting(port, process, seconds=120):
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"server on port {port} did not accept within {seconds} s")
            time.sleep(0.1)


def start_uvicorn(app, port, workers=1, cwd=None, env=None):
    """One uvicorn command line (``--workers N`` shares the port among N processes)."""
    command = [sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1", "--port", str(port),
               "--log-level", "warning", "--backlog", "4096", "--timeout-keep-alive", "600"]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, cwd=cwd, env=env)
    wait_accepting(port, process)
    return process


def worker_pids(process, expected):
    """The pids serving requests: the process itself, or its ``expected`` children (--workers)."""
    if expected <= 1:
        return [process.pid]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = children_of(process.pid)
        if len(children) >= expected:
            return children[:expected]
        time.sleep(0.2)
    raise RuntimeError("uvicorn workers did not start")


def children_of(pid):
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            pass
    # uvicorn's multiprocess supervisor starts the workers through multiprocessing; skip its
    # resource tracker, which serves no requests.
    return sorted(child for child in found if "resource_tracker" not in cmdline(child))


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def status(pid, field):
    """A number from /proc/<pid>/status: ``VmRSS`` (KiB), ``Threads``."""
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def rss_kib(pid):
    return status(pid, "VmRSS")


def fd_limit(pid):
    with open(f"/proc/{pid}/limits") as handle:
        for line in handle:
            if line.startswith("Max open files"):
                return int(line.split()[3])
    return 0


def established(pid, ports):
    """How many ESTABLISHED TCP connections ``pid`` holds on one of its local ``ports``."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[8:-1])
    wanted = {f"{port:04X}" for port in ports}
    count = 0
    with open("/proc/net/tcp") as handle:
        next(handle)
        for line in handle:
            fields = line.split()
            if fields[3] == "01" and fields[1].split(":")[1] in wanted and fields[9] in inodes:
                count += 1
    return count
