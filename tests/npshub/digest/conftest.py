import email
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest

from tests.conftest import free_port

HERE = Path(__file__).resolve().parent


class SmtpServer:
    def __init__(self, port, outdir, process):
        self.port, self.outdir, self.process = port, outdir, process

    def files(self):
        return sorted(self.outdir.glob("*.eml"))

    def messages(self):
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in self.files()]

    def wait_for(self, count, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.files()) >= count:
                return self.files()
            time.sleep(0.05)
        raise AssertionError(f"SMTP server got {len(self.files())} messages, expected {count}")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def start_smtp_server(tmp_path, *args):
    port = free_port()
    outdir = tmp_path / f"smtp-{port}"
    outdir.mkdir()
    process = subprocess.Popen([sys.executable, str(HERE / "smtp_server.py"), str(port), str(outdir), *args])
    deadline = time.monotonic() + 20
    while not (outdir / "ready").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("SMTP server did not start")
        time.sleep(0.05)
    return SmtpServer(port, outdir, process)


@pytest.fixture
def smtp_server(tmp_path, settings):
    """A real aiosmtpd process; settings point the mail at it."""
    server = start_smtp_server(tmp_path)
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield server
    server.stop()


def html_part(message):
    return message.get_body(preferencelist=("html",)).get_content()


def text_part(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Figures are cached per process for a few minutes; each test starts from its own data."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
