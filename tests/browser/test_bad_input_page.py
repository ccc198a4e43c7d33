"""A date out of range on the statistics page: a 400 page that says which field and why, in the
reader's language, laid out at 1366 px and 390 px (screenshots in NPSHUB_SHOTS or the temp folder)."""

from tests import factories as f
from tests.browser.helpers import VIEWPORTS, shots, sign_in


def test_stats_with_a_date_out_of_range_shows_a_400_page_naming_the_field(live_server, browser, tmp_path):
    for language, heading, message in (
        ("en", "Bad request", "'to' must be a date within 1970-01-01..2100-12-31, not 9999-12-31."),
        ("ru", "Неверный запрос", "«to» — дата в пределах 1970-01-01..2100-12-31, а не 9999-12-31."),
    ):
        person = f.user("manager", language=language)
        for name, (width, height) in VIEWPORTS.items():
            if name == "tv":
                continue
            context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=name == "phone")
            page = context.new_page()
            sign_in(page, live_server.url, person.username, password=f.PASSWORD, next_path="/stats/")
            answer = page.goto(f"{live_server.url}/stats/?to=9999-12-31")
            assert answer.status == 400
            assert page.locator("h1").inner_text() == heading
            assert message in page.locator("main, body").first.inner_text()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            page.screenshot(path=str(shots(tmp_path) / f"bad-input-{language}-{width}.png"), full_page=True)
            context.close()
