"""The test OpenID Connect provider as a real process (oidc_provider/serve.py, django-oauth-toolkit).

    provider = start_provider(tmp_path, redirect_uri, users={"ann": {...claims, "password": ...}})
    provider.issuer        # http://localhost:<port>/o
    provider.update_user("ann", groups=["nps-admins"])   # the directory changes; next sign-in sees it
    provider.stop()
"""

import json
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import free_port

HERE = Path(__file__).resolve().parent / "oidc_provider"
CLIENT_ID, CLIENT_SECRET = "nps-hub", "nps-hub-test-secret-0123456789"


class Provider:
    def __init__(self, port, data_dir, process):
        self.port, self.data_dir, self.process = port, data_dir, process
        self.issuer = f"http://localhost:{port}/o"

    def directory(self):
        return json.loads((self.data_dir / "directory.json").read_text())

    def update_user(self, username, **claims):
        data = self.directory()
        data["users"][username].update(claims)
        (self.data_dir / "directory.json").write_text(json.dumps(data))

    def hub_env(self, **extra):
        """Environment for a hub process that signs in with this provider."""
        return {"OIDC_ISSUER": self.issuer, "OIDC_CLIENT_ID": CLIENT_ID, "OIDC_CLIENT_SECRET": CLIENT_SECRET, **extra}

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_provider(tmp_path, redirect_uri, users):
    port = free_port()
    data_dir = tmp_path / f"op-{port}"
    data_dir.mkdir()
    (data_dir / "directory.json").write_text(json.dumps({
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uri": redirect_uri}, "users": users}))
    log = open(data_dir / "op.log", "w")
    process = subprocess.Popen([sys.executable, str(HERE / "serve.py"), str(port), str(data_dir)],
                               cwd=HERE, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (data_dir / "ready").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"OpenID Connect provider did not start: {(data_dir / 'op.log').read_text()[-3000:]}")
        time.sleep(0.1)
    return Provider(port, data_dir, process)
