"""Trends where people look, in a browser: a team member opens their team page and the digest, in
Russian and English, on a laptop and a phone; the chart that fits the screen shows, its months in the
reader's language, and nothing scrolls sideways."""

import pytest
from django.utils import timezone, translation

from npshub import formats
from tests import factories
from tests.browser.helpers import VIEWPORTS, shots, sign_in
from tests.npshub.digest.test_trend_email import month_ago, site_home, team_world

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language, heading", [("en", "NPS by month"), ("ru", "NPS по месяцам")])
def test_team_and_digest_pages_show_the_trend(live_server, browser, tmp_path, language, heading):
    from content.digest import ensure_digest_section
    from npshub.pages.models import DigestPage

    team = team_world()
    site_home()
    issue = ensure_digest_section().add_child(instance=DigestPage(title="December", month=timezone.localdate()))
    person = factories.user(team=team, language=language)
    with translation.override(language):
        month = formats.month(month_ago(1))
    folder = shots(tmp_path)
    for name, (width, height) in (("laptop", VIEWPORTS["laptop"]), ("phone", VIEWPORTS["phone"])):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        try:
            sign_in(page, live_server.url, person.username, password=factories.PASSWORD, next_path="/")
            for where, path in (("team", f"/teams/{team.slug}/"), ("digest", issue.url)):
                page.goto(f"{live_server.url}{path}")
                trend = page.locator("section.trend")
                trend.get_by_role("heading", name=heading).wait_for()
                shown = trend.locator("svg.chart--narrow" if name == "phone" else "svg.chart--wide")
                hidden = trend.locator("svg.chart--wide" if name == "phone" else "svg.chart--narrow")
                assert shown.is_visible() and not hidden.is_visible()
                assert shown.locator("text", has_text=month).count() >= 1
                assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
                page.screenshot(path=str(folder / f"trend-{where}-{language}-{name}.png"), full_page=True)
        finally:
            context.close()
