"""A new employee's first visit: sign in, see the live score, read, switch language; an
editor reaches the admin; anyone finds the API docs."""

import re

from playwright.sync_api import expect

from tests.browser.helpers import sign_in


def test_employee_signs_in_and_finds_their_way(demo, live_server, page):
    sign_in(page, live_server.url, "employee")
    expect(page.locator("h1")).to_have_text("Our customers, our score")
    expect(page.locator("[data-nps]")).to_have_text(re.compile(r"^−?\d+\.\d$"))
    page.click("nav.site-nav >> text=Articles")
    expect(page.locator("h1")).to_have_text("Articles")
    page.click("text=The call that changed my week")
    expect(page.locator(".meta")).to_contain_text("minute read")
    page.select_option("#lang", "ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("button.link-button")).to_have_text("Выйти")
    page.click("button.link-button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_wrong_password_is_explained(demo, live_server, page):
    sign_in(page, live_server.url, "employee", password="nope")
    expect(page.locator(".message--error")).to_be_visible()


def test_editor_reaches_the_admin_and_api_docs_render(demo, live_server, page):
    sign_in(page, live_server.url, "editor")
    page.click("text=Admin")
    expect(page).to_have_url(re.compile(r"/admin/"))
    expect(page.locator("body")).to_contain_text("Pages")  # editors may edit the page tree
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui")).to_contain_text("NPS Hub API")


def test_home_page_on_a_phone(demo, live_server, phone_page):
    sign_in(phone_page, live_server.url, "employee")
    expect(phone_page.locator("[data-nps]")).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page must not scroll sideways on a phone"
