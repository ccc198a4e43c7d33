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
NEWLINE = b"\n"


def rss_mb(pid, field="VmHWM"):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User + system CPU time of a process so far (from /proc/PID/stat), or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def anchor(port, data, count, sink_pid):
    """Plain smtplib on one reused connection sending the same pre-built message ``count`` times into
    the sink: what the sink and the loopback take with no database and no personalisation."""
    import smtplib

    sink_cpu, own_cpu = cpu_seconds(sink_pid), time.process_time()
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for i in range(count):
            smtp.sendmail("nps-hub@example.com", [f"anchor{i}@example.com"], data)
    elapsed = time.perf_counter() - started
    return {"per_s": count / elapsed, "sender_ms": (time.process_time() - own_cpu) * 1000 / count,
            "sink_ms": (cpu_seconds(sink_pid) - sink_cpu) * 1000 / count}


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_users(existing, size):
    from django.contrib.auth import get_user_model

    from npshub.people.models import Profile, Team

    User = get_user_model()
    teams = list(Team.objects.select_related("department"))
    for start in range(existing, size, 5000):
        stop = min(size, start + 5000)
        users = User.objects.bulk_create([
            User(username=f"bench{i}", email=f"bench{i}@example.com", first_name=f"Name{i}", last_name="Bench")
            for i in range(start, stop)])
        Profile.objects.bulk_create([
            Profile(user=u, team=teams[i % len(teams)], department=teams[i % len(teams)].department,
                    language="ru" if i % 3 == 0 else "en") for i, u in enumerate(users, start=start)])


