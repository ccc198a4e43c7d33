"""A CX admin pulls a source now from the admin and reads its run history, in Chromium."""

import re

from playwright.sync_api import expect

from npshub.feedback.models import Response, SourcePull
from tests import factories as f
from tests.browser.helpers import shots, sign_in
from tests.intranet.feed import feed_server  # noqa: F401 (fixture)


def test_cx_admin_pulls_now_and_reads_the_run_history(demo, live_server, page, phone_page, feed_server, tmp_path):
    feed_server.set_state(page_size=2, reviews=[
        {"id": f"ui-{n}", "created": f"2026-03-0{n}T10:00:00+00:00", "rating": 10 - n, "text": f"Review {n}"}
        for n in range(1, 6)])
    source = f.source("ui-feed", name="Partner feed", field_mapping={
        "_items": "data.reviews", "external_id": "id", "submitted_at": "created", "score": "rating",
        "comment": "text"})
    pull = SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/reviews",
                                     next_path="links.next", cursor_param="since", cursor_field="submitted_at")
    sign_in(page, live_server.url, "cxadmin", next_path="/admin/feedback/sourcepull/")
    row = page.locator("tr", has_text="Partner feed")
    expect(row).to_contain_text("JSON feed (HTTP)")
    row.locator("text=Pull now").click()
    expect(page.locator("main")).to_contain_text("Fetch the responses of “Partner feed”")
    page.click("button:has-text('Pull now')")
    expect(page).to_have_url(re.compile(rf"/admin/feedback/pullrun/\?pull__id__exact={pull.pk}"))
    expect(page.locator("table.listing")).to_contain_text("succeeded")
    expect(page.locator("table.listing thead")).to_contain_text("Error")
    expect(page.locator("table.listing")).to_contain_text("2026-03-05T10:00:00+00:00")  # the cursor
    page.screenshot(path=str(shots(tmp_path) / "pull-runs-laptop.png"), full_page=True)
    assert Response.objects.filter(source=source).count() == 5

    sign_in(phone_page, live_server.url, "cxadmin", next_path=f"/admin/feedback/pullrun/?pull__id__exact={pull.pk}")
    expect(phone_page.locator("table.listing")).to_contain_text("succeeded")
    phone_page.screenshot(path=str(shots(tmp_path) / "pull-runs-phone.png"), full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
