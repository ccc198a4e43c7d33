"""The admin home by role in headless Chromium on the demo data: each role's panels, no request to an
outside server for avatars and no broken image, nothing sideways at 390 px; and the action plans
overview as stacked blocks on a phone."""

import pytest

from tests.browser.helpers import VIEWPORTS, shots, sign_in

PANELS = {
    "editor": ["nps-now", "articles-review", "last-digest"],
    "manager": ["nps-now", "pending-redemptions", "overdue-callbacks"],
    "cxadmin": ["nps-now", "articles-review", "last-digest", "pending-redemptions", "overdue-callbacks"],
}
HEADINGS = {"en": "NPS now", "ru": "NPS сейчас"}


def _page(browser, base_url, username, kind, language):
    width, height = VIEWPORTS[kind]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=kind == "phone")
    context.set_default_timeout(15000)
    page = context.new_page()
    sign_in(page, base_url, username)
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    return context, page


@pytest.mark.parametrize("username", sorted(PANELS))
def test_each_role_sees_its_admin_home(demo, live_server, browser, username, tmp_path):
    folder = shots(tmp_path)
    for language in ("en", "ru"):
        for kind in ("laptop", "phone"):
            context, page = _page(browser, live_server.url, username, kind, language)
            outside = []
            page.on("request", lambda request: outside.append(request.url)
                    if not request.url.startswith((live_server.url, "data:")) else None)
            page.goto(f"{live_server.url}/admin/")
            page.wait_for_load_state("networkidle")
            ids = page.eval_on_selector_all("section[id^=hub-]", "s => s.map(e => e.id)")
            assert ids == [f"hub-{name}-section" for name in PANELS[username]], (language, kind)
            assert page.locator("#hub-nps-now-heading").inner_text() == HEADINGS[language]
            assert outside == [], outside  # no Gravatar, nothing outside the intranet
            broken = page.eval_on_selector_all(
                "img", "imgs => imgs.filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)")
            assert broken == []
            scroll_width, inner_width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            assert scroll_width <= inner_width, (language, kind, scroll_width)
            page.screenshot(path=str(folder / f"admin-home-{username}-{language}-{kind}.png"), full_page=True)
            context.close()


def test_plans_overview_stacks_on_a_phone(demo, live_server, browser, tmp_path):
    folder = shots(tmp_path)
    for language in ("en", "ru"):
        for kind in ("laptop", "phone"):
            context, page = _page(browser, live_server.url, "manager", kind, language)
            page.goto(f"{live_server.url}/plans/?status=all")
            box = page.locator(".pl-scroll")
            assert box.evaluate("b => b.scrollWidth <= b.clientWidth"), (language, kind)  # nothing scrolls in its box
            assert page.locator(".pl-table thead").is_visible() == (kind == "laptop")
            if kind == "phone":  # each figure under its label
                label = page.locator(".pl-table td[data-label]").first.evaluate(
                    "td => getComputedStyle(td, '::before').content")
                assert label.strip('"') in ("Team or department", "Команда или отдел")
            page.screenshot(path=str(folder / f"plans-overview-{language}-{kind}.png"), full_page=True)
            context.close()
