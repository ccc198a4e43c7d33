"""A local HTTP server standing in for a Teams Workflows webhook: records every request it gets,
answers with a chosen status, and can hold its answer (a post in flight when a worker dies)."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class TeamsWebhook:
    def __init__(self, status=202, hold_seconds=0):
        self.requests, self.status, self.hold_seconds = [], status, hold_seconds
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.lock:
                    outer.requests.append({"path": self.path, "body": json.loads(body or b"null")})
                    status = outer.status(len(outer.requests)) if callable(outer.status) else outer.status
                    hold = outer.hold_seconds(len(outer.requests)) if callable(outer.hold_seconds) else outer.hold_seconds
                if hold:
                    time.sleep(hold)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name="channel"):
        return f"{self.base}/workflows/{name}"

    def received(self, name=None):
        with self.lock:
            return [r for r in self.requests if name is None or r["path"] == f"/workflows/{name}"]

    def wait_for(self, count, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.received()) >= count:
                return self.received()
            time.sleep(0.05)
        raise AssertionError(f"the webhook got {len(self.received())} requests, not {count}")

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def card_of(request):
    """The Adaptive Card in a recorded request."""
    [attachment] = request["body"]["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    return attachment["content"]


def texts(card):
    return [block["text"] for block in card["body"] if block["type"] == "TextBlock"]
