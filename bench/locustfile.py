"""Pages under load: simulated employees sign in, then browse the hub as people do (bench/load.py
runs this; README "Pages under load").

Each user signs in through the sign-in form as one of the bench's employees (``--plan``, a JSON
file bench/load.py writes: usernames, password, and the real filter values, topics, words and
lesson addresses of the loaded database). Browsing waits until every user has signed in: the
statistics are reset then (the sign-in figures are saved to ``--signin-out`` first), the users
browse for ``--measure`` seconds and the run quits. Between pages each user reads for a random
``--think`` time.

Pages, one statistics row each: ``home``, ``stats`` (the dashboard with a random period),
``stats filtered`` (a filter change: the results part the page fetches, with random filters),
``comments`` and ``comments q/topic``, ``live stream`` (open /api/v1/live/, read the first event,
close), ``lesson``, ``store``; ``healthz (anchor)`` is the floor under the same load. Every answer's
``Server-Timing`` header (bench/server_timing.py) is recorded as a ``SERVER`` row of the same name.
"""

import json
import random
import re
import socket
import time
from urllib.parse import urlencode, urlsplit

import gevent
from gevent.event import Event
from locust import FastHttpUser, events, task

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMING = re.compile(r"dur=([0-9.]+)")


class Run:
    """What every user shares: the plan, the next username, the sign-in barrier."""

    plan = None
    next_user = 0
    signed_in = 0
    retries = 0
    gave_up = 0
    all_in = Event()


@events.init_command_line_parser.add_listener
def _arguments(parser):
    parser.add_argument("--plan", help="JSON written by bench/load.py (users, password, filter values, lessons)")
    parser.add_argument("--measure", type=float, default=120.0, help="seconds of browsing measured after all signed in")
    parser.add_argument("--think", default="5,15", help="seconds between pages: min,max")
    parser.add_argument("--signin-out", default="", help="JSON file for the sign-in figures (before the reset)")


@events.test_start.add_listener
def _load_plan(environment, **_kwargs):
    with open(environment.parsed_options.plan) as file:
        Run.plan = json.load(file)


def _everyone_in(environment):
    """The last sign-in: keep its figures, reset the statistics, browse for --measure s, quit."""
    options, stats = environment.parsed_options, environment.runner.stats
    entry = stats.get("sign in", "POST")
    form = stats.get("sign-in form", "GET")
    figures = {"users": Run.signed_in, "retries": Run.retries, "gave_up": Run.gave_up,
               "errors": [f"{e.method} {e.name}: {e.error} ({e.occurrences}x)" for e in stats.errors.values()],
               "sign_in_requests": entry.num_requests, "sign_in_failures": entry.num_failures,
               "sign_in_p50_ms": entry.get_response_time_percentile(0.5),
               "sign_in_p95_ms": entry.get_response_time_percentile(0.95), "sign_in_max_ms": entry.max_response_time,
               "form_p95_ms": form.get_response_time_percentile(0.95),
               "seconds": round(time.time() - stats.start_time, 1), "measured_from": time.time()}
    if options.signin_out:
        with open(options.signin_out, "w") as file:
            json.dump(figures, file)
    stats.reset_all()
    Run.all_in.set()

    def stop():
        gevent.sleep(options.measure)
        environment.runner.quit()

    gevent.spawn(stop)


