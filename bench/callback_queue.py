"""Callbacks at volume: the queue (API and page) and a claim with hundreds of thousands of open callbacks.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_callbacks .venv/bin/python bench/callback_queue.py --open 500000

PostgreSQL only (the fill is one INSERT ... SELECT over generate_series on the server); the database
name must contain "bench" (it is migrated and filled once; --refill starts again). Measured in-process
through Django's test client (every middleware, the session, the permission checks, the serializer or
the template; no socket), as a caller of one of 20 departments and as a CX admin (every department):
- ``GET /api/v1/callbacks/`` first page and a deep page, ``GET /callbacks/`` (the queue page);
- ``POST /api/v1/callbacks/<id>/claim/`` on distinct open callbacks (each released again, untimed);
- anchors in the same run: ``GET /healthz`` through the same client (the request floor) and the queue's
  own SQL (department, open, by priority, 50 rows) on a raw cursor.
Prints Markdown for bench/README.md.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("HTTPS", "0")
os.environ.setdefault("STATIC_MANIFEST", "0")  # pages render without collectstatic
os.environ.setdefault("WHITENOISE_USE_FINDERS", "1")
DEPARTMENTS = 20


def percentiles(samples):
    samples = sorted(samples)
    return round(statistics.median(samples), 1), round(samples[max(0, int(len(samples) * 0.95) - 1)], 1)


def timed(function, runs):
    function()  # warm: caches, first connection
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def fill(count):
    """Departments with teams and callers, then ``count`` detractor answers with consent and contact,
    each with an open callback spread over the departments, in three INSERT ... SELECT statements."""
    from django.db import connection

    from npshub.feedback.models import Source
    from npshub.people import roles
    from npshub.people.models import Department, Team
    from tests import factories

    roles.ensure_groups()
    source, _ = Source.objects.get_or_create(slug="bench-callbacks", defaults={"name": "Bench callbacks"})
    departments = []
    for n in range(DEPARTMENTS):
        department, _ = Department.objects.get_or_create(slug=f"bench-dep-{n}", defaults={"name": f"Department {n}"})
        Team.objects.get_or_create(slug=f"bench-team-{n}", defaults={"name": f"Team {n}", "department": department})
        departments.append(department.pk)
    factories.user("caller", username="bench-caller", department_=Department.objects.get(slug="bench-dep-0"))
    factories.user("cx_admin", username="bench-cxadmin")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("""
            INSERT INTO feedback_response (source_id, external_id, submitted_at, score, comment, comment_masked,
                segment, product, channel, region, team, language, callback_consent, data_consent, consent_at,
                consent_version, customer_key, created_at, updated_at)
            SELECT %s, 'cb-' || g, now() - (g %% 20) * interval '1 day' - (g %% 1440) * interval '1 minute',
                g %% 7, 'The kettle broke after a week', 'The kettle broke after a week',
                (ARRAY['new', 'loyal', 'vip'])[1 + g %% 3], 'kettle', 'store', 'moscow',
                'bench-team-' || (g %% %s), 'ru', true, true, now(), 'v1', '', now(), now()
            FROM generate_series(1, %s) AS g""", [source.pk, DEPARTMENTS, count])
        cursor.execute("""
            INSERT INTO feedback_customercontact (response_id, name, phone, email)
            SELECT id, 'Customer ' || id, '+7 900 ' || lpad((id %% 10000000)::text, 7, '0'), ''
            FROM feedback_response WHERE source_id = %s""", [source.pk])
        cursor.execute("""
            INSERT INTO callbacks_callback (response_id, category, department_id, status, priority, due_at,
                attempts, notes, notes_masked, tags, outcome, resolved, exemplary, created_at)
            SELECT r.id, 'detractor', (%s::bigint[])[1 + r.id %% %s], 'open', (r.id * 7919 %% 10000) / 100.0,
                r.submitted_at + interval '48 hours', 0, '', '', '', '', false, false, now()
            FROM feedback_response r WHERE r.source_id = %s""", [departments, DEPARTMENTS, source.pk])
        cursor.execute("ANALYZE")
    return round(time.perf_counter() - started, 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=500_000, help="open callbacks to fill")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--refill", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres") or "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("Set DATABASE_URL to a PostgreSQL database whose name contains 'bench'.")

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from callbacks.models import Callback

    call_command("migrate", verbosity=0)
    if args.refill:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE callbacks_callback, feedback_customercontact, feedback_response CASCADE")
    fill_seconds = None
    if not Callback.objects.filter(status=Callback.Status.OPEN).count() >= args.open:
        fill_seconds = fill(args.open)
    User = get_user_model()
    caller, admin = User.objects.get(username="bench-caller"), User.objects.get(username="bench-cxadmin")
    department = caller.profile.department
    total_open = Callback.objects.filter(status=Callback.Status.OPEN).count()
    in_department = Callback.objects.filter(status=Callback.Status.OPEN, department=department).count()

    rows = []
    for who, user in (("caller (1 of 20 departments)", caller), ("CX admin (all departments)", admin)):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        rows.append((f"anchor: `GET /healthz`, {who}'s client", *timed(lambda: client.get("/healthz"), args.runs)))
        first = client.get("/api/v1/callbacks/").json()
        middle = max(1, first["count"] // max(1, len(first["results"])) // 2)
        for label, path in (("`GET /api/v1/callbacks/` (first page)", "/api/v1/callbacks/"),
                            (f"`GET /api/v1/callbacks/?page={middle}` (the middle page)", f"/api/v1/callbacks/?page={middle}"),
                            ("`GET /callbacks/` (the queue page)", "/callbacks/")):
            def get(path=path):
                response = client.get(path)
                assert response.status_code == 200, (path, response.status_code)
            rows.append((f"{label}, {who}", *timed(get, args.runs)))
    with connection.cursor() as cursor:
        def queue_sql():
            cursor.execute("SELECT id FROM callbacks_callback WHERE department_id = %s AND status = 'open' "
                           "ORDER BY priority DESC, due_at, id LIMIT 50", [department.pk])
            cursor.fetchall()
        rows.append(("anchor: the queue's SQL on a raw cursor (one department, 50 rows)", *timed(queue_sql, args.runs)))

    from callbacks.models import GuideAcknowledgement

    GuideAcknowledgement.objects.get_or_create(user=caller)  # a caller reads the guide before the first claim
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(caller)
    ids = list(Callback.objects.filter(status=Callback.Status.OPEN, department=department)
               .order_by("-priority").values_list("pk", flat=True)[:args.runs + 1])
    samples = []
    for pk in ids:
        started = time.perf_counter()
        response = client.post(f"/api/v1/callbacks/{pk}/claim/")
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        client.post(f"/api/v1/callbacks/{pk}/release/")
    rows.append(("`POST /api/v1/callbacks/<id>/claim/`, caller", *percentiles(samples[1:])))

    load = os.getloadavg()[0]
    print(f"{total_open:,} open callbacks ({in_department:,} in the caller's department); "
          f"fill {fill_seconds if fill_seconds is not None else 'reused'} s; load average {load:.1f}; "
          f"{args.runs} runs each\n")
    print("| request | p50 ms | p95 ms |\n| --- | ---: | ---: |")
    for label, p50, p95 in rows:
        print(f"| {label} | {p50} | {p95} |")


if __name__ == "__main__":
    main()
