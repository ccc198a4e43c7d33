"""Digest benchmark: render and send a personalised digest to N employees into a local SMTP sink.

    .venv/bin/python bench/digest.py                       # 10,000 then 50,000 recipients, SQLite
    .venv/bin/python bench/digest.py --sizes 2000          # a quick run
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_digest REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python bench/digest.py                   # PostgreSQL + Redis broker

What runs is what production runs: `send_digest` (the management command, in this process)
prepares the mailing (MJML rendered once per language, one send-log row per recipient), queues
batches and waits; TWO real `celery worker` processes claim batches, personalise each message
(name, team NPS and change, points and new badges via recognition.user_summary, a masked customer
comment from the department), build the MIME bytes and send them over one SMTP connection per
batch to an aiosmtpd sink process that discards them, recording each acceptance in the send log.
Timed: from the command's start to its return (every recipient handled). Memory: peak RSS
(VmHWM) of each worker and of the command process, per size, to show it stays flat.
"""

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Settings refuse a short key when DEBUG is off; benchmarks serve plain HTTP.
BENCH_SECRET_KEY = "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz-not-for-production"


ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def rss_mb(pid, field="VmHWM"):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000", help="Comma-separated audience sizes, ascending.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    var = Path(tempfile.mkdtemp(prefix="bench-digest-"))
    os.environ.update({
        "NPSHUB_VAR_DIR": str(var), "DJANGO_DEBUG": "0", "SECRET_KEY": BENCH_SECRET_KEY, "HTTPS": "0",
        "DJANGO_SETTINGS_MODULE": "npshub.settings", "LOG_LEVEL": "WARNING",
        "DIGEST_BATCH_SIZE": str(args.batch), "EMAIL_HOST": "127.0.0.1",
    })
    port = free_port()
    os.environ["EMAIL_PORT"] = str(port)
    sys.path[:0] = [str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from content.company import load_company
    from content.pages import ensure_wagtail_roots, load_pages
    from content.responses import load_responses
    from npshub.people.models import Profile, Team
    from npshub.people.roles import ensure_groups

    print(f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, broker: "
          f"{'redis' if os.environ.get('REDIS_URL') else 'filesystem'}, workers: {args.workers}, batch: {args.batch}")
    quiet = io.StringIO()
    call_command("migrate", verbosity=0)
    ensure_wagtail_roots()
    ensure_groups()
    load_company(quiet)
    load_pages(quiet)
    load_responses(5000, quiet)
    for plugin in __import__("npshub.plugins", fromlist=["x"]).get_plugins():
        if plugin.demo:
            plugin.demo(quiet)

    sink_dir = var / "sink"
    sink = subprocess.Popen([sys.executable, str(ROOT / "tests/npshub/digest/smtp_server.py"), str(port), str(sink_dir),
                             "--discard"])
    while not (sink_dir / "ready").exists():
        time.sleep(0.05)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]))
    workers = [
        subprocess.Popen([str(BIN / "celery"), "-A", "npshub", "worker", "--pool=solo", "--loglevel=warning",
                          "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench{i}@%h"],
                         cwd=ROOT, env=env, stdout=open(var / f"worker{i}.log", "w"), stderr=subprocess.STDOUT)
        for i in range(args.workers)
    ]
    User = get_user_model()
    teams = list(Team.objects.select_related("department"))
    results = []
    try:
        from npshub import celery_app

        for worker in workers:  # wait until both answer
            celery_app.send_task("npshub.ping").get(timeout=60)
        from tests.npshub.digest.test_send import make_issue

        existing = User.objects.filter(username__startswith="bench").count()
        for size in sizes:
            new = size - existing
            for start in range(existing, size, 5000):
                stop = min(size, start + 5000)
                users = User.objects.bulk_create([
                    User(username=f"bench{i}", email=f"bench{i}@example.com", first_name=f"Name{i}", last_name="Bench")
                    for i in range(start, stop)])
                Profile.objects.bulk_create([
                    Profile(user=u, team=teams[i % len(teams)], department=teams[i % len(teams)].department,
                            language="ru" if i % 3 == 0 else "en") for i, u in enumerate(users, start=start)])
            existing = size
            audience = User.objects.filter(is_active=True).exclude(email="").count()
            issue = make_issue(title=f"Bench digest {size}", slug=f"bench-{size}")
            started = time.perf_counter()
            out = io.StringIO()
            call_command("send_digest", str(issue.pk), stdout=out)
            elapsed = time.perf_counter() - started
            line = out.getvalue().strip().splitlines()[-1]
            sent = int(line.split()[1])
            worker_rss = [rss_mb(w.pid) for w in workers]
            results.append((size, audience, sent, elapsed, worker_rss, rss_mb(os.getpid())))
            print(f"{audience:>7} recipients ({new} new users): {line}; {elapsed:.1f} s = {sent / elapsed:,.0f} emails/s; "
                  f"peak RSS workers {', '.join(f'{r:.0f}' for r in worker_rss)} MB, command {rss_mb(os.getpid()):.0f} MB")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        sink.terminate()
        sink.wait()
    received = int((sink_dir / "count").read_text()) if (sink_dir / "count").exists() else None
    print(f"SMTP sink accepted {received} messages in total")


if __name__ == "__main__":
    main()
