"""Pages under load: 300 simulated employees (bench/locustfile.py) against the scale-out set-up of
``make serve`` (uvicorn with two workers) plus a Celery worker, on PostgreSQL and Redis, with N
company-shaped responses beside the demo.

    .venv/bin/python bench/load.py --responses 1000000
    .venv/bin/python bench/load.py --responses 10000000 --users 300 --measure 120

Prepares its own database (name must contain "bench"; ``npshub_loadbench`` by default): migrate,
N responses by COPY with bench/statsdata.py's ``load`` and the rollups rebuilt (as bench/run.py),
then ``load_demo`` on top (its 20,000 responses, people, pages, lessons, store, callbacks), every
comment tagged (``feedback.tasks.retag_all``) and the bench's employees created through the
employee import (``npshub.people.importing.import_row``) with the demo password. A marker under
bench/data/ skips all that next time unless ``--reload``.

Then starts ``uvicorn --workers 2`` (the application wrapped by bench/server_timing.py, which adds a
``Server-Timing`` header) and ``celery -A npshub worker``, both on ``REDIS_URL`` (db 7, flushed
first), measures ``/healthz`` idle, runs Locust headless in one process, samples the load average
and each process group's CPU meanwhile, and prints Markdown for bench/README.md (bench/loadreport.py). Results:
bench/data/load-<responses>.json and the Locust CSVs beside it.
"""

import argparse
import csv
import datetime
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from run import BENCH_SECRET_KEY, ensure_postgres_database, load_average, machine, percentiles, timed
from loadreport import Sampler, pages, print_markdown, read_stats
from statsdata import analyze, load, log

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
VAR = DATA / "load-var"
BIN = Path(sys.executable).parent
USERNAME = "bench-employee-{}"
def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000, help="company-shaped responses loaded by COPY")
    parser.add_argument("--demo-responses", type=int, default=20_000, help="load_demo's own responses, on top")
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--spawn-rate", type=float, default=30)
    parser.add_argument("--measure", type=float, default=120, help="seconds of browsing measured")
    parser.add_argument("--think", default="5,15", help="seconds each employee reads a page: min,max")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (make serve: WEB_CONCURRENCY=2)")
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/npshub_loadbench"))
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--port", type=int, default=8193)
    parser.add_argument("--reload", action="store_true", help="prepare the database again even if the marker matches")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prepare-only", action="store_true", help="load the database and stop (no servers, no Locust)")
    return parser.parse_args()


def site_env(args, redis=True):
    env = dict(os.environ, DATABASE_URL=args.postgres_url, NPSHUB_VAR_DIR=str(VAR), DJANGO_DEBUG="0",
               SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0", PORT=str(args.port),
               PYTHONPATH=os.pathsep.join([str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]))
    env.pop("REDIS_URL", None)
    if redis:
        env["REDIS_URL"] = args.redis_url
    return env


def setup_django(args):
    # Prepared without Redis: tasks the demo queues go to the file broker, never to the worker under test.
    os.environ.update({k: v for k, v in site_env(args, redis=False).items() if k != "PYTHONPATH"},
                      DJANGO_SETTINGS_MODULE="npshub.settings")
    os.environ.pop("REDIS_URL", None)
    for path in ("site", "plugins", "."):
        sys.path.insert(0, str(ROOT / path))
    import django

    django.setup()


# --- The database ---------------------------------------------------------------------------------

def loaded_marker(args):
    wanted = {"responses": args.responses, "demo": args.demo_responses, "users": args.users, "seed": args.seed,
              "url": args.postgres_url}
    return DATA / f"loaded-pages-{database_name(args.postgres_url)}.json", wanted


def prepared(args):
    marker, wanted = loaded_marker(args)
    return not args.reload and marker.exists() and json.loads(marker.read_text()) == wanted


def database_name(url):
    return url.rsplit("/", 1)[1].split("?")[0]


