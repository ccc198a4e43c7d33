"""Statistics benchmark: generate N responses fast, rebuild the rollups, then time the NPS API
through a real uvicorn server with the filter combinations the dashboard uses.

    .venv/bin/python bench/run.py --db sqlite --rows 1000000
    .venv/bin/python bench/run.py --db postgres --rows 10000000 [--postgres-url postgres://...]

The benchmark databases are its own: bench/data/bench-<rows>.sqlite3 (git-ignored), or the
PostgreSQL database ``npshub_bench``. Loading is skipped when the database already holds exactly
``--rows`` bench responses (``--reload`` forces it). Results go to bench/data/results-*.json and
are printed as Markdown tables for bench/README.md.

Measured per query: p50/p95 over HTTP (keep-alive, token auth, one uvicorn worker), and the same
statistics function in-process from the rollups and over the raw rows (``force_raw``), whose
ratio is the speed-up. Filter combinations no rollup covers ("other") are timed over HTTP too.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

# Settings refuse a short key when DEBUG is off; benchmarks serve plain HTTP.
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production"


ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
BIN = Path(sys.executable).parent

SOURCES = [("survey", 0.45), ("webshop", 0.2), ("marketplace", 0.15), ("app-store", 0.08), ("call-centre", 0.12)]
SEGMENTS = [("new", 0.35, -4), ("loyal", 0.45, 6), ("vip", 0.2, 10)]
PRODUCTS = [("coffee-machine", 8), ("vacuum-cleaner", -6), ("kettle", 4), ("blender", 0), ("air-purifier", -2)]
CHANNELS = {"survey": ["store", "online"], "webshop": ["online"], "marketplace": ["marketplace"],
            "app-store": ["app"], "call-centre": ["phone"]}
REGIONS = [("moscow", 4), ("st-petersburg", 2), ("kazan", 6), ("novosibirsk", -5), ("yekaterinburg", -1)]
STORE_TEAMS = {"moscow": ["store-moscow-tverskaya", "store-moscow-aviapark"], "st-petersburg": ["store-spb-nevsky"],
               "kazan": ["store-kazan-koltso"], "novosibirsk": ["store-nsk-aura"], "yekaterinburg": ["store-ekb-greenwich"]}
CHANNEL_TEAMS = {"online": "webshop", "marketplace": "marketplaces", "app": "webshop", "phone": "contact-centre"}
COMMENTS = ["Great coffee machine, the best espresso at home!", "Delivery took longer than promised.",
            "The vacuum cleaner broke after two weeks.", "Курьер опоздал на три часа.",
            "Отличное качество, уже посоветовала подруге.", "Too expensive for what it is."]
DAYS = 730


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_STATS_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/npshub_bench"))
    parser.add_argument("--runs", type=int, default=40, help="timed HTTP requests per dashboard query")
    parser.add_argument("--raw-runs", type=int, default=3, help="timed raw-row runs per query")
    parser.add_argument("--other-runs", type=int, default=5, help="timed HTTP runs per uncovered query")
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


def log(message):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


# --- data generation ---------------------------------------------------------------------------

def templates(rng, source_ids):
    """A pool of realistic dimension combinations, each with its score distribution."""
    pool = []
    for _ in range(4096):
        source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
        channel = rng.choice(CHANNELS[source])
        segment = rng.choices([s for s, _, _ in SEGMENTS], weights=[w for _, w, _ in SEGMENTS])[0]
        product, effect_p = rng.choice(PRODUCTS)
        region, effect_r = rng.choice(REGIONS)
        team = rng.choice(STORE_TEAMS[region]) if channel == "store" else CHANNEL_TEAMS[channel]
        target = 25 + effect_p + effect_r + {s: e for s, _, e in SEGMENTS}[segment]
        promoters = (1 - 0.28 + target / 100) / 2
        detractors = 1 - 0.28 - promoters
        scores = []
        for i in range(100):
            roll = (i + 0.5) / 100
            scores.append(rng.choice([9, 10, 10]) if roll < promoters else
                          rng.choice([0, 3, 5, 6, 6]) if roll < promoters + detractors else rng.choice([7, 8, 8]))
        pool.append((source_ids[source], segment, product, channel, region, team, source, scores))
    return pool


def generate(rows, seed, source_ids, postgres):
    """Yield text chunks (PostgreSQL COPY) or lists of tuples (SQLite), ~50k rows each."""
    from npshub.feedback.models import Response

    rng = random.Random(seed)
    pool = templates(rng, source_ids)
    end = datetime.date.today()
    start = end - datetime.timedelta(days=DAYS)
    days = [(start + datetime.timedelta(days=d)).isoformat() for d in range(DAYS + 1)]
    # Later days get more answers (the programme grows): sample day indexes from sqrt(u).
    day_pick = [days[int(DAYS * ((i + 0.5) / 65536) ** 0.5)] for i in range(65536)]
    times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(5, 19) for m in range(60) for s in (7, 31)]  # UTC
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    generated = ("source", "external_id", "submitted_at", "score", "csat", "ces", "comment", "segment", "product",
                 "channel", "region", "team", "language", "created_at", "updated_at")
    fields = [f for f in Response._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    constants = {}
    for f in fields:
        if f.name not in generated:
            default = None if f.null else f.get_default()
            constants[f.column] = default
    order = [f.name if f.name in generated else None for f in fields]
    rand, getrandbits = rng.random, rng.getrandbits
    n_times = len(times)
    chunk = []
    for n in range(rows):
        source_id, segment, product, channel, region, team, source, scores = pool[getrandbits(12)]
        roll = rand()
        score = scores[int(roll * 100)] if roll < 0.97 else None  # 3% skip the question
        csat = ces = None
        if source == "survey" or source == "call-centre":
            csat = 1 + min(4, int((score if score is not None else 5) / 2.2 + rand()))
            if source == "call-centre":
                ces = 1 + min(6, int(6 - (score if score is not None else 5) / 2 + rand()))
        comment = COMMENTS[n % 6] if roll * 7 % 1 < 0.3 else ""
        moment = f"{day_pick[getrandbits(16)]} {times[int(rand() * n_times)]}"
        values = {"source": source_id, "external_id": f"b{n}", "submitted_at": moment, "score": score, "csat": csat,
                  "ces": ces, "comment": comment, "segment": segment, "product": product, "channel": channel,
                  "region": region, "team": team, "language": "ru" if n % 2 else "en",
                  "created_at": now, "updated_at": now}
        row = [values[name] if name else constants[column] for name, column in zip(order, columns)]
        chunk.append(row)
        if len(chunk) >= 50_000:
            yield columns, chunk
            chunk = []
    if chunk:
        yield columns, chunk


def generate_copy(rows, seed, source_ids):
    """Yield (columns, COPY text chunk) of ~100k rows: the same distributions as ``generate``,
    with each template's text precomputed so a row costs one f-string."""
    from npshub.feedback.models import Response

    rng = random.Random(seed)
    pool = templates(rng, source_ids)
    end = datetime.date.today()
    start = end - datetime.timedelta(days=DAYS)
    days = [(start + datetime.timedelta(days=d)).isoformat() for d in range(DAYS + 1)]
    day_pick = [days[int(DAYS * ((i + 0.5) / 65536) ** 0.5)] + " " for i in range(65536)]
    times = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(5, 19) for m in range(60) for s in (7, 31)]
    n_times = len(times)
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
    generated = ["source", "external_id", "submitted_at", "score", "csat", "ces", "comment", "segment", "product",
                 "channel", "region", "team", "language", "created_at", "updated_at"]
    by_name = {f.name: f for f in Response._meta.concrete_fields}
    constants = [f for f in Response._meta.concrete_fields
                 if not f.primary_key and f.name not in generated and not f.null]
    columns = [by_name[name].column for name in generated] + [f.column for f in constants]
    tail = "".join("\t" + _copy_text(f.get_default()) for f in constants) + "\n"
    texts, null = [], "\\N"
    for source_id, segment, product, channel, region, team, source, scores in pool:
        answers = []
        for index, score in enumerate(scores):
            if index >= 97:
                score = None  # 3% skip the question
            csat = ces = null
            if source in ("survey", "call-centre"):
                csat = str(1 + min(4, int((score if score is not None else 5) / 2.2 + (index % 10) / 10)))
                if source == "call-centre":
                    ces = str(1 + min(6, int(6 - (score if score is not None else 5) / 2 + (index % 7) / 7)))
            answers.append(f"{null if score is None else score}\t{csat}\t{ces}\t")
        texts.append((f"{source_id}\tb", answers, f"\t{segment}\t{product}\t{channel}\t{region}\t{team}\t"))
    comments = [COMMENTS[i % len(COMMENTS)] if i % 10 < 3 else "" for i in range(10)]
    languages = ("en", "ru")
    stamp = f"\t{now}\t{now}"
    rand, getrandbits = rng.random, rng.getrandbits
    chunk = []
    for n in range(rows):
        prefix, answers, dims = texts[getrandbits(12)]
        chunk.append(f"{prefix}{n}\t{day_pick[getrandbits(16)]}{times[int(rand() * n_times)]}\t"
                     f"{answers[int(rand() * 100)]}{comments[n % 10]}{dims}{languages[n & 1]}{stamp}{tail}")
        if len(chunk) >= 100_000:
            yield columns, "".join(chunk), len(chunk)
            chunk = []
    if chunk:
        yield columns, "".join(chunk), len(chunk)


