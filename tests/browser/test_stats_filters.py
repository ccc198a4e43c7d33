"""The statistics page's filter panel: closed on a phone and opens, two regions make two chips and
change the figures, removing the chips widens them again; open on a laptop without sideways scroll.
Screenshots at 1366 and 390 px, English and Russian, panel open and closed (NPSHUB_SHOTS keeps them)."""

import re

from playwright.sync_api import expect

from tests import factories as f
from tests.browser.helpers import VIEWPORTS, shots, sign_in
from tests.plugins.nps_widgets.helpers import add_responses


def _data():
    add_responses([10, 10], region="north", team="alpha", product="kettle", csat=5)
    add_responses([9, 3], region="south", team="alpha", product="blender")
    add_responses([0, 1, 2], region="east", team="beta", product="kettle")


def test_phone_panel_chips_and_figures(asgi_server, phone_page):
    _data()
    person = f.user("employee")
    sign_in(phone_page, asgi_server, person.username, password=f.PASSWORD, next_path="/stats/")
    page = phone_page
    panel = page.locator("#dashboard-panel")
    headline = page.locator(".dash--headline [data-nps]")
    region_chips = page.locator(".dashboard__chips .chip", has_text="Region:")
    expect(headline).to_have_text("−14.3")  # 3 promoters, 4 detractors of 7
    assert panel.evaluate("details => details.open") is False
    expect(page.locator("#f-region")).to_be_hidden()
    page.click("#dashboard-panel summary")
    assert panel.evaluate("details => details.open") is True
    expect(page.locator("#f-region")).to_be_visible()

    page.check("#f-region input[value=north]")
    expect(headline).to_have_text("100.0")
    page.check("#f-region input[value=south]")
    expect(region_chips).to_have_count(2)
    expect(headline).to_have_text("50.0")  # north and south: 3 promoters, 1 detractor
    expect(page).to_have_url(re.compile(r"region=north&region=south"))
    expect(page.locator("#dashboard-count")).to_have_text("3 active")  # two regions and the period
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Removing a chip drops that region (and unticks its box); removing the last widens to every answer.
    region_chips.filter(has_text="south").click()
    expect(region_chips).to_have_count(1)
    expect(headline).to_have_text("100.0")
    expect(page.locator("#f-region input[value=south]")).not_to_be_checked()
    region_chips.first.click()
    expect(region_chips).to_have_count(0)
    expect(headline).to_have_text("−14.3")
    expect(page.locator(".dash--headline .score-card__value + .meta")).to_contain_text("from 7 answers")
    expect(page.locator("#f-region input[value=north]")).not_to_be_checked()
    assert "region=" not in page.url

    # A team filtered to one value: the breakdown leaves team for the next dimension.
    page.select_option("#f-by", "team")
    page.check("#f-team input[value=alpha]")
    expect(page.locator(".dashboard__note")).to_contain_text("Team is filtered to one value")
    expect(page.locator("#f-by option[value=team]")).to_be_disabled()
    # Nothing matches: one message says which filter to drop, and its link brings the figures back.
    page.check("#f-region input[value=east]")
    expect(page.locator(".dashboard__empty")).to_have_count(1)
    expect(page.locator(".dashboard__empty")).to_contain_text("Remove one of them")
    expect(page.locator(".dash--headline")).to_have_count(0)
    page.locator(".dashboard__drops a", has_text="Team: alpha").click()
    expect(headline).to_have_text("−100.0")


def test_laptop_open_panel_and_screenshots(asgi_server, browser, tmp_path):
    _data()
    folder = shots(tmp_path)
    for language, filters_word in (("en", "Filters"), ("ru", "Фильтры")):
        person = f.user("employee", language=language)
        for name in ("laptop", "phone"):
            width, height = VIEWPORTS[name]
            context = browser.new_context(viewport={"width": width, "height": height}, is_mobile=name == "phone")
            context.set_default_timeout(15000)
            page = context.new_page()
            sign_in(page, asgi_server, person.username, password=f.PASSWORD, next_path="/stats/?region=north&region=south")
            expect(page.locator("#dashboard-panel summary")).to_contain_text(filters_word)
            expect(page.locator(".dashboard__chips .chip")).to_have_count(3)
            is_open = page.locator("#dashboard-panel").evaluate("details => details.open")
            assert is_open is (name == "laptop")
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            state = "open" if is_open else "closed"
            page.screenshot(path=str(folder / f"stats-filters-{language}-{width}-{state}.png"), full_page=True)
            page.click("#dashboard-panel summary")  # and the other way round
            assert page.locator("#dashboard-panel").evaluate("details => details.open") is not is_open
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            state = "closed" if is_open else "open"
            page.screenshot(path=str(folder / f"stats-filters-{language}-{width}-{state}.png"), full_page=True)
            context.close()
