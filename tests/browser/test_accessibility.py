"""Wagtail's content checker (axe-core, in the userbar that editors and CX admins see) finds no
issue on the hub's main pages: heading order, paragraphs posing as headings, empty links,
buttons, table headers and frame titles, image alt text."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import sign_in

PAGES = [
    "/", "/stats/", "/callbacks/", "/callbacks/library/", "/callbacks/guide/", "/rewards/", "/me/",
    "/rewards/leaderboards/", "/learn/", "/learn/what-is-nps/", "/guide-book/visual-identity/",
    "/articles/", "/articles/write/", "/news/", "/digest/digest-{month}/",
]


def test_main_pages_pass_the_content_checker(demo, live_server, page):
    from django.utils import timezone

    sign_in(page, live_server.url, "cxadmin")
    problems = {}
    for path in PAGES:
        page.goto(live_server.url + path.format(month=timezone.localdate().strftime("%Y-%m")))
        count = page.locator("[data-content-checker-count]").first  # inside the userbar's shadow root
        expect(count).to_have_text(re.compile(r"^\d+$"), timeout=20000)
        if count.text_content().strip() != "0":
            problems[path] = [count.text_content(), *page.locator("[data-content-checker-name]").all_text_contents()]
    assert not problems, problems
