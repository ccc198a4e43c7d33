import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.utils import timezone

from npshub import events
from npshub.digest import tasks
from npshub.digest.models import Mailing, SendLog, TeamsChannel, TeamsPost
from tests.npshub.digest.conftest import html_part, text_part
from tests.npshub.digest.test_send import make_issue, send

pytestmark = pytest.mark.django_db


class Webhook:
    """A local HTTP server standing in for a Teams incoming webhook; checks the card."""

    def __init__(self, fail_first=0):
        self.cards, self.fail_first, self.calls = [], fail_first, 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                outer.calls += 1
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                if outer.calls <= outer.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                outer.cards.append(body)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"1")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def check_card(payload):
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    facts = {f["title"]: f["value"] for block in card["body"] if block["type"] == "FactSet" for f in block["facts"]}
    assert set(facts) == {"NPS", "Change", "Responses"}
    urls = [a["url"] for a in card["actions"]]
    assert any("from=" in u for u in urls) and all(u.startswith("http") for u in urls)
    return card


def test_digest_sent_event_and_teams_card(demo, smtp_server, django_capture_on_commit_callbacks):
    hook = Webhook()
    TeamsChannel.objects.create(name="CX", webhook_url=hook.url)
    TeamsChannel.objects.create(name="Off", webhook_url=hook.url, active=False)
    seen = []
    events.digest_sent.connect(lambda sender, **kw: seen.append(kw), dispatch_uid="t-digest", weak=False)
    try:
        issue = make_issue(title="Digest for Teams")
        with django_capture_on_commit_callbacks(execute=True):
            send(issue)
        assert len(seen) == 1 and seen[0]["issue"].pk == issue.pk and seen[0]["sent"] == SendLog.objects.filter(mailing__issue=issue).count()
        assert seen[0]["failed"] == 0 and seen[0]["event_id"].startswith("digest_sent:")
        assert len(hook.cards) == 1
        card = check_card(hook.cards[0])
        assert card["body"][0]["text"] == "Digest for Teams"
        assert TeamsPost.objects.get().ok
        with django_capture_on_commit_callbacks(execute=True):
            send(issue)  # nothing new: no second event, no second card
        assert len(seen) == 1 and len(hook.cards) == 1
    finally:
        events.digest_sent.disconnect(dispatch_uid="t-digest")
        hook.close()


def test_teams_failure_is_logged(db):
    hook = Webhook(fail_first=1)
    channel = TeamsChannel.objects.create(name="CX", webhook_url=hook.url)
    try:
        tasks.post_weekly_to_teams()
        record = TeamsPost.objects.get(channel=channel)
        # Eager tasks do not retry: the failure is recorded for the admin (workers retry with back-off).
        assert not record.ok and record.status_code == 500 and "500" in record.error and record.attempts == 1
        tasks.post_card(record.pk, json.loads(json.dumps(tasks.week_card(timezone.localdate()))))
        record.refresh_from_db()
        assert record.ok and record.attempts == 2 and len(hook.cards) == 1
        check_card(hook.cards[0])
    finally:
        hook.close()


def test_weekly_results_email(demo, smtp_server):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    tasks.send_weekly_results(monday.isoformat())
    mailing = Mailing.objects.get(kind=Mailing.WEEKLY)
    total = SendLog.objects.filter(mailing=mailing).count()
    assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count() == total > 0
    message = smtp_server.messages()[0]
    assert "This week's NPS" in message["Subject"] or "NPS" in message["Subject"]
    assert "NPS this week" in html_part(message) and "Hi " in text_part(message)
    assert message["List-Unsubscribe"].rstrip(">").endswith("/weekly/")
    tasks.send_weekly_results(monday.isoformat())  # idempotent
    assert len(smtp_server.files()) == total
