"""The test OpenID Connect provider as a real process (oidc_provider/serve.py, django-oauth-toolkit).

    provider = start_provider(tmp_path, redirect_uri, users={"ann": {...claims, "password": ...}})
    provider.issuer        # http://localhost:<port>/o
    provider.update_user("ann", groups=["nps-admins"])   # the directory changes; next sign-in sees it
    provider.stop()
"""

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port, stop_process, wait_for_file

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

    def configure(self, settings, **extra):
        """Point this (test) process's settings at the provider, as the OIDC_* environment would."""
        settings.SSO_ENABLED = True
        settings.OIDC_ISSUER = self.issuer
        settings.OIDC_DISCOVERY_URL = f"{self.issuer}/.well-known/openid-configuration"
        settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET = CLIENT_ID, CLIENT_SECRET
        settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "npshub.people.sso.CompanyAccountBackend"]
        for name, value in extra.items():
            setattr(settings, name, value)

    def stop(self):
        stop_process(self.process)


def start_provider(tmp_path, redirect_uri, users):
    port = free_port()
    data_dir = tmp_path / f"op-{port}"
    data_dir.mkdir()
    (data_dir / "directory.json").write_text(json.dumps({
        "client": {"id": CLIENT_ID, "secret": CLIENT_SECRET, "redirect_uri": redirect_uri}, "users": users}))
    log = open(data_dir / "op.log", "w")
    process = subprocess.Popen([sys.executable, str(HERE / "serve.py"), str(port), str(data_dir)],
                               cwd=HERE, stdout=log, stderr=subprocess.STDOUT)
    wait_for_file(process, data_dir / "ready", "The OpenID Connect provider", log=data_dir / "op.log")
    return Provider(port, data_dir, process)
