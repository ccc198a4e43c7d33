"""A real Celery worker is SIGKILLed in the middle of a digest batch, with ten messages accepted
by the server but not yet recorded in the send log (acceptances are recorded in groups; only the
acceptance journal knows them); after a restart every recipient has exactly one email."""

import io
import re
import os
import signal
import subprocess
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from npshub import celery_app
from npshub.digest import journal, tasks
from npshub.digest.models import SendLog
from tests.conftest import BIN, ROOT, process_env
from tests.npshub.digest.conftest import start_smtp_server

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def start_worker(log_path, **env):
    log = open(log_path, "w")
    process = subprocess.Popen(
        [str(BIN / "celery"), "-A", "npshub", "worker", "--loglevel=info", "--pool=solo",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT, env=process_env(**env), stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, open(log_path).read()[-3000:]
        try:
            celery_app.send_task("npshub.ping").get(timeout=2)
            return process
        except Exception:
            continue
    process.kill()
    raise AssertionError("worker did not start")


def wait_until(condition, timeout=60, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def recipients(*servers):
    return [m["To"].addresses[0].addr_spec for server in servers for m in server.messages()]


def journalled(mailing):
    """Rows the claims' acceptance journals name as accepted (and the send log does not record yet)."""
    claims = set(SendLog.objects.filter(mailing=mailing, status=SendLog.SENDING).values_list("claim", flat=True))
    return set().union(*(journal.accepted_rows(mailing.pk, journal.for_claim(c).entries()) for c in claims))


def test_killed_worker_then_restart_sends_each_recipient_exactly_once(tmp_path, settings):
    from content.pages import load_pages
    from npshub.people.models import Profile
    from tests.npshub.digest.test_send import make_issue

    User = get_user_model()
    users = User.objects.bulk_create([User(username=f"u{i}", email=f"u{i}@example.com", first_name=f"U{i}") for i in range(30)])
    Profile.objects.bulk_create([Profile(user=u, language="ru" if i % 3 == 0 else "en") for i, u in enumerate(users)])
    load_pages(io.StringIO())
    issue = make_issue()

    # An SMTP server that accepts 10 messages, then stalls at RCPT TO (before any data).
    slow = start_smtp_server(tmp_path, "--slow-after", "10", "--slow-seconds", "60")
    # Acceptances recorded in groups of 100 or every 10 minutes: none of the first batch's reaches the send log.
    worker_env = {"EMAIL_HOST": "127.0.0.1", "DIGEST_BATCH_SIZE": "25", "DIGEST_ACCEPT_GROUP": "100",
                  "DIGEST_ACCEPT_SECONDS": "600"}
    worker = start_worker(tmp_path / "worker1.log", EMAIL_PORT=str(slow.port), **worker_env)
    fast = None
    try:
        settings.DIGEST_BATCH_SIZE = 25
        mailing = tasks.start_digest(issue)
        assert tasks.enqueue(mailing) == 2
        slow.wait_for(10)

        def sent():
            return SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count()

        wait_until(lambda: sent() + len(journalled(mailing)) == 10, what="10 accepted")
        time.sleep(0.5)  # the worker now waits on the 11th RCPT
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        # The worker took either batch first: the 5-row batch, finished, is recorded (5 sent), or nothing
        # is. The messages it accepted in the batch it was killed in are only in that claim's journal.
        recorded, accepted = sent(), journalled(mailing)
        assert recorded in (0, 5) and len(accepted) == 10 - recorded
        assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENDING).count() == 25
        assert len(slow.files()) == 10
        by_id = {m["Message-ID"] for m in slow.messages()}
        assert {f"<npshub-{mailing.pk}-{pk}@example.com>" for pk in accepted} <= by_id

        # Restart: a new worker, and send_digest releases the dead worker's claims and finishes.
        fast = start_smtp_server(tmp_path)
        worker = start_worker(tmp_path / "worker2.log", EMAIL_PORT=str(fast.port), **worker_env)
        settings.DIGEST_SENDING_TIMEOUT = 2
        time.sleep(2.5)
        out = io.StringIO()
        call_command("send_digest", str(issue.pk), "--timeout", "120", stdout=out)
        # The second batch was still queued: the new worker may have sent it before the command ran.
        sent, skipped, failed = map(int, re.search(r"sent (\d+) / skipped (\d+) / failed (\d+)", out.getvalue()).groups())
        assert failed == 0 and sent >= 15 and sent + skipped == 30

        got = recipients(slow, fast)
        assert sorted(got) == sorted(u.email for u in users)  # everyone, exactly once
        assert len(got) == len(set(got)) == 30
        assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count() == 30

        # Running it again sends nothing.
        out = io.StringIO()
        call_command("send_digest", str(issue.pk), "--timeout", "60", stdout=out)
        assert "sent 0 / skipped 30 / failed 0" in out.getvalue()
        time.sleep(0.5)
        assert len(recipients(slow, fast)) == 30
    finally:
        worker.kill()
        worker.wait()
        slow.stop()
        if fast:
            fast.stop()
