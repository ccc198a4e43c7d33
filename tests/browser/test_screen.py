"""The meeting-room screen: no login, 1920x1080, live through its own link."""

import json
import urllib.request
from datetime import datetime, timezone

from playwright.sync_api import expect

from nps_widgets.models import Screen
from tests.plugins.nps_widgets.helpers import add_responses, source


def test_screen_without_login_updates_live(asgi_server, browser, tmp_path):
    add_responses([10, 10, 9, 0], comment="Lovely staff in the store, they helped me choose quickly")
    screen = Screen.objects.create(name="Boardroom", room="3rd floor", slide_seconds=60)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}{screen.get_absolute_url()}")
        score = page.locator(".slide--score [data-nps]")
        expect(score).to_contain_text("50.0")
        expect(page.locator("html")).to_have_attribute("data-live", "connected", timeout=10000)
        page.screenshot(path=str(tmp_path / "screen-1920.png"))
        body = json.dumps([{"external_id": f"s-{i}", "submitted_at": datetime.now(timezone.utc).isoformat(), "score": 10}
                           for i in range(4)]).encode()
        request = urllib.request.Request(f"{asgi_server}/api/v1/responses/", data=body, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Source {source().ingest_token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 201
        expect(score).to_contain_text("75.0", timeout=5000)
        screen.active = False
        screen.save()
        assert page.request.get(f"{asgi_server}{screen.get_absolute_url()}").status == 404
    finally:
        context.close()
