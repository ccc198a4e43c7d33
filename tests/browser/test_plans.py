"""The action plans journey in headless Chromium on the demo data: a manager creates a plan for
their store, adds an action, gets the check-in reminder, records a check-in and sees the effect
measured from the answers; the weekly team meeting shows the store's comments and plan."""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from npshub.people.models import Team
from plans import effect
from plans.models import CheckIn, Plan
from plans.tasks import remind_check_ins
from tests import factories as f
from tests.browser.helpers import VIEWPORTS, shots, sign_in

STORE = "store-moscow-tverskaya"


def _look(browser, base_url, path, folder, name):
    """Screenshots at 1366 and 390 px in English and Russian, signed in as the manager."""
    for language in ("en", "ru"):
        for label, (width, height) in (("laptop", VIEWPORTS["laptop"]), ("phone", VIEWPORTS["phone"])):
            context = browser.new_context(viewport={"width": width, "height": height})
            page = context.new_page()
            sign_in(page, base_url, "manager", next_path="/")
            context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
            page.goto(f"{base_url}{path}")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, language, label)
            page.screenshot(path=str(folder / f"plans-{name}-{language}-{label}.png"), full_page=True)
            context.close()


def test_manager_plans_checks_in_and_sees_the_effect(demo, live_server, page, browser, settings, tmp_path):
    team = Team.objects.get(slug=STORE)
    today = timezone.localdate()
    # Answers of the store before and since the plan's start (the 400 demo answers are spread thin).
    f.responses("survey", today - datetime.timedelta(days=40), promoters=5, passives=3, detractors=7, team=STORE)
    f.responses("survey", today - datetime.timedelta(days=3), promoters=9, passives=2, detractors=3, team=STORE)
    sign_in(page, live_server.url, "manager", next_path=f"/teams/{STORE}/")
    expect(page.locator("[data-testid=plans-team-section]")).to_be_visible()
    page.goto(f"{live_server.url}/plans/new/?team={team.pk}")
    page.fill("#id_title", "Quicker fitting rooms")
    page.select_option("#id_goal", "nps")
    page.fill("#id_target", "40")
    page.fill("#id_starts_on", (today - datetime.timedelta(days=30)).isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=60)).isoformat())
    page.locator("form.pl-form button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text("The plan is made")
    plan = Plan.objects.get(title="Quicker fitting rooms")
    assert plan.team == team and plan.owner.username == "manager"

    page.fill("#id_title", "A second attendant on Saturdays")
    page.locator("form[action$='/actions/'] button[type=submit]").click()
    expect(page.locator(".pl-actions")).to_contain_text("A second attendant on Saturdays")

    # The reminder: the plan started 30 days ago with no check-in, so it is due; e-mailed once.
    assert remind_check_ins() >= 1
    mails = [p.read_text() for p in Path(settings.EMAIL_FILE_PATH).glob("*.eml")]
    assert any("Quicker fitting rooms" in m and "manager" in m for m in mails)

    page.reload()
    page.fill("#id_progress", "30")
    page.fill("#id_note", "Attendant in place two Saturdays running")
    page.locator("#check-in button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text("Check-in recorded")
    check_in = CheckIn.objects.get(plan=plan)
    measured = effect.measure(plan)
    assert check_in.progress == 30 and check_in.effect["nps"] == measured["nps"]
    answers = measured["nps"]["after"]["responses"]
    assert answers > 0  # the demo store has answers since the start
    expect(page.locator("[data-testid=plan-effect]")).to_contain_text(f"{answers} answer")
    expect(page.locator(".pl-checkins")).to_contain_text("Attendant in place two Saturdays running")
    _look(browser, live_server.url, f"/plans/{plan.pk}/", shots(tmp_path), "detail")


def test_meeting_page_shows_the_week_comments_and_plan(demo, live_server, page, browser, tmp_path):
    f.response(3, source_=f.source("survey"), team=STORE, comment="The fitting rooms were closed, write to me at anna@example.net",
               submitted_at=timezone.now() - datetime.timedelta(minutes=10))
    plan = Plan.objects.get(team__slug=STORE, status=Plan.Status.ACTIVE)
    sign_in(page, live_server.url, "manager", next_path=f"/teams/{STORE}/meeting/")
    expect(page.locator("h1")).to_contain_text("weekly meeting")
    expect(page.locator(".pl-comments")).to_contain_text("The fitting rooms were closed")
    expect(page.locator(".pl-comments")).not_to_contain_text("anna@example.net")
    expect(page.locator("#pl-plan").locator("..")).to_contain_text(plan.title)
    expect(page.locator("[data-testid=this-week]")).to_be_visible()
    page.fill("#id_progress", "55")
    page.locator("#check-in button[type=submit]").click()
    expect(page.locator(".message--success")).to_contain_text("Check-in recorded")
    assert page.url.endswith(f"/teams/{STORE}/meeting/")
    assert CheckIn.objects.filter(plan=plan, progress=55, author=get_user_model().objects.get(username="manager")).count() == 1
    folder = shots(tmp_path)
    _look(browser, live_server.url, f"/teams/{STORE}/meeting/", folder, "meeting")
    _look(browser, live_server.url, "/plans/", folder, "overview")
    _look(browser, live_server.url, "/", folder, "home")
