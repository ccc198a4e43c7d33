"""Journey 5: from the statistics page's topic bar to the comments page, then search, chips,
score filter and paging, on a laptop and on a phone."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import shots, sign_in


def test_topic_bar_leads_to_filtered_comments(demo, live_server, page, phone_page, tmp_path):
    folder = shots(tmp_path)
    sign_in(page, live_server.url, "employee", next_path="/stats/")
    bar = page.locator(".dash--topics .chart--wide a.chart__link").first
    topic = bar.locator(".chart__label").text_content()
    bar.click()
    expect(page).to_have_url(re.compile(r"/comments/\?.*topic="))
    expect(page.locator("h1")).to_have_text("Customer comments")
    expect(page.locator(".chip.is-active")).to_contain_text(topic.rstrip("…"))
    expect(page.locator(".comments-summary")).to_contain_text("Topic: ")
    items = page.locator("li.comment")
    assert items.count() >= 1
    times = page.eval_on_selector_all("li.comment time", "ts => ts.map(t => t.getAttribute('datetime'))")
    assert times == sorted(times, reverse=True)  # newest first
    page.screenshot(path=str(folder / "comments-topic-1366.png"), full_page=True)

    # Drop the topic with its chip, keep only detractors, then page through.
    page.locator(".chip.is-active").click()
    expect(page.locator(".chip.is-active")).to_have_count(0)
    page.select_option("#c-band", "detractors")
    page.click(".comments-filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"band=detractors"))
    scores = [int(s) for s in page.locator("li.comment .comment__score").all_text_contents()]
    assert scores and max(scores) <= 6
    page.select_option("#c-band", "")
    page.click(".comments-filters button[type=submit]")
    expect(page.locator(".pager__where")).to_have_text(re.compile(r"^Page 1 of \d+$"))
    first_page = page.locator("li.comment").first.get_attribute("data-comment")
    page.click("a[rel=next]")
    expect(page.locator(".pager__where")).to_have_text(re.compile(r"^Page 2 of \d+$"))
    assert page.locator("li.comment").first.get_attribute("data-comment") != first_page

    # A search that finds nothing says which filters to drop.
    page.fill("#c-q", "zzz-no-such-words")
    page.click(".comments-filters button[type=submit]")
    expect(page.locator(".empty")).to_have_text("No comments match these filters: remove one of them above.")
    page.locator(".chip--active-filter").first.click()
    assert page.locator("li.comment").count() >= 1

    # On a phone: reached from the menu, nothing scrolls sideways.
    sign_in(phone_page, live_server.url, "employee")
    phone_page.click(".nav-toggle")
    phone_page.click("nav.site-nav >> text=Comments")
    expect(phone_page.locator("h1")).to_have_text("Customer comments")
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.screenshot(path=str(folder / "comments-390.png"), full_page=True)
