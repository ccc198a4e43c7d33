"""CSV ingestion benchmark: `import_responses` into PostgreSQL and SQLite, in rows per second.

    .venv/bin/python bench/ingest.py --rows 200000                 # both databases
    .venv/bin/python bench/ingest.py --rows 1000000 --db postgres  # one
    BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres (the server to create the bench database on)

Generates a realistic CSV (45% with comments in English and Russian, a third with contacts and
consents), then for each database: a fresh schema (migrate), demo topics, and three timed runs
of the real command: the first import (all new), the same file again (all duplicates) and a
version with 10% of the comments changed (updates with change records). Each timing covers
reading, validation, look-ups, inserts, contacts, rollup maintenance and topic tagging, as a
user would run it; Django's start-up is not counted.
"""

import argparse
import csv
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Settings refuse a short key when DEBUG is off; benchmarks serve plain HTTP.
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production"


ROOT = Path(__file__).resolve().parent.parent
HEADER = ["external_id", "submitted_at", "score", "csat", "ces", "comment", "segment", "product", "channel", "region",
          "team", "customer_name", "customer_phone", "customer_email", "callback_consent", "data_consent",
          "consent_version", "language"]


def generate(path, rows, shape_name="company", seed=7, changed_share=0.0):
    """The CSV of ``rows`` responses from content's demo generator (content.responses.generate_records)
    in the company shape (120 teams, 20 products, 6 regions, 5 channels, 4 segments, stores and products
    opening over the two years) or the demo's."""
    sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
    import django

    django.setup()
    from content.responses import DEMO, company_shape, generate_records

    shape = company_shape() if shape_name == "company" else DEMO
    change = random.Random(seed + 1)
    import datetime

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for record in generate_records(rows, end=datetime.date(2026, 11, 30), seed=seed, shape=shape):
            comment = record["comment"]
            if comment and changed_share and change.random() < changed_share:
                comment += " (edited)"
            consent = record["callback_consent"]
            writer.writerow([
                record["external_id"], record["submitted_at"].isoformat(), record["score"],
                "" if record["csat"] is None else record["csat"], "" if record["ces"] is None else record["ces"],
                comment, record["segment"], record["product"], record["channel"], record["region"], record["team"],
                record["customer_name"], record["customer_phone"], record["customer_email"],
                "yes" if consent else "no", "yes" if consent else "no", "survey-2024-01" if consent else "",
                record["language"],
            ])


def anchor_postgres(url, path):
    """COPY the same file into a bare table (no keys, no indexes): the server's floor for these rows."""
    import psycopg

    types = {"submitted_at": "timestamp", "score": "smallint", "csat": "smallint", "ces": "smallint",
             "callback_consent": "boolean", "data_consent": "boolean"}
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP TABLE IF EXISTS bench_anchor")
        columns = ", ".join(f"{name} {types.get(name, 'text')}" for name in HEADER)
        connection.execute(f"CREATE TABLE bench_anchor ({columns})")
        started = time.perf_counter()
        with connection.cursor() as cursor, open(path, "rb") as handle:
            with cursor.copy("COPY bench_anchor FROM STDIN (FORMAT csv, HEADER true)") as copy:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    copy.write(block)
        elapsed = time.perf_counter() - started
        connection.execute("DROP TABLE bench_anchor")
    return elapsed


def anchor_sqlite(path, database):
    """The csv module and one executemany into a bare SQLite table: SQLite's floor for these rows."""
    import sqlite3

    connection = sqlite3.connect(database)
    connection.execute(f"CREATE TABLE bench_anchor ({', '.join(HEADER)})")
    started = time.perf_counter()
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.executemany(f"INSERT INTO bench_anchor VALUES ({', '.join(['?'] * len(HEADER))})", reader)
    connection.commit()
    elapsed = time.perf_counter() - started
    connection.close()
    return elapsed


def child(args):
    """Runs in a fresh process with DATABASE_URL set: migrate, then time the imports."""
    sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from content.topics import load_topics
    from npshub.feedback.models import Response

    call_command("migrate", verbosity=0)
    load_topics(io.StringIO())
    results = {"vendor": connection.vendor}
    steps = {"first": ("first import (all new)", args.file), "again": ("same file again (all duplicates)", args.file),
             "changed": ("10% of comments changed (updates)", args.changed)}
    extra = ["--row-path"] if args.engine == "rows" else []
    for step in args.steps.split(","):
        label, path = steps[step]
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_responses", path, "--source", "bench", "--no-progress", *extra, stdout=out)
        elapsed = time.perf_counter() - started
        results[label] = {"seconds": round(elapsed, 2), "rows_per_s": round(args.rows / elapsed),
                          "report": out.getvalue().splitlines()[0]}
    results["responses"] = Response.objects.count()
    print(json.dumps(results))


