"""Headless Chromium (Debian's package) driven by Playwright, as a person would use the hub."""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.browser.helpers import CHROMIUM_ARGS, VIEWPORTS

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# Playwright's sync API keeps an event loop on the test thread; the test's own ORM calls are
# still plain synchronous code, so Django's async guard must stand aside here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (.ci/run does).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=dict(zip(("width", "height"), VIEWPORTS["laptop"])))
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser):
    width, height = VIEWPORTS["phone"]
    context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=True)
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()
