"""Journey 9: the callback queue gives context (masked snippet, topics, priority in words, the
deadline with "overdue" explained) and the outcome form looks like the rest of the site."""

import re

from playwright.sync_api import expect

from callbacks.views import priority_words
from npshub.feedback.models import CustomerContact
from npshub.people.models import Profile
from tests.browser.helpers import shots, sign_in


def test_priority_in_words():
    assert [str(priority_words(p)[1]) for p in (100, 60, 59.9, 35, 10, None)] == ["High", "High", "Medium", "Medium", "Low", "Low"]


def test_queue_rows_explain_themselves(demo, live_server, page, phone_page, tmp_path):
    folder = shots(tmp_path)
    Profile.objects.filter(user__username="caller").update(language="en")
    sign_in(page, live_server.url, "caller", next_path="/callbacks/")
    page.click("text=Read the caller guide")  # first the guide, as every new caller
    page.check("input[name=confirm]")
    page.click("text=Confirm and start calling")
    page.wait_for_url(re.compile(r"/callbacks/$"))
    rows = page.locator("table.cb-table tbody tr")
    expect(rows.first).to_be_visible()
    texts = rows.all_inner_texts()
    names = [c.name for c in CustomerContact.objects.exclude(name="")] + [c.phone for c in CustomerContact.objects.exclude(phone="")]
    assert not [name for name in names if any(name in text for text in texts)]  # no contact data in the list
    for row in rows.all():
        assert row.locator(".cb-priority").inner_text() in {"High", "Medium", "Low"}
        assert re.search(r"due (in .+|.+ ago)", row.inner_text())
    with_comment = page.locator("table.cb-table .cb-snippet").first
    expect(with_comment).to_be_visible()
    expect(page.locator(".cb-topics .chip").first).to_be_visible()
    expect(page.locator("#overdue-help")).to_contain_text("“Overdue”: the promised time to call has passed.")
    for row in rows.all():  # an overdue row says so in words, next to when it was due
        if "is-overdue" in (row.get_attribute("class") or ""):
            expect(row.locator(".cb-badge--overdue")).to_have_text("Overdue")
            assert re.search(r"due .+ ago", row.inner_text())
    page.screenshot(path=str(folder / "queue-1366.png"), full_page=True)

    # Claim the first open callback: the outcome form's choices are large, styled options.
    page.locator("table.cb-table tbody tr").filter(has_not_text="Claimed").first.locator("a.button").click()
    page.click("text=Claim and call")
    option = page.locator(".cb-form .cb-radio").first
    expect(option).to_be_visible()
    assert option.bounding_box()["height"] >= 44
    option.click()
    checked_bg = option.evaluate("el => getComputedStyle(el).backgroundColor")
    assert checked_bg == "rgb(232, 240, 255)"
    page.screenshot(path=str(folder / "outcome-1366.png"), full_page=True)

    sign_in(phone_page, live_server.url, "caller", next_path="/callbacks/")
    expect(phone_page.locator(".cb-priority").first).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.screenshot(path=str(folder / "queue-390.png"), full_page=True)
