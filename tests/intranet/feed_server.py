"""A stand-in for the company's other systems, as a real HTTP server process (tests only):

    python feed_server.py PORT DATA_DIR

DATA_DIR/state.json (re-read on every request): {"reviews": [{"id", "created", ...}], "page_size": N,
"require_auth": "Bearer ..."}. Routes:
  GET /reviews?since=&cursor=   JSON feed, next-link pagination: {"data": {"reviews": [...]},
                                "links": {"next": "/reviews?...&cursor=N" or null}}
  GET /paged?page=&since=       page-number pagination: {"items": [...]} (an empty page ends)
  GET /offset?offset=&since=    offset pagination: {"items": [...]}
  GET /files/<name>             a file from DATA_DIR/files/
  GET /broken                   always HTTP 500
  POST /teams                   a Microsoft Teams incoming webhook: the body is kept
Every request is appended to DATA_DIR/requests.jsonl; Teams posts to DATA_DIR/teams.jsonl.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

DATA = Path(sys.argv[2]) if len(sys.argv) > 2 else Path(".")
LOCK = threading.Lock()
TYPES = {".csv": "text/csv; charset=utf-8", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _append(name, record):
    with LOCK, open(DATA / name, "a") as handle:
        handle.write(json.dumps(record) + "\n")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body, content_type="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        _append("requests.jsonl", {"method": "POST", "path": urlsplit(self.path).path})
        if self.path.startswith("/teams"):
            _append("teams.jsonl", json.loads(body or b"null"))
            return self._send(200, b"1", "text/plain")
        return self._send(404, {"error": "no such route"})

    def do_GET(self):
        url = urlsplit(self.path)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        _append("requests.jsonl", {"method": "GET", "path": url.path, "query": query,
                                   "authorization": self.headers.get("Authorization")})
        state = json.loads((DATA / "state.json").read_text()) if (DATA / "state.json").exists() else {}
        if state.get("require_auth") and self.headers.get("Authorization") != state["require_auth"]:
            return self._send(401, {"error": "unauthorised"})
        if url.path == "/broken":
            return self._send(500, b"<h1>Internal Server Error</h1>", "text/html")
        if url.path.startswith("/files/"):
            path = DATA / "files" / url.path.removeprefix("/files/")
            if not path.is_file():
                return self._send(404, {"error": "no such file"})
            return self._send(200, path.read_bytes(), TYPES.get(path.suffix, "application/octet-stream"))
        reviews = sorted(state.get("reviews", []), key=lambda item: item["created"])
        if query.get("since"):
            reviews = [item for item in reviews if item["created"] > query["since"]]
        size = int(state.get("page_size", 2))
        if url.path == "/reviews":
            start = int(query.get("cursor", 0))
            page = reviews[start:start + size]
            following = None
            if start + size < len(reviews):
                following = "/reviews?" + urlencode({**{k: v for k, v in query.items() if k != "cursor"},
                                                     "cursor": start + size})
            return self._send(200, {"data": {"reviews": page}, "links": {"next": following}})
        if url.path == "/paged":
            start = (int(query.get("page", 1)) - 1) * size
            return self._send(200, {"items": reviews[start:start + size]})
        if url.path == "/offset":
            start = int(query.get("offset", 0))
            return self._send(200, {"items": reviews[start:start + size]})
        return self._send(404, {"error": "no such route"})


def main():
    port = int(sys.argv[1])
    (DATA / "files").mkdir(parents=True, exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    (DATA / "ready").write_text("ok")
    server.serve_forever()


if __name__ == "__main__":
    main()
