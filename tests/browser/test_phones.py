"""Every role, every page its menu reaches, on a laptop and on a phone: nothing scrolls sideways,
and on a phone the menu button lists every section the laptop menu shows."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import VIEWPORTS, shots, sign_in

ROLES = ["employee", "caller", "manager", "editor", "cxadmin"]
OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


def _context(browser, kind, language):
    width, height = VIEWPORTS[kind]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=kind == "phone",
                                  locale=language)
    context.set_default_timeout(15000)
    return context


def _menu(page):
    """(label, path) of every link in the main menu, in order."""
    return page.eval_on_selector_all(
        "nav.site-nav a", "links => links.map(a => [a.textContent.trim(), a.getAttribute('href')])")


def _no_sideways_scroll(page, what):
    scroll_width, inner_width = page.evaluate(OVERFLOW)
    assert scroll_width <= inner_width, f"{what} scrolls sideways: {scroll_width} px in {inner_width} px"


@pytest.mark.parametrize("username", ROLES)
def test_every_menu_page_fits_laptop_and_phone(demo, live_server, browser, username, tmp_path):
    folder = shots(tmp_path)
    laptop = _context(browser, "laptop", "en").new_page()
    sign_in(laptop, live_server.url, username)
    expect(laptop.locator(".nav-toggle")).to_be_hidden()  # a laptop shows the menu itself
    sections = _menu(laptop)
    assert len(sections) >= 6 and sections[0][1] == "/"
    landed = {}  # where each link ends (/me/ redirects to the person's own page)
    for label, path in sections:
        laptop.goto(f"{live_server.url}{path}")
        landed[path] = laptop.url
        _no_sideways_scroll(laptop, f"{path} at 1366 px for {username}")
    laptop.context.close()

    phone = _context(browser, "phone", "en").new_page()
    sign_in(phone, live_server.url, username)
    toggle = phone.locator(".nav-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(phone.locator("nav.site-nav")).to_be_hidden()
    _no_sideways_scroll(phone, f"the home page at 390 px for {username}")
    assert _menu(phone) == sections  # the same sections, whatever the width
    for index, (label, path) in enumerate(sections):
        phone.goto(f"{live_server.url}/")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        link = phone.locator("nav.site-nav a").nth(index)
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= VIEWPORTS["phone"][0], f"{label} sticks out"
        if username == "cxadmin" and index == 0:
            phone.screenshot(path=str(folder / "phone-menu-open.png"))
        link.click()
        phone.wait_for_load_state("domcontentloaded")
        expect(phone).to_have_url(landed[path])
        _no_sideways_scroll(phone, f"{path} at 390 px for {username}")
        if username == "cxadmin":
            name = path.strip("/").replace("/", "-") or "home"
            phone.screenshot(path=str(folder / f"phone-{name}.png"), full_page=True)
    # Escape closes the open menu and gives focus back to its button.
    toggle.click()
    phone.keyboard.press("Escape")
    expect(phone.locator("nav.site-nav")).to_be_hidden()
    expect(toggle).to_be_focused()
    phone.context.close()
