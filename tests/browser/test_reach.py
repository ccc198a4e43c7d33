"""Reach in a browser: an employee passes the baseline quiz and their department's awareness index
moves on the CX dashboard; a page of another local origin shows the embedded score, while a revoked
key and a foreign origin are refused."""

import datetime
import functools
import http.server
import threading
import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from npshub.reach.models import EmbedSite
from tests import factories as f
from tests.browser.helpers import shots, sign_in
from tests.conftest import free_port, start_asgi, stop_process
from tests.npshub.reach.helpers import lessons


def test_passing_the_baseline_quiz_moves_the_department_index(asgi_server, page, phone_page, tmp_path):
    tree = lessons()
    stores = f.department("Stores", "stores")
    team = f.team("store-9", stores)
    joined = timezone.now() - datetime.timedelta(days=60)
    staff = [f.user("employee", team=team, date_joined=joined) for _ in range(5)]
    f.user("cx_admin", team=f.team(department_=f.department("CX", "cx")), username="cxa", date_joined=joined)
    from npshub.pages import education

    education.complete(tree["other"], staff[1])  # one of five aware already: 20 %

    sign_in(page, asgi_server, "cxa", f.PASSWORD, next_path="/reach/")
    row = page.locator('[data-departments] tr[data-department="Stores"] [data-index]')
    expect(row).to_have_text("20.0%")

    sign_in(phone_page, asgi_server, staff[0].username, f.PASSWORD, next_path=tree["baseline"].url)
    phone_page.check("input[name=q1][value='2']")
    phone_page.click("text=Check my answers")
    expect(phone_page.locator(".quiz .message--success")).to_contain_text("Passed with 100%")

    page.reload()
    expect(row).to_have_text("40.0%")
    page.screenshot(path=str(shots(tmp_path) / "reach-dashboard-laptop-en.png"), full_page=True)
    page.goto(f"{asgi_server}/")
    expect(page.locator("[data-home-awareness]")).to_be_visible()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def other_origin(tmp_path):
    """Static pages served on another port of 127.0.0.1: another origin."""
    servers = []

    def serve(html, name="index.html"):
        folder = tmp_path / f"site{len(servers)}"
        folder.mkdir()
        (folder / name).write_text(html)
        port = free_port()
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=str(folder)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{port}", port

    yield serve
    for server in servers:
        server.shutdown()


def _page(hub, key, no_referrer=False):
    meta = '<meta name="referrer" content="no-referrer">' if no_referrer else ""
    return (f'<!DOCTYPE html><html lang="en"><head>{meta}<title>Main site</title></head><body><h1>Our company</h1>'
            f'<div data-nps-hub-score></div><script src="{hub}/embed/{key}/score.js" async></script></body></html>')


@pytest.fixture
def hub(transactional_db, tmp_path):
    """The hub in its own process; without Redis its cache is its own, so a key's state is kept 1 s."""
    url, process = start_asgi(tmp_path / "uvicorn.log", REACH_EMBED_KEY_CACHE_SECONDS="1")
    yield url
    stop_process(process)


def test_embedded_score_on_another_origin(hub, page, other_origin, tmp_path):
    asgi_server = hub
    f.responses("survey", timezone.localdate(), promoters=3, detractors=1)
    allowed = EmbedSite.objects.create(name="Main site", origins="https://www.example.com")
    good_url, _ = other_origin(_page(asgi_server, allowed.key))
    allowed.origins = f"https://www.example.com\n{good_url}"
    allowed.save()
    # The allowed site: shows the score.
    page.goto(f"{good_url}/index.html")
    expect(page.locator("[data-nps-hub-score][data-state=shown] [data-nps]")).to_have_text("50.0")
    page.screenshot(path=str(shots(tmp_path) / "reach-embed.png"))

    # A foreign origin (no Referer to give it away): the figures are refused by origin.
    foreign_url, _ = other_origin(_page(asgi_server, allowed.key, no_referrer=True))
    page.goto(f"{foreign_url}/index.html")
    expect(page.locator("[data-nps-hub-score]")).to_have_attribute("data-state", "refused")
    expect(page.locator("[data-nps]")).to_have_count(0)
    # With its Referer the script itself is refused: nothing runs.
    referred_url, _ = other_origin(_page(asgi_server, allowed.key))
    page.goto(f"{referred_url}/index.html")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-nps]")).to_have_count(0)

    # Revoked: the allowed site shows nothing any more.
    allowed.active = False
    allowed.save()
    time.sleep(1.5)
    page.goto(f"{good_url}/index.html")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-nps]")).to_have_count(0)
