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
COMMENTS = [
    "Fast delivery and the staff in the store were really helpful.",
    "Too expensive, and the price dropped a week after I bought it.",
    "The app keeps crashing when I try to pay.",
    "Courier was three hours late and the box was damaged.",
    "Отличная кофемашина, лучший эспрессо дома!",
    "Курьер опоздал на три часа, коробка была помята.",
    "Слишком дорого, через неделю цена упала.",
    "Пылесос сломался через две недели, поддержка не отвечает.",
]
HEADER = ["external_id", "submitted_at", "score", "comment", "segment", "product", "channel", "region", "team",
          "customer_name", "customer_phone", "customer_email", "callback_consent", "data_consent", "language"]


def generate(path, rows, seed=7, changed_share=0.0):
    rng = random.Random(seed)
    change = random.Random(seed + 1)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for n in range(rows):
            comment = rng.choice(COMMENTS) if rng.random() < 0.45 else ""
            if comment and changed_share and change.random() < changed_share:
                comment += " (edited)"
            consent = rng.random() < 0.33
            writer.writerow([
                f"bench-{n}", f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(8, 21):02d}:{rng.randint(0, 59):02d}:00",
                rng.randint(0, 10), comment, rng.choice(("new", "loyal", "vip")),
                rng.choice(("coffee-machine", "kettle", "blender", "vacuum-cleaner", "air-purifier")),
                rng.choice(("store", "online", "app", "phone")),
                rng.choice(("moscow", "st-petersburg", "kazan", "novosibirsk", "yekaterinburg")),
                f"team-{rng.randint(1, 12)}",
                "Anna Orlova" if consent else "", f"+7 916 {rng.randint(100, 999)}-45-67" if consent else "",
                f"c{n}@example.net" if consent else "", "yes" if consent else "no", "yes" if consent else "no",
                "ru" if rng.random() < 0.55 else "en",
            ])


def child(args):
    """Runs in a fresh process with DATABASE_URL set: migrate, then time the three imports."""
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
    for label, path in (("first import (all new)", args.file), ("same file again (all duplicates)", args.file),
                        ("10% of comments changed (updates)", args.changed)):
        out = io.StringIO()
        started = time.perf_counter()
        call_command("import_responses", path, "--source", "bench", "--no-progress", stdout=out)
        elapsed = time.perf_counter() - started
        results[label] = {"seconds": round(elapsed, 2), "rows_per_s": round(args.rows / elapsed),
                          "report": out.getvalue().splitlines()[0]}
    results["responses"] = Response.objects.count()
    print(json.dumps(results))


def run_database(name, url, args, csv_path, changed_path):
    env = dict(os.environ, DATABASE_URL=url, DJANGO_DEBUG="0", SECRET_KEY=BENCH_SECRET_KEY, HTTPS="0", NPSHUB_PLUGINS=os.environ.get("NPSHUB_PLUGINS", ""),
               NPSHUB_VAR_DIR=tempfile.mkdtemp(prefix="bench-ingest-var-"), LOG_LEVEL="WARNING")
    command = [sys.executable, __file__, "--child", "--rows", str(args.rows), "--file", str(csv_path),
               "--changed", str(changed_path)]
    output = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    if output.returncode:
        sys.exit(f"{name} run failed:\n{output.stderr[-4000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--db", choices=("both", "postgres", "sqlite"), default="both")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--changed", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args)

    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    csv_path, changed_path = workdir / "responses.csv", workdir / "responses-changed.csv"
    started = time.perf_counter()
    generate(csv_path, args.rows)
    generate(changed_path, args.rows, changed_share=0.1 / 0.45)  # about 10% of all rows change
    print(f"generated 2 x {args.rows:,} rows in {time.perf_counter() - started:.1f} s "
          f"({csv_path.stat().st_size / 1e6:.0f} MB each)")

    databases = []
    if args.db in ("both", "postgres"):
        import psycopg

        server = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
        name = "bench_npshub_ingest"
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
        databases.append(("PostgreSQL", server.rsplit("/", 1)[0] + f"/{name}"))
    if args.db in ("both", "sqlite"):
        databases.append(("SQLite", f"sqlite:///{workdir / 'bench.sqlite3'}"))

    for label, url in databases:
        result = run_database(label, url, args, csv_path, changed_path)
        print(f"\n{label}: {result.pop('responses'):,} responses stored")
        result.pop("vendor")
        for step, figures in result.items():
            print(f"  {step:<36} {figures['seconds']:>7.2f} s  {figures['rows_per_s']:>8,} rows/s   {figures['report']}")
    if args.db in ("both", "postgres"):
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute("DROP DATABASE IF EXISTS bench_npshub_ingest")


if __name__ == "__main__":
    main()
