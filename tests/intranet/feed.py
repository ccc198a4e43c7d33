"""The stand-in for other systems (feed_server.py) as a real process, for tests.

    server = start_feed_server(tmp_path)
    server.set_state(reviews=[...], page_size=2)
    server.put_file("staff.csv", b"email\\n...")
    server.url + "/reviews"; server.requests(path="/reviews"); server.teams_posts()
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import free_port, stop_process, wait_for_file

HERE = Path(__file__).resolve().parent


class FeedServer:
    def __init__(self, port, data_dir, process):
        self.port, self.data_dir, self.process = port, data_dir, process
        self.url = f"http://127.0.0.1:{port}"

    def set_state(self, **state):
        (self.data_dir / "state.json").write_text(json.dumps(state))

    def put_file(self, name, content):
        (self.data_dir / "files" / name).write_bytes(content)

    def _lines(self, name):
        path = self.data_dir / name
        return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []

    def requests(self, path=None):
        return [r for r in self._lines("requests.jsonl") if path is None or r["path"] == path]

    def forget_requests(self):
        (self.data_dir / "requests.jsonl").unlink(missing_ok=True)

    def teams_posts(self):
        return self._lines("teams.jsonl")

    def stop(self):
        stop_process(self.process)


def start_feed_server(tmp_path):
    port = free_port()
    data_dir = tmp_path / f"feed-{port}"
    data_dir.mkdir()
    process = subprocess.Popen([sys.executable, str(HERE / "feed_server.py"), str(port), str(data_dir)])
    wait_for_file(process, data_dir / "ready", "The feed server", timeout=20)
    return FeedServer(port, data_dir, process)


@pytest.fixture
def feed_server(tmp_path):
    server = start_feed_server(tmp_path)
    yield server
    server.stop()