def _copy_text(value):
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, dict):
        value = json.dumps(value)
    return str(value)


def load(args, rows):
    from django.db import connection, transaction

    from npshub.feedback.models import Response, Source
    from npshub.feedback.models.rollups import GRAINS

    postgres = connection.vendor == "postgresql"
    source_ids = {}
    for slug, _weight in SOURCES:
        source_ids[slug] = Source.objects.get_or_create(slug=slug, defaults={"name": slug})[0].pk
    table = Response._meta.db_table
    log(f"emptying {table} and the rollups")
    with connection.cursor() as cursor:
        if postgres:
            tables = ", ".join([table, *(m._meta.db_table for m in GRAINS)])
            cursor.execute(f"TRUNCATE {tables} CASCADE")
        else:
            for related in connection.introspection.table_names():
                if related.startswith("feedback_response_") or related in ("feedback_customercontact",
                                                                           "feedback_responsechange"):
                    cursor.execute(f'DELETE FROM "{related}"')
            cursor.execute(f'DELETE FROM "{table}"')
            for model in GRAINS:
                cursor.execute(f'DELETE FROM "{model._meta.db_table}"')
    # Secondary indexes are rebuilt once after the load: far faster than maintaining them per row.
    indexes = list(Response._meta.indexes)
    # (SQLite can only drop a constraint by remaking the table from the model, which keeps it.)
    uniques = [c for c in Response._meta.constraints if c.__class__.__name__ == "UniqueConstraint"] if postgres else []
    with connection.cursor() as cursor:  # IF EXISTS: an interrupted load may have dropped them already
        for index in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{index.name}"')
        for constraint in uniques:
            cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS "{constraint.name}"')
    started = time.monotonic()
    done = 0
    if postgres:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for columns, text, count in generate_copy(rows, args.seed, source_ids):
                with raw.copy(f'COPY {table} ({", ".join(columns)}) FROM STDIN') as copy:
                    copy.write(text)
                done += count
                if done % 1_000_000 == 0:
                    log(f"  {done:,} rows ({done / (time.monotonic() - started):,.0f}/s)")
    else:
        for columns, chunk in generate(rows, args.seed, source_ids, False):
            placeholders = ", ".join(["?"] * len(columns))
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({placeholders})'
            with transaction.atomic():
                connection.cursor().cursor.executemany(sql, chunk)
            done += len(chunk)
            if done % 200_000 == 0:
                log(f"  {done:,} rows ({done / (time.monotonic() - started):,.0f}/s)")
    load_seconds = time.monotonic() - started
    log(f"loaded {done:,} rows in {load_seconds:.1f} s ({done / load_seconds:,.0f}/s); building indexes")
    started = time.monotonic()
    with connection.schema_editor() as editor:
        for constraint in uniques:
            editor.add_constraint(Response, constraint)
        for index in indexes:
            editor.add_index(Response, index)
    index_seconds = time.monotonic() - started
    log(f"indexes in {index_seconds:.1f} s")
    return {"load_seconds": round(load_seconds, 1), "rows_per_second": round(done / load_seconds),
            "index_seconds": round(index_seconds, 1)}


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


