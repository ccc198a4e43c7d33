"""Done when (issue 10): a caller of one department signs in and finds no other department's
call, note or recording anywhere they can click — queue, call pages, library, recordings,
training — while the training call of the other department is there, masked. Also the pages on
a phone: nothing scrolls sideways."""

import os
import re
from collections import deque
from urllib.parse import urljoin, urlparse

import pytest

from callbacks import workflow
from content.pages import ensure_wagtail_roots
from tests import factories as f
from tests.browser.helpers import sign_in
from tests.plugins.callbacks import helpers as h

RETAIL_NOTES = "Retail marker: she wants a refund, mobile +7 916 222-33-44."
ECOMMERCE_NOTES = "Ecommerce secret: parcel lost, write to boris.t@example.org or +7 999 888-77-66."
TRAINING_NOTES = "Training marker: apologised first, call back on +7 905 123-45-67."


def world():
    ensure_wagtail_roots()  # a transactional test may start from a flushed database
    org = f.org()
    retail_caller = h.person("caller", team=org.retail_team, acknowledged=True, language="en")
    author = h.person("caller", team=org.ecommerce_team, acknowledged=True)
    retail = h.done_call(caller=h.person("caller", team=org.retail_team, acknowledged=True),
                         team="store-1", notes=RETAIL_NOTES)
    ecommerce = h.done_call(caller=author, team="webshop", notes=ECOMMERCE_NOTES, product="blender")
    training = h.done_call(caller=author, team="webshop", notes=TRAINING_NOTES, product="toaster")
    workflow.mark_exemplary(h.person("editor", team=org.cx_team), training[0])
    open_ecommerce = h.callback(team="webshop", product="mixer")
    open_retail = h.callback(team="store-1", product="kettle")
    return retail_caller, retail, ecommerce, training, open_retail, open_ecommerce


def crawl(page, base, start, limit=60):
    """Every same-site /callbacks/ page, link and recording the signed-in person can reach by clicking."""
    seen, queue, bodies = set(), deque([start]), {}
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(base + path)
        if "audio" in (response.headers.get("content-type") or ""):
            bodies[path] = "(audio)"
            continue
        bodies[path] = page.content()
        links = page.eval_on_selector_all("a[href], audio[src]", "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        for link in links:
            url = urlparse(urljoin(base + path, link))
            if url.netloc == urlparse(base).netloc and url.path.startswith("/callbacks/") and "logout" not in url.path:
                queue.append(url.path + (f"?{url.query}" if url.query else ""))
    return bodies


@pytest.mark.django_db(transaction=True)
def test_a_caller_finds_nothing_of_another_department(live_server, page, phone_page, tmp_path):
    caller, retail, ecommerce, training, open_retail, open_ecommerce = world()
    base = live_server.url
    sign_in(page, base, caller.username, password=f.PASSWORD, next_path="/callbacks/")
    bodies = crawl(page, base, "/callbacks/")
    visited = set(bodies)
    # what the caller may reach: their department's queue and calls, the library, the training calls
    assert {"/callbacks/", "/callbacks/library/", "/callbacks/training/", f"/callbacks/{open_retail.pk}/"} <= visited
    assert f"/callbacks/recordings/{retail[1].pk}/" in visited and f"/callbacks/recordings/{training[1].pk}/" in visited
    # nothing of the other department
    for path in (f"/callbacks/{ecommerce[0].pk}/", f"/callbacks/{open_ecommerce.pk}/",
                 f"/callbacks/recordings/{ecommerce[1].pk}/", f"/callbacks/{training[0].pk}/"):
        assert path not in visited, path
    text = "\n".join(bodies.values())
    for secret in ("Ecommerce secret", "boris.t@example.org", "888-77-66", "blender", "mixer"):
        assert secret not in text, secret
    # the training call is there, its personal data masked; the caller's own department's notes too
    assert "Training marker: apologised first, call back on [phone]." in bodies["/callbacks/training/"]
    assert "905 123-45-67" not in text and "916 222-33-44" not in text
    assert "Retail marker: she wants a refund, mobile [phone]." in bodies["/callbacks/library/"]
    # typing the other department's addresses does not help either
    for path in (f"/callbacks/recordings/{ecommerce[1].pk}/", f"/callbacks/{ecommerce[0].pk}/"):
        response = page.goto(base + path)
        assert response.status in (403, 404), path
        assert "Ecommerce secret" not in page.content()
    # the pages on a laptop and on a phone: readable, nothing scrolls sideways
    shots = os.environ.get("SCREENSHOT_DIR", str(tmp_path))
    sign_in(phone_page, base, caller.username, password=f.PASSWORD, next_path="/callbacks/")
    for path in ("/callbacks/", "/callbacks/library/", "/callbacks/training/", f"/callbacks/{retail[0].pk}/"):
        name = re.sub(r"\W+", "-", path).strip("-")
        page.goto(base + path)
        page.screenshot(path=f"{shots}/{name}-1366.png", full_page=True)
        phone_page.goto(base + path)
        phone_page.screenshot(path=f"{shots}/{name}-390.png", full_page=True)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, path