def recreate_database(url):
    """A fresh database: the demo's loader leaves what exists alone, so a new load starts empty."""
    import psycopg

    name = database_name(url)
    (DATA / f"loaded-pages-{name}.json").unlink(missing_ok=True)
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def prepare(args, result):
    from django.core.management import call_command

    from npshub.feedback import rollups
    from npshub.feedback.models import Response
    from npshub.feedback.tasks import retag_all

    marker, wanted = loaded_marker(args)
    if prepared(args):
        log(f"{args.responses:,} responses and the demo already loaded (use --reload to prepare again)")
        return
    stages = {}

    def stage(name, run):
        started = time.monotonic()
        value = run()
        stages[name] = round(time.monotonic() - started, 1)
        log(f"{name}: {stages[name]} s")
        return value

    result["load"] = stage("responses by COPY", lambda: load(SimpleNamespace(shape="company", seed=args.seed),
                                                             args.responses))
    stage("rebuild rollups", rollups.rebuild)
    # Before the demo's ingestion: with autovacuum off (this server) and no statistics, the planner
    # walks the whole table by date for each demo customer's earlier answer.
    stage("analyze", analyze)
    stage("load_demo", lambda: call_command("load_demo", responses=args.demo_responses, quiet_logins=True,
                                            verbosity=0))
    stage("retag every comment", retag_all)
    stage("bench employees", lambda: employees(args.users))
    stage("vacuum analyze", analyze)
    result["prepare_seconds"] = stages
    result["responses_in_database"] = Response.objects.count()
    marker.write_text(json.dumps(wanted))