def run_database(url, args, rows, csv_path, changed_path, engine, steps):
    env = dict(os.environ, DATABASE_URL=url, DJANGO_DEBUG="0", SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0",
               NPSHUB_PLUGINS=os.environ.get("NPSHUB_PLUGINS", ""),
               NPSHUB_VAR_DIR=tempfile.mkdtemp(prefix="bench-ingest-var-"), LOG_LEVEL="WARNING")
    command = [sys.executable, __file__, "--child", "--rows", str(rows), "--file", str(csv_path),
               "--changed", str(changed_path), "--engine", engine, "--steps", steps]
    output = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"run failed:\n{output.stderr[-4000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def fresh_postgres(server, name):
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return server.rsplit("/", 1)[0] + f"/{name}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--db", choices=("both", "postgres", "sqlite"), default="both")
    parser.add_argument("--shape", choices=("company", "demo"), default="company")
    parser.add_argument("--steps", default="first,again,changed", help="first, again, changed (comma-separated)")
    parser.add_argument("--compare-rows", type=int, default=0,
                        help="also import the first N rows by the row path (--row-path) into a fresh database")
    parser.add_argument("--csv", help="import this file (written by an earlier run) instead of generating one")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--changed", help=argparse.SUPPRESS)
    parser.add_argument("--engine", default="columns", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("HTTPS", "0")
    os.environ.setdefault("NPSHUB_VAR_DIR", tempfile.mkdtemp(prefix="bench-ingest-gen-"))
    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    csv_path, changed_path = workdir / "responses.csv", workdir / "responses-changed.csv"
    small_path = workdir / "responses-small.csv"
    started = time.perf_counter()
    if args.csv:
        csv_path = Path(args.csv)
    else:
        generate(csv_path, args.rows, args.shape)
    if "changed" in args.steps:
        generate(changed_path, args.rows, args.shape, changed_share=0.1 / 0.45)  # about 10% of all rows change
    if args.compare_rows:
        generate(small_path, args.compare_rows, args.shape)
    print(f"{'read' if args.csv else 'generated'} {args.rows:,} rows ({args.shape} shape) in {time.perf_counter() - started:.1f} s "
          f"({csv_path.stat().st_size / 1e6:.0f} MB)")

    server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    for label in (["PostgreSQL"] if args.db in ("both", "postgres") else []) + (
            ["SQLite"] if args.db in ("both", "sqlite") else []):
        print(f"\n{label}")
        if label == "PostgreSQL":
            url = fresh_postgres(server, "bench_npshub_ingest")
            anchor = anchor_postgres(url, csv_path)
            print(f"  anchor: COPY of the file into a bare table   {anchor:7.2f} s  {args.rows / anchor:>9,.0f} rows/s")
        else:
            database = workdir / "bench.sqlite3"
            url = f"sqlite:///{database}"
            anchor = anchor_sqlite(csv_path, workdir / "anchor.sqlite3")
            print(f"  anchor: csv + executemany into a bare table  {anchor:7.2f} s  {args.rows / anchor:>9,.0f} rows/s")
        result = run_database(url, args, args.rows, csv_path, changed_path, "columns", args.steps)
        print(f"  {result.pop('responses'):,} responses stored")
        result.pop("vendor")
        for step, figures in result.items():
            print(f"  {step:<44} {figures['seconds']:>7.2f} s  {figures['rows_per_s']:>9,} rows/s   {figures['report']}")
        if args.compare_rows:
            for engine in ("rows", "columns"):
                url = fresh_postgres(server, "bench_npshub_ingest") if label == "PostgreSQL" else \
                    f"sqlite:///{workdir / f'bench-{engine}.sqlite3'}"
                figures = run_database(url, args, args.compare_rows, small_path, small_path, engine, "first")
                figures = figures["first import (all new)"]
                print(f"  first {args.compare_rows:,} rows, {engine + ' path':<28} {figures['seconds']:>7.2f} s  "
                      f"{figures['rows_per_s']:>9,} rows/s   {figures['report']}")
    if args.db in ("both", "postgres"):
        import psycopg

        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS bench_npshub_ingest")


if __name__ == "__main__":
    main()
