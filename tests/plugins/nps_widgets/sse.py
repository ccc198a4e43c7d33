"""A minimal Server-Sent Events client for tests (http.client, blocking, with deadlines)."""

import http.client
import json
import time
from urllib.parse import urlsplit


class SSEStream:
    def __init__(self, url, headers=None, timeout=10):
        parts = urlsplit(url)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        self.connection.request("GET", parts.path, headers={"Accept": "text/event-stream", **(headers or {})})
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = {k.lower(): v for k, v in self.response.getheaders()}

    def events(self, deadline_seconds=10):
        """Yield (id, data) of each event until the deadline; comments and retry lines skipped."""
        deadline = time.monotonic() + deadline_seconds
        event_id, data = None, []
        while time.monotonic() < deadline:
            line = self.response.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if not line:
                if data:
                    yield event_id, json.loads("\n".join(data))
                event_id, data = None, []
            elif line.startswith("id:"):
                event_id = line[3:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].strip())

    def wait_connected(self):
        """Read up to the ': connected' comment, so that later updates are for us."""
        while True:
            line = self.response.readline()
            if not line or line.startswith(b": connected"):
                return

    def next_matching(self, predicate, seconds=10):
        for event_id, message in self.events(seconds):
            if predicate(message):
                return event_id, message
        raise AssertionError("no matching live update arrived in time")

    def close(self):
        self.connection.close()