def employees(count):
    """``count`` employees through the employee import, spread over the demo's teams, most reading
    Russian as in the demo; all with the demo password (hashed once)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from content.company import DEMO_PASSWORD, FIRST_NAMES, LAST_NAMES
    from npshub.people.importing import import_row
    from npshub.people.models import Team

    teams = list(Team.objects.select_related("department").order_by("pk"))
    for index in range(count):
        team = teams[index % len(teams)]
        import_row({"email": f"{USERNAME.format(index)}@example.com", "username": USERNAME.format(index),
                    "first_name": FIRST_NAMES[index % len(FIRST_NAMES)], "last_name": LAST_NAMES[index % len(LAST_NAMES)],
                    "department": team.department.slug, "team": team.slug, "language": "en" if index % 3 == 0 else "ru",
                    "roles": "employee"})
    get_user_model().objects.filter(username__startswith=USERNAME.format("")).update(password=make_password(DEMO_PASSWORD))


def write_plan(args, path):
    """The locustfile's plan: who signs in, and the real values the pages' filters take."""
    from collections import Counter
    from urllib.parse import urlsplit

    from content.company import DEMO_PASSWORD
    from npshub.feedback.models import DIMENSIONS, Response, Source, Topic
    from npshub.feedback.models.rollups import GRAINS
    from npshub.pages.models import LessonPage
    from nps_widgets import data
    from nps_widgets.blocks import DIMENSION_LABELS

    values = {}
    for name in DIMENSIONS:  # from the rollups that hold the dimension: far fewer rows than the responses
        model = next(m for m in GRAINS if name in {f.name for f in m._meta.fields})
        values[name] = sorted(v for v in model.objects.values_list(name, flat=True).distinct() if v)
    values["source"] = list(Source.objects.values_list("slug", flat=True))
    words = Counter(word.strip(".,!?;:()\"'").lower() for comment in Response.objects.exclude(comment="")
                    .order_by("-pk").values_list("comment", flat=True)[:3000] for word in comment.split())
    plan = {
        "users": [USERNAME.format(index) for index in range(args.users)],
        "password": DEMO_PASSWORD,
        "filters": values,
        "periods": [key for key, _label in data.PERIODS],
        "intervals": ["day", "week", "month"],
        "bands": [key for key, *_rest in data.SCORE_BANDS if key],
        "breakdowns": list(DIMENSION_LABELS),
        "topics": list(Topic.objects.values_list("slug", flat=True)),
        "words": [word for word, _n in words.most_common(60) if len(word) >= 5][:30],
        "lessons": [urlsplit(page.get_url()).path for page in LessonPage.objects.live()],
    }
    path.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
    return plan


# --- The servers ----------------------------------------------------------------------------------

def start(command, env, log_name):
    log_file = open(DATA / log_name, "w")
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_ready(port, process):
    import http.client

    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((DATA / "load-uvicorn.log").read_text()[-3000:])
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("uvicorn did not answer /healthz in 90 s")


def healthz_idle(port, runs=200):
    """/healthz one request after another, each on a new connection (as curl): (p50, p95) of the
    client's time and of the server's (Server-Timing). Keep-alive is not used here: on uvicorn's
    --workers socket every keep-alive answer waits ~40 ms for a delayed ACK (README)."""
    import http.client
    import re

    server = []

    def get():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
        conn.close()
        assert response.status == 200
        server.append(float(re.search(r"dur=([0-9.]+)", response.getheader("server-timing")).group(1)))

    for _ in range(20):
        get()
    server.clear()
    return (*percentiles(timed(get, runs)), *percentiles(server))


def pages_idle(args, plan, runs=5):
    """Each page type alone, one request at a time before the load, as one signed-in employee:
    (p50, max) of the server's time (Server-Timing), the page's own cost without contention."""
    import re

    import requests

    base = f"http://127.0.0.1:{args.port}"
    session = requests.Session()
    form = session.get(base + "/accounts/login/", timeout=60)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed = session.post(base + "/accounts/login/", allow_redirects=False, timeout=60, data={
        "username": plan["users"][-1], "password": plan["password"], "csrfmiddlewaretoken": token, "next": "/"})
    assert signed.status_code == 302, f"sign-in answered {signed.status_code}"
    filters = plan["filters"]
    examples = {  # the locustfile's page names, each with a typical address
        "home": ["/"], "stats": ["/stats/?period=30", "/stats/?period=365"],
        "stats filtered": [f"/stats/?period=90&region={filters['region'][0]}", f"/stats/?period=all&product={filters['product'][0]}"],
        "comments": ["/comments/"],
        "comments q/topic": [f"/comments/?q={plan['words'][0]}", f"/comments/?topic={plan['topics'][0]}"],
        "live stream": [], "lesson": plan["lessons"][:2], "store": ["/rewards/"], "healthz (anchor)": ["/healthz"],
    }
    found = {}
    for name, paths in examples.items():
        samples = []
        for path in paths:
            headers = {"X-Requested-With": "fetch"} if name == "stats filtered" else {}
            session.get(base + path, headers=headers, timeout=120)  # warm
            for _ in range(runs):
                answer = session.get(base + path, headers=headers, timeout=120)
                assert answer.status_code == 200, f"{path}: {answer.status_code}"
                samples.append(float(re.search(r"dur=([0-9.]+)", answer.headers["server-timing"]).group(1)))
        if samples:
            found[name] = {"idle_server_p50_ms": round(sorted(samples)[len(samples) // 2], 1),
                           "idle_server_max_ms": round(max(samples), 1)}
            log(f"  idle {name}: server p50 {found[name]['idle_server_p50_ms']} ms, max {found[name]['idle_server_max_ms']} ms")
    return found


def stop(process):
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def run_locust(args, plan_path, prefix, signin_path, groups):
    command = [str(BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{int(args.measure + 600)}s",
               "--host", f"http://127.0.0.1:{args.port}", "--csv", str(prefix), "--only-summary",
               "--loglevel", "WARNING", "--plan", str(plan_path), "--measure", str(args.measure),
               "--think", args.think, "--signin-out", str(signin_path), "--stop-timeout", "5"]
    locust = start(command, dict(os.environ), "load-locust.log")
    groups["locust"] = locust.pid
    sampler = None
    while locust.poll() is None:
        if sampler is None and signin_path.exists():  # browsing began: sample from now on
            sampler = Sampler(groups)
        if sampler:
            sampler.sample()
        time.sleep(5)
    if locust.returncode not in (0, 1):  # 1: some requests failed, reported below
        raise RuntimeError((DATA / "load-locust.log").read_text()[-3000:])
    return sampler.summary() if sampler else {}


# --- The report -----------------------------------------------------------------------------------

def main():
    args = parse_args()
    name = database_name(args.postgres_url)
    if "bench" not in name:
        sys.exit(f"Refusing to use {args.postgres_url}: the benchmark's database name must contain 'bench'.")
    DATA.mkdir(parents=True, exist_ok=True)
    if prepared(args):
        ensure_postgres_database(args.postgres_url)
    else:
        recreate_database(args.postgres_url)
    result = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "responses": args.responses,
              "users": args.users, "spawn_rate": args.spawn_rate, "think": args.think, "measure": args.measure, "workers": args.workers,
              "machine": machine(), "load_average_before": load_average()}
    log(f"migrating {name} (load average {result['load_average_before']})")
    env = site_env(args, redis=False)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(args)
    prepare(args, result)
    from npshub.feedback.models import Response

    result["responses_in_database"] = Response.objects.count()
    if args.prepare_only:
        log(f"prepared: {result['responses_in_database']:,} responses in {name}")
        return
    plan_path, prefix = DATA / "load-plan.json", DATA / f"load-{args.responses}"
    plan = write_plan(args, plan_path)
    log(f"plan: {len(plan['users'])} users, {len(plan['lessons'])} lessons, {len(plan['topics'])} topics, "
        f"{ {k: len(v) for k, v in plan['filters'].items()} } filter values")
    subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    from django.db import connections

    connections.close_all()
    import redis

    redis.Redis.from_url(args.redis_url).flushdb()
    env = site_env(args)
    env["PYTHONPATH"] += os.pathsep + str(ROOT / "bench")
    web = start([str(BIN / "uvicorn"), "server_timing:application", "--host", "127.0.0.1", "--port", str(args.port),
                 "--workers", str(args.workers)], env, "load-uvicorn.log")
    worker = start([str(BIN / "celery"), "-A", "npshub", "worker", "--loglevel=warning"], env, "load-celery.log")
    signin_path = DATA / "load-signin.json"
    signin_path.unlink(missing_ok=True)
    try:
        wait_ready(args.port, web)
        (result["healthz_idle_p50_ms"], result["healthz_idle_p95_ms"], result["healthz_idle_server_p50_ms"],
         result["healthz_idle_server_p95_ms"]) = healthz_idle(args.port)
        log(f"/healthz idle: p50 {result['healthz_idle_p50_ms']} ms, p95 {result['healthz_idle_p95_ms']} ms; "
            f"Locust: {args.users} users, browsing {args.measure:g} s after all signed in")
        result["idle_pages"] = pages_idle(args, plan)
        result["during"] = run_locust(args, plan_path, prefix, signin_path, {"uvicorn": web.pid, "celery": worker.pid})
    finally:
        stop(worker)
        stop(web)
    result["load_average_after"] = load_average()
    result["sign_in"] = json.loads(signin_path.read_text()) if signin_path.exists() else {}
    result["pages"] = pages(read_stats(prefix))
    for row in result["pages"]:
        row.update(result["idle_pages"].get(row["page"], {}))
    failures = Path(f"{prefix}_failures.csv")
    result["failures"] = list(csv.DictReader(failures.open())) if failures.exists() else []
    out = DATA / f"load-{args.responses}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_markdown(result)
    log(f"results in {out}; Locust CSVs {prefix}_*.csv; logs bench/data/load-*.log")


if __name__ == "__main__":
    if shutil.which("locust", path=str(BIN)) is None:
        sys.exit("Locust is not installed: .venv/bin/pip install -e '.[dev]'")
    main()