# --- queries ---------------------------------------------------------------------------------

def queries(end):
    d30, d90, d365 = ((end - datetime.timedelta(days=n)).isoformat() for n in (29, 89, 364))
    dashboard = [
        ("summary", {}),
        ("summary", {"from": d90}),
        ("summary", {"from": d30, "segment": "vip"}),
        ("summary", {"from": d90, "product": "kettle", "segment": "loyal"}),
        ("summary", {"from": d365, "source": "survey"}),
        ("summary", {"from": d90, "region": "moscow", "channel": "store"}),
        ("summary", {"from": d90, "team": "store-moscow-tverskaya"}),
        ("timeseries", {"interval": "month"}),
        ("timeseries", {"interval": "week", "from": d365, "product": "kettle"}),
        ("timeseries", {"interval": "day", "from": d90, "segment": "vip", "source": "survey,webshop"}),
        ("timeseries", {"interval": "month", "region": "kazan"}),
        ("breakdown", {"by": "segment", "from": d90}),
        ("breakdown", {"by": "product", "from": d365, "segment": "vip"}),
        ("breakdown", {"by": "region", "from": d90}),
        ("breakdown", {"by": "team", "from": d90}),
        ("breakdown", {"by": "source"}),
        ("breakdown", {"by": "channel", "from": d30, "region": "moscow"}),
        ("ranking", {"by": "team", "from": d90}),
    ]
    other = [  # no rollup keeps these dimensions together: raw rows
        ("summary", {"product": "kettle", "region": "moscow"}),
        ("summary", {"from": d90, "team": "store-kazan-koltso", "segment": "vip"}),
        ("summary", {"from": d365, "product": "blender", "region": "novosibirsk", "channel": "store",
                     "segment": "loyal"}),
        ("timeseries", {"interval": "month", "segment": "new", "channel": "online"}),
        ("breakdown", {"by": "team", "product": "vacuum-cleaner"}),
        ("breakdown", {"by": "product", "region": "kazan", "from": d365}),
    ]
    return dashboard, other