def profile_batch(size, batch, port=None, sink_pid=None):
    """One batch sent in this process under cProfile (the first batch warms the caches, unprofiled)."""
    import cProfile
    import pstats

    from npshub.digest import mailing as mailing_lib
    from npshub.digest import sending, tasks
    from tests.npshub.digest.test_send import make_issue

    add_users(0, size)
    issue = make_issue(title="Bench digest profile", slug="bench-profile")
    mailing = tasks.start_digest(issue)
    ranges = mailing_lib.batch_ranges(mailing, batch)
    from npshub.digest import transport

    seen = []
    original = transport.SmtpTransport.send

    def keep(self, from_addr, to_addr, data):
        seen.append(data)
        return original(self, from_addr, to_addr, data)

    transport.SmtpTransport.send = keep
    sending.send_range(mailing.pk, *ranges[0])  # warm-up: renders, caches, imports
    transport.SmtpTransport.send = original
    sample = seen[0]
    Path(os.environ["NPSHUB_VAR_DIR"], "sample.eml").write_bytes(sample)
    print(f"message: {len(sample):,} bytes, {sample.count(NEWLINE):,} lines")
    sink_cpu = cpu_seconds(sink_pid)
    profiler = cProfile.Profile()
    cpu = time.process_time()
    profiler.enable()
    counts = sending.send_range(mailing.pk, *ranges[1])
    profiler.disable()
    cpu = time.process_time() - cpu
    print(f"sink CPU during the profiled batch: {(cpu_seconds(sink_pid) - sink_cpu) * 1000 / 500:.2f} ms per message")
    result = anchor(port, sample, 2000, sink_pid)
    print(f"anchor (plain smtplib, one connection, pre-built message): {result['per_s']:,.0f} messages/s, "
          f"sender {result['sender_ms']:.2f} ms and sink {result['sink_ms']:.2f} ms CPU per message")
    print(f"profiled batch: {counts}; this process's CPU {cpu * 1000 / max(1, counts['sent']):.2f} ms per message "
          f"(cProfile adds its own overhead)")
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(40)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000", help="Comma-separated audience sizes, ascending.")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--no-pipelining", action="store_true", help="The sink does not offer PIPELINING.")
    parser.add_argument("--fast-sink", action="store_true",
                        help="The sink reads each message in one block (smtp_server.py --fast-data), not line by line.")
    parser.add_argument("--profile", action="store_true",
                        help="Instead: send one batch in this process under cProfile and print where the time goes.")
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
                             "--discard", *([] if args.no_pipelining else ["--pipelining"]),
                             *(["--fast-data"] if args.fast_sink else [])])
    while not (sink_dir / "ready").exists():
        time.sleep(0.05)
    if args.profile:
        try:
            profile_batch(sizes[0], args.batch, port, sink.pid)
        finally:
            sink.terminate()
            sink.wait()
        return
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "site"), str(ROOT / "plugins"), str(ROOT)]))
    workers = [
        subprocess.Popen([str(BIN / "celery"), "-A", "npshub", "worker", "--pool=solo", "--loglevel=warning",
                          "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"bench{i}@%h"],
                         cwd=ROOT, env=env, stdout=open(var / f"worker{i}.log", "w"), stderr=subprocess.STDOUT)
        for i in range(args.workers)
    ]
    User = get_user_model()
    try:
        from npshub import celery_app

        for worker in workers:  # wait until both answer
            celery_app.send_task("npshub.ping").get(timeout=60)
        from tests.npshub.digest.test_send import make_issue

        existing = User.objects.filter(username__startswith="bench").count()
        for size in sizes:
            new = size - existing
            add_users(existing, size)
            existing = size
            audience = User.objects.filter(is_active=True).exclude(email="").count()
            issue = make_issue(title=f"Bench digest {size}", slug=f"bench-{size}")
            load_before = os.getloadavg()[0]
            cpu_before = [cpu_seconds(w.pid) for w in workers] + [cpu_seconds(sink.pid)]
            started = time.perf_counter()
            out = io.StringIO()
            call_command("send_digest", str(issue.pk), stdout=out)
            elapsed = time.perf_counter() - started
            cpu = [after - before for after, before in zip([cpu_seconds(w.pid) for w in workers] + [cpu_seconds(sink.pid)],
                                                           cpu_before)]
            line = out.getvalue().strip().splitlines()[-1]
            sent = int(line.split()[1])
            worker_rss = [rss_mb(w.pid) for w in workers]
            print(f"{audience:>7} recipients ({new} new users): {line}; {elapsed:.1f} s = {sent / elapsed:,.0f} emails/s; "
                  f"peak RSS workers {', '.join(f'{r:.0f}' for r in worker_rss)} MB, command {rss_mb(os.getpid()):.0f} MB; "
                  f"CPU per message: workers {sum(cpu[:-1]) * 1000 / max(sent, 1):.2f} ms, sink {cpu[-1] * 1000 / max(sent, 1):.2f} ms; "
                  f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
            data = sample_message(issue)
            result = anchor(port, data, 3000, sink.pid)
            print(f"  anchor, same sink: plain smtplib on one connection, the same pre-built {len(data):,}-byte message "
                  f"3,000 times: {result['per_s']:,.0f} messages/s (sender {result['sender_ms']:.2f} ms, "
                  f"sink {result['sink_ms']:.2f} ms CPU per message); load average {os.getloadavg()[0]:.2f}")
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait()
        sink.terminate()
        sink.wait()
    received = int((sink_dir / "count").read_text()) if (sink_dir / "count").exists() else None
    print(f"SMTP sink accepted {received} messages in total")


def sample_message(issue):
    """One recipient's message of this issue's mailing, built as the workers build it."""
    from django.conf import settings

    from npshub.digest import mailing as mailing_lib
    from npshub.digest.mime import MessageTemplate, address
    from npshub.digest.models import Mailing, SendLog
    from npshub.digest.personal import load_users, recipient_values

    mailing = Mailing.objects.get(issue=issue)
    row = SendLog.objects.filter(mailing=mailing, language="en").order_by("pk").first()
    source = mailing_lib.source_of(mailing)
    rendered = mailing_lib.ensure_rendered(mailing, source, ["en"])["en"]
    user = load_users([row.recipient_id]).get()
    values = recipient_values(mailing, source, [user], "en")[user.pk]
    values["TOKEN"] = "1-token"
    template = MessageTemplate(rendered.subject, rendered.html, rendered.text, settings.DEFAULT_FROM_EMAIL, "example.com")
    return template.build(address(user.get_full_name(), row.email), values,
                          headers=mailing_lib.unsubscribe_headers(mailing, values["UTOKEN"]),
                          message_id=f"<npshub-{mailing.pk}-{row.pk}@example.com>")


if __name__ == "__main__":
    main()
