"""The digest page with the plugins' sections, as an employee sees it in English and Russian, on a
laptop and a phone: the sections render inside the page (no horizontal scroll) in the reader's language."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache

from tests.browser.helpers import VIEWPORTS, shots, sign_in
from tests.npshub.digest.test_send import make_issue

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_digest_page_sections(demo, live_server, browser, tmp_path, language):
    from npshub.pages.i18n import in_language
    from npshub.pages.translating import translate
    from rewards import ledger

    employee = get_user_model().objects.get(username="employee")
    ledger.post(employee, 5000, "Digest sections")
    cache.clear()
    issue = make_issue(title="Sections digest")
    translate(issue, "ru", {"Sections digest": "Дайджест с разделами"})
    employee.profile.language = language
    employee.profile.save()
    heading = {"en": "Top teams", "ru": "Лучшие команды"}[language]
    folder = shots(tmp_path)
    for name, (width, height) in (("laptop", VIEWPORTS["laptop"]), ("phone", VIEWPORTS["phone"])):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            sign_in(page, live_server.url, "employee", next_path="/")
            page.goto(f"{live_server.url}{in_language(issue, language).url}")
            page.get_by_role("heading", name=heading).wait_for()
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            page.screenshot(path=str(folder / f"digest-sections-{language}-{name}.png"), full_page=True)
        finally:
            context.close()