def call(view, params, force_raw=False):
    from npshub.feedback import stats
    from npshub.feedback.filters import StatsFilter

    stats_filter = StatsFilter.from_params(params)
    if view == "summary":
        return stats.summary(stats_filter, force_raw=force_raw)
    if view == "timeseries":
        return stats.timeseries(stats_filter, params["interval"], force_raw=force_raw)
    if view == "breakdown":
        return stats.breakdown(stats_filter, params["by"], force_raw=force_raw)
    return stats.ranking(stats_filter, params["by"])


def timed(function, runs):
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
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
    return view + " " + " ".join(f"{k}={v}" for k, v in params.items() if k not in ("from",)) + (
        f" from={params['from']}" if "from" in params else "")


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
    log(f"migrating {args.db} bench database")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup_django(url)
    from django.db import connection

    from npshub.feedback import rollups
    from npshub.feedback.models import Response

    result = {"date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "db": args.db,
              "rows": args.rows, "machine": machine(), "db_version": None}
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        result["db_version"] = cursor.fetchone()[0].split(" on ")[0]
    present = Response.objects.filter(external_id__startswith="b").count()
    from npshub.feedback.models import DailySourceRollup

    reload = args.reload or present != args.rows or Response.objects.count() != args.rows
    if reload:
        result["load"] = load(args, args.rows)
    if reload or not DailySourceRollup.objects.exists():
        started = time.monotonic()
        written = rollups.rebuild(progress=lambda done, total, label: log(
            f"  rebuild {done}/{total} {label} ({time.monotonic() - started:.1f} s)"))
        result["rebuild_seconds"] = round(time.monotonic() - started, 1)
        result["rollup_rows"] = written
        log(f"rollups rebuilt in {result['rebuild_seconds']} s: {written}")
        started = time.monotonic()
        analyze()
        log(f"analyze in {time.monotonic() - started:.1f} s")
    else:
        log(f"{present:,} bench responses already loaded (use --reload to regenerate)")
        result["rollup_rows"] = {m._meta.db_table: m.objects.count()
                                 for m in __import__("npshub.feedback.models.rollups", fromlist=["GRAINS"]).GRAINS}
    end = datetime.date.today()
    dashboard, other = queries(end)
    key = token()
    from npshub.feedback import stats

    port = 8190 if args.db == "sqlite" else 8191
    server = start_server(url, port)
    try:
        client = Client(port, key)
        # The floor: the same server answering /healthz (one SELECT 1, no auth, no statistics).
        for _ in range(3):
            client.get("/healthz", {})
        result["http_floor_p50_ms"], result["http_floor_p95_ms"] = percentiles(
            timed(lambda: client.get("/healthz", {}), args.runs))
        log(f"floor /healthz: p50 {result['http_floor_p50_ms']} p95 {result['http_floor_p95_ms']} ms")
        rows = []
        for view, params in dashboard:
            for _ in range(3):
                client.get(view, params)  # warm-up
            http_p50, http_p95 = percentiles(timed(lambda: client.get(view, params), args.runs))
            rollup_p50, _ = percentiles(timed(lambda: call(view, params), max(args.runs // 2, 5)))
            rollup = stats.rollup_for(StatsFilterFrom(params), params.get("by"))
            if view != "ranking":
                assert call(view, params) == call(view, params, force_raw=True), (view, params)
                raw_p50, _ = percentiles(timed(lambda: call(view, params, force_raw=True), args.raw_runs))
            else:
                raw_p50 = None
            row = {"query": label(view, params), "rollup": rollup._meta.db_table if rollup else "raw",
                   "http_p50_ms": http_p50, "http_p95_ms": http_p95, "rollup_p50_ms": rollup_p50,
                   "raw_p50_ms": raw_p50, "speedup": round(raw_p50 / rollup_p50) if raw_p50 else None}
            rows.append(row)
            log(f"{row['query']}: http p50 {http_p50} p95 {http_p95} ms; raw {raw_p50} ms; x{row['speedup']}")
        result["dashboard"] = rows
        others = []
        for view, params in other:
            client.get(view, params)
            p50, p95 = percentiles(timed(lambda: client.get(view, params), args.other_runs))
            rollup = stats.rollup_for(StatsFilterFrom(params), params.get("by"))
            others.append({"query": label(view, params), "rollup": rollup._meta.db_table if rollup else "raw",
                           "http_p50_ms": p50, "http_p95_ms": p95, "max_ms": None})
            log(f"other {others[-1]['query']}: http p50 {p50} p95 {p95} ms")
        result["other"] = others
    finally:
        server.terminate()
        server.wait(timeout=10)
    out = DATA / f"results-{args.db}-{args.rows}.json"
    out.write_text(json.dumps(result, indent=2))
    print_markdown(result)
    log(f"results in {out}")


def StatsFilterFrom(params):  # noqa: N802 (reads like the class it builds)
    from npshub.feedback.filters import StatsFilter

    return StatsFilter.from_params(params)


def print_markdown(result):
    m = result["machine"]
    print(f"\n### {result['db']} ({result['db_version']}), {result['rows']:,} responses, {result['date']}\n")
    print(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} RAM, Python {m['python']}; shared with "
          "other work while measured.")
    if "load" in result:
        load_ = result["load"]
        print(f"Load: {load_['load_seconds']} s ({load_['rows_per_second']:,} rows/s), indexes "
              f"{load_['index_seconds']} s, rebuild_rollups {result['rebuild_seconds']} s.")
    print(f"Rollup rows: {result['rollup_rows']}")
    if "http_floor_p50_ms" in result:
        print(f"HTTP floor (GET /healthz on the same server): p50 {result['http_floor_p50_ms']} ms, "
              f"p95 {result['http_floor_p95_ms']} ms.")
    print()
    print("| query | source | HTTP p50 ms | HTTP p95 ms | in-process rollup p50 ms | raw rows p50 ms | speed-up |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in result["dashboard"]:
        print(f"| {row['query']} | {row['rollup'].replace('feedback_', '')} | {row['http_p50_ms']} | "
              f"{row['http_p95_ms']} | {row['rollup_p50_ms']} | {row['raw_p50_ms'] or '-'} | "
              f"{('x' + str(row['speedup'])) if row['speedup'] else '-'} |")
    print("\nOther filter combinations (no covering rollup: raw rows):\n")
    print("| query | HTTP p50 ms | HTTP p95 ms |")
    print("|---|---:|---:|")
    for row in result["other"]:
        print(f"| {row['query']} | {row['http_p50_ms']} | {row['http_p95_ms']} |")


if __name__ == "__main__":
    main()
