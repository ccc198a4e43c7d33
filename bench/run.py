"""Statistics benchmark: generate N company-shaped responses fast, rebuild the rollups, then time
every query the dashboard can send through a real uvicorn server, each against a plain GROUP BY
over the raw rows in the same run.

    .venv/bin/python bench/run.py --db sqlite --rows 1000000
    .venv/bin/python bench/run.py --db postgres --rows 10000000 [--postgres-url postgres://...]

The data comes from content.responses (``company_shape()`` by default, ``--shape demo``): its
sources, dimension values, weights, effects, trend and openings. The benchmark databases are its
own: bench/data/bench-<rows>.sqlite3 (git-ignored), or the PostgreSQL database ``npshub_bench``.
Loading is skipped when the database holds the same rows, shape and seed as last time
(``--reload`` forces it). Results go to bench/data/results-<db>-<shape>-<rows>.json and are
printed as Markdown tables for bench/README.md.

Groups: A, the summary, each series interval, each breakdown and the team ranking, with no filter
and with each single filter (target: p95 <= 10 ms); B, every pair of filters and a few of 3-5
filters with the summary, the monthly series and the breakdowns by team and product (target: p95
<= 1 s, p50 <= 100 ms at 1M / 300 ms at 10M, never slower than the anchor). Measured per query:
HTTP p50/p95 (keep-alive, token auth, one uvicorn worker) and the anchor's p50/p95 (the same
WHERE, grouped by the period or the dimension, straight through the database connection), with
a check that both count the same answers.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

from statsdata import analyze, load, log
from statsqueries import anchor_sql, answered, queries, run_anchor, source_of

# Settings refuse a short key when DEBUG is off; benchmarks serve plain HTTP.
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production"


ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
BIN = Path(sys.executable).parent



def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_STATS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/npshub_bench"))
    parser.add_argument("--shape", choices=["company", "demo"], default="company",
                        help="content.responses' company_shape() (120 teams, 20 products) or the demo's")
    parser.add_argument("--runs", type=int, default=20, help="timed HTTP requests per group A query")
    parser.add_argument("--combo-runs", type=int, default=10, help="timed HTTP requests per group B query")
    parser.add_argument("--budget", type=float, default=3.0,
                        help="seconds of HTTP timing per query after which a slow query stops (3 runs at least)")
    parser.add_argument("--anchor-runs", type=int, default=3, help="timed runs of each query's raw GROUP BY")
    parser.add_argument("--only", choices=["A", "B"], help="time one group only")
    parser.add_argument("--reload", action="store_true", help="regenerate the responses even if present")
    parser.add_argument("--seed", type=int, default=1)
    return parser.parse_args()


def database_url(args):
    if args.db == "sqlite":
        return f"sqlite:///{DATA / f'bench-{args.rows}.sqlite3'}"
    return args.postgres_url


def setup_django(url):
    os.environ.update(DATABASE_URL=url, NPSHUB_VAR_DIR=str(DATA / "var"), DJANGO_DEBUG="0",
                      SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0", DJANGO_SETTINGS_MODULE="npshub.settings")
    os.environ.pop("REDIS_URL", None)
    for path in ("site", "plugins", "."):
        sys.path.insert(0, str(ROOT / path))
    import django

    django.setup()


def ensure_postgres_database(url):
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def timed(function, runs, budget=None, min_runs=3):
    """Milliseconds of ``runs`` calls; with ``budget`` (seconds), stop early after ``min_runs``
    once the calls have taken that long (slow raw-row queries)."""
    samples, began = [], time.perf_counter()
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
        if budget and len(samples) >= min_runs and time.perf_counter() - began > budget:
            break
    return samples


def percentiles(samples):
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return round(statistics.median(ordered), 2), round(p95, 2)


def start_server(url, port):
    env = dict(os.environ, DATABASE_URL=url, DJANGO_DEBUG="0", SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0", THROTTLE_USER="off",
               NPSHUB_VAR_DIR=str(DATA / "var"), PYTHONPATH=os.pathsep.join(
                   [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]))
    env.pop("REDIS_URL", None)
    log_file = open(DATA / "uvicorn.log", "w")
    process = subprocess.Popen(
        [str(BIN / "uvicorn"), "npshub.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "600"],
        cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError((DATA / "uvicorn.log").read_text()[-3000:])
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("uvicorn did not start in 60 s")


def token():
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from npshub.people import roles

    user, _ = get_user_model().objects.get_or_create(username="bench")
    roles.ensure_groups()
    roles.grant(user, roles.EMPLOYEE)
    return Token.objects.get_or_create(user=user)[0].key


class Client:
    def __init__(self, port, key):
        self.port, self.key = port, key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def get(self, view, params, retry=True):
        try:
            return self._get(view, params)
        except (http.client.RemoteDisconnected, ConnectionError):
            if not retry:
                raise
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return self.get(view, params, retry=False)

    def _get(self, view, params):
        path = view if view.startswith("/") else f"/api/v1/nps/{view}/?{urlencode(params)}"
        self.conn.request("GET", path,
                          headers={"Authorization": f"Token {self.key}", "Host": "127.0.0.1"})
        response = self.conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{view} {params}: {response.status} {body[:300]!r}")
        return body


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.splitlines()[1].split()[1]
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": memory, "python": platform.python_version()}


def label(view, params):
    detail = params.get("interval") or params.get("by")
    filters_ = " ".join(f"{k}={v}" for k, v in params.items() if k not in ("interval", "by", "from", "to"))
    dated = " 90d" if "from" in params else ""
    return f"{view}{' ' + detail if detail else ''} | {filters_ or '-'}{dated}"


def loaded_marker(args):
    return DATA / f"loaded-{args.db}-{args.rows}.json"


def prepare(args, result):
    """Load (unless the same rows, shape and seed are there), rebuild the rollups, analyze."""
    from npshub.feedback import rollups
    from npshub.feedback.models import Response
    from npshub.feedback.models.rollups import GRAINS

    wanted = {"rows": args.rows, "shape": args.shape, "seed": args.seed, "url": database_url(args)}
    marker = loaded_marker(args)
    same = marker.exists() and json.loads(marker.read_text()) == wanted
    if args.reload or not same or Response.objects.count() != args.rows:
        marker.unlink(missing_ok=True)
        result["load"] = load(args, args.rows)
        started = time.monotonic()
        written = rollups.rebuild(progress=lambda done, total, label: log(
            f"  rebuild {done}/{total} {label} ({time.monotonic() - started:.1f} s)"))
        result["rebuild_seconds"] = round(time.monotonic() - started, 1)
        log(f"rollups rebuilt in {result['rebuild_seconds']} s: {written}")
        started = time.monotonic()
        analyze()
        result["analyze_seconds"] = round(time.monotonic() - started, 1)
        marker.write_text(json.dumps(wanted))
    else:
        log(f"{args.rows:,} {args.shape}-shaped responses already loaded (use --reload to regenerate)")
    result["rollup_rows"] = {m._meta.db_table.replace("feedback_", ""): m.objects.count() for m in GRAINS}
    result["distinct"] = {name: Response.objects.values(name).distinct().count()
                          for name in ("segment", "product", "channel", "region", "team")}


def measure(client, group, view, params, args):
    runs = args.runs if group == "A" else args.combo_runs
    body = client.get(view, params)  # warm-up (and the answer checked against the anchor)
    client.get(view, params)
    p50, p95 = percentiles(samples := timed(lambda: client.get(view, params), runs, args.budget))
    sql, sql_args = anchor_sql(view, params)
    counted = run_anchor(sql, sql_args)  # warm-up
    anchor_p50, anchor_p95 = percentiles(timed(lambda: run_anchor(sql, sql_args), args.anchor_runs))
    row = {"group": group, "query": label(view, params), "view": view, "params": params,
           "source": source_of(view, params), "runs": len(samples), "http_p50_ms": p50, "http_p95_ms": p95,
           "anchor_p50_ms": anchor_p50, "anchor_p95_ms": anchor_p95,
           "same_count": counted == answered(view, body), "responses": counted}
    row["slower_than_anchor"] = p50 > anchor_p50
    if group == "A":
        row["meets"] = p95 <= TARGET_A_P95
    else:
        row["meets"] = p95 <= TARGET_B_P95 and p50 <= target_b_p50(args.rows) and not row["slower_than_anchor"]
    return row


TARGET_A_P95 = 10.0
TARGET_B_P95 = 1000.0


def target_b_p50(rows):
    return 100.0 if rows <= 1_000_000 else 300.0


def main():
    args = parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    url = database_url(args)
    if args.db == "postgres":
        if "bench" not in url.rsplit("/", 1)[1]:
            sys.exit(f"Refusing to empty {url}: the benchmark's PostgreSQL database name must contain 'bench'.")
        ensure_postgres_database(url)
    env = dict(os.environ, DATABASE_URL=url, NPSHUB_VAR_DIR=str(DATA / "var"), DJANGO_DEBUG="0",
               SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0")
    env.pop("REDIS_URL", None)
    began = time.monotonic()
    result = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "db": args.db,
              "rows": args.rows, "shape": args.shape, "machine": machine(), "load_average_before": load_average()}
    log(f"migrating {args.db} bench database (load average {result['load_average_before']})")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(url)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        result["db_version"] = cursor.fetchone()[0].split(" on ")[0]
    prepare(args, result)
    found = queries(datetime.date.today())
    if args.only:
        found = [q for q in found if q[0] == args.only]
    log(f"{len(found)} queries ({sum(q[0] == 'A' for q in found)} in group A)")
    key = token()
    port = 8190 if args.db == "sqlite" else 8191
    server = start_server(url, port)
    started = time.monotonic()
    try:
        client = Client(port, key)
        for _ in range(3):
            client.get("/healthz", {})
        result["http_floor_p50_ms"], result["http_floor_p95_ms"] = percentiles(
            timed(lambda: client.get("/healthz", {}), 30))
        log(f"floor /healthz: p50 {result['http_floor_p50_ms']} p95 {result['http_floor_p95_ms']} ms")
        rows = []
        for index, (group, view, params) in enumerate(found, 1):
            row = measure(client, group, view, params, args)
            rows.append(row)
            log(f"{index}/{len(found)} {group} {row['query']} [{row['source']}]: http p50 {row['http_p50_ms']} "
                f"p95 {row['http_p95_ms']} ms; anchor p50 {row['anchor_p50_ms']} ms"
                f"{'' if row['same_count'] else ' COUNT MISMATCH'}")
        result["queries"] = rows
    finally:
        server.terminate()
        server.wait(timeout=10)
    result["query_seconds"] = round(time.monotonic() - started, 1)
    result["total_seconds"] = round(time.monotonic() - began, 1)
    result["load_average_after"] = load_average()
    out = DATA / f"results-{args.db}-{args.shape}-{args.rows}.json"
    out.write_text(json.dumps(result, indent=2))
    print_markdown(result)
    log(f"results in {out}")


def load_average():
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def print_markdown(result, worst=15):
    m = result["machine"]
    print(f"\n### {result['db']} ({result['db_version']}), {result['rows']:,} {result['shape']}-shaped responses, "
          f"{result['date']}\n")
    print(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Python {m['python']}; load average "
          f"{result['load_average_before']} before, {result['load_average_after']} after (1, 5, 15 min).")
    if "load" in result:
        load_ = result["load"]
        print(f"Load: {load_['load_seconds']} s ({load_['rows_per_second']:,} rows/s), indexes "
              f"{load_['index_seconds']} s, rebuild_rollups {result['rebuild_seconds']} s, "
              f"analyze {result['analyze_seconds']} s.")
    print(f"Distinct values: {result['distinct']}. Rollup rows: {result['rollup_rows']}.")
    print(f"HTTP floor (GET /healthz on the same server): p50 {result['http_floor_p50_ms']} ms, "
          f"p95 {result['http_floor_p95_ms']} ms. Queries timed in {result['query_seconds']} s "
          f"({result['total_seconds']} s in all).\n")
    rows = result["queries"]
    mismatched = [row["query"] for row in rows if not row["same_count"]]
    if mismatched:
        print(f"**Answer counts differing from the anchor's:** {', '.join(mismatched)}\n")
    print("| group | target | queries | meet it | slower than anchor | from raw rows | median p95 ms | "
          "worst p95 ms (query) |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for group, target in (("A", f"p95 ≤ {TARGET_A_P95:g} ms"),
                          ("B", f"p95 ≤ 1 s, p50 ≤ {target_b_p50(result['rows']):g} ms, ≤ anchor")):
        chosen = [row for row in rows if row["group"] == group]
        if not chosen:
            continue
        slowest = max(chosen, key=lambda row: row["http_p95_ms"])
        print(f"| {group} | {target} | {len(chosen)} | {sum(row['meets'] for row in chosen)} | "
              f"{sum(row['slower_than_anchor'] for row in chosen)} | {sum('raw' in row['source'].split('+') for row in chosen)} | "
              f"{statistics.median(row['http_p95_ms'] for row in chosen):.1f} | "
              f"{slowest['http_p95_ms']} (`{slowest['query'].replace('|', '·')}`) |")
    for group in ("A", "B"):
        chosen = sorted((row for row in rows if row["group"] == group), key=lambda row: -row["http_p95_ms"])
        if not chosen:
            continue
        print(f"\nGroup {group}, the {min(worst, len(chosen))} slowest by HTTP p95:\n")
        print("| query (view detail \\| filters) | answered from | HTTP p50 ms | HTTP p95 ms | anchor p50 ms | "
              "HTTP ÷ anchor | meets |")
        print("|---|---|---:|---:|---:|---:|---|")
        for row in chosen[:worst]:
            ratio = row["http_p50_ms"] / row["anchor_p50_ms"] if row["anchor_p50_ms"] else 0
            print(f"| {row['query'].replace('|', '·')} | {row['source']} | {row['http_p50_ms']} | "
                  f"{row['http_p95_ms']} | {row['anchor_p50_ms']} | {ratio:.2f} | "
                  f"{'yes' if row['meets'] else '**no**'}{' (slower than anchor)' if row['slower_than_anchor'] else ''} |")


if __name__ == "__main__":
    main()