class Employee(FastHttpUser):
    def wait_time(self):
        low, high = (float(part) for part in self.environment.parsed_options.think.split(","))
        return random.uniform(low, high)

    def on_start(self):
        plan = Run.plan
        self.username = plan["users"][Run.next_user % len(plan["users"])]
        Run.next_user += 1
        self.rng = random.Random(Run.next_user)
        # A failed sign-in (a 500 when the sign-in storm exhausts the connection pool) is counted,
        # and the employee tries again a little later, as a person would.
        for attempt in range(1, 11):
            if self.sign_in(plan["password"]):
                break
            Run.retries += 1
            gevent.sleep(self.rng.uniform(2, 5) * attempt)
        else:
            Run.gave_up += 1
        Run.signed_in += 1
        if Run.signed_in == self.environment.parsed_options.num_users:
            _everyone_in(self.environment)
        Run.all_in.wait()
        # Not all at once: each starts somewhere in its first reading time.
        gevent.sleep(self.rng.uniform(0, float(self.environment.parsed_options.think.split(",")[1])))

    def sign_in(self, password):
        form = self.client.get("/accounts/login/", name="sign-in form")
        token = CSRF.search(form.text or "")
        with self.client.post("/accounts/login/", name="sign in", catch_response=True, allow_redirects=False,
                              data=urlencode({"username": self.username, "password": password, "next": "/",
                                              "csrfmiddlewaretoken": token.group(1) if token else ""}),
                              headers={"Content-Type": "application/x-www-form-urlencoded",
                                       "Referer": self.client.base_url + "/accounts/login/"}) as answer:
            if answer.status_code != 302:
                answer.failure(f"sign-in answered {answer.status_code}, not a redirect")
                return False
        return True

    # --- helpers -----------------------------------------------------------------------------------

    def page(self, name, path, headers=None, expect=b""):
        with self.client.get(path, name=name, headers=headers or {}, catch_response=True,
                             allow_redirects=False) as answer:
            if answer.status_code != 200:
                answer.failure(f"HTTP {answer.status_code}")
            elif expect and expect not in (answer.content or b""):
                answer.failure(f"{path}: {expect!r} not in the page")
            self.server_time(name, answer)
        return answer

    def server_time(self, name, answer):
        found = TIMING.search((answer.headers or {}).get("server-timing", "") or "")
        if found:
            self.environment.events.request.fire(request_type="SERVER", name=name, response_time=float(found.group(1)),
                                                 response_length=0, exception=None, context={})

    def pick_filters(self, chance_each=0.25, most=3):
        """Random dimension filters with the real names and values (0 to ``most`` of them)."""
        chosen = {}
        names = list(Run.plan["filters"])
        self.rng.shuffle(names)
        for name in names[:most]:
            if self.rng.random() < chance_each and Run.plan["filters"][name]:
                chosen[name] = self.rng.choice(Run.plan["filters"][name])
        return chosen

    # --- pages -------------------------------------------------------------------------------------

    @task(4)
    def home(self):
        self.page("home", "/")

    @task(2)
    def stats(self):
        params = {"period": self.rng.choice(Run.plan["periods"])}
        self.page("stats", "/stats/?" + urlencode(params))

    @task(3)
    def stats_filtered(self):
        plan = Run.plan
        params = {"period": self.rng.choice(plan["periods"]), **self.pick_filters()}
        if self.rng.random() < 0.3:
            params["by"] = self.rng.choice(plan["breakdowns"])
        if self.rng.random() < 0.2:
            params["interval"] = self.rng.choice(plan["intervals"])
        if self.rng.random() < 0.15 and plan["topics"]:
            params["topic"] = self.rng.choice(plan["topics"])
        if self.rng.random() < 0.15:
            params["band"] = self.rng.choice(plan["bands"])
        self.page("stats filtered", "/stats/?" + urlencode(params), headers={"X-Requested-With": "fetch"})

    @task(1)
    def comments(self):
        self.page("comments", "/comments/")

    @task(2)
    def comments_search(self):
        plan = Run.plan
        params = []
        if self.rng.random() < 0.6 and plan["words"]:
            params.append(("q", self.rng.choice(plan["words"])))
        if not params or self.rng.random() < 0.5:
            params.append(("topic", self.rng.choice(plan["topics"])))
        if self.rng.random() < 0.3:
            params.append(("period", self.rng.choice(plan["periods"])))
        params += list(self.pick_filters(chance_each=0.15, most=2).items())
        self.page("comments q/topic", "/comments/?" + urlencode(params))

    @task(2)
    def live(self):
        """What a page's live.js does: open the stream; here read the first event and close."""
        started, exception, length = time.perf_counter(), None, 0
        url = urlsplit(self.client.base_url)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.client.cookiejar)
        try:
            with socket.create_connection((url.hostname, url.port), timeout=30) as conn:
                conn.sendall((f"GET /api/v1/live/ HTTP/1.1\r\nHost: {url.hostname}\r\nAccept: text/event-stream\r\n"
                              f"Cookie: {cookie}\r\n\r\n").encode())
                received = b""
                while b"\r\n\r\n" not in received or b"\n\n" not in received.split(b"\r\n\r\n", 1)[1]:
                    chunk = conn.recv(4096)
                    if not chunk:
                        raise ConnectionError("the stream closed before its first event")
                    received += chunk
                    if b"\r\n\r\n" in received:
                        head = received.split(b"\r\n\r\n", 1)[0]
                        status = head.split(b" ", 2)[1]
                        if status != b"200":
                            raise ValueError(f"live stream answered {status.decode()}")
                        if b"text/event-stream" not in head.lower():
                            raise ValueError("live stream is not text/event-stream")
                length = len(received)
                server = TIMING.search(head.decode("latin-1"))
        except Exception as exc:  # noqa: BLE001 - any failure is the request's failure
            exception, server = exc, None
        self.environment.events.request.fire(request_type="SSE", name="live stream", exception=exception,
                                             response_time=(time.perf_counter() - started) * 1000,
                                             response_length=length, context={})
        if server:
            self.environment.events.request.fire(request_type="SERVER", name="live stream", exception=None,
                                                 response_time=float(server.group(1)), response_length=0, context={})

    @task(2)
    def lesson(self):
        self.page("lesson", self.rng.choice(Run.plan["lessons"]))

    @task(1)
    def store(self):
        self.page("store", "/rewards/")

    @task(1)
    def healthz(self):
        self.page("healthz (anchor)", "/healthz")
