"""A response posted to the API moves the score on an open home page, without a reload."""

import io
import json
import urllib.request
from datetime import datetime, timezone

from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.helpers import sign_in


def post_responses(base_url, source, records):
    request = urllib.request.Request(
        f"{base_url}/api/v1/responses/", data=json.dumps(records).encode(), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Source {source.ingest_token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def test_home_page_score_updates_live(asgi_server, page, tmp_path):
    call_command("load_demo", responses=60, quiet_logins=True, stdout=io.StringIO())
    from npshub.feedback.models import Source

    sign_in(page, asgi_server, "employee")
    page.goto(f"{asgi_server}/")
    headline = page.locator(".widget--headline [data-nps]").first
    before = headline.inner_text()
    expect(page.locator("html")).to_have_attribute("data-live", "connected", timeout=10000)
    now = datetime.now(timezone.utc).isoformat()
    post_responses(asgi_server, Source.objects.first(), [
        {"external_id": f"live-{i}", "submitted_at": now, "score": 0, "comment": "Live test"} for i in range(40)
    ])
    expect(headline).not_to_have_text(before, timeout=5000)
    expect(page.locator(".widget--comments").first).to_contain_text("Live test", timeout=5000)
    page.screenshot(path=str(tmp_path / "home-live.png"), full_page=True)
