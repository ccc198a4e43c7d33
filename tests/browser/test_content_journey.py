"""Done-when journey of the content and digest issue: an employee writes an article, an editor
approves it through the workflow, previews the month's digest as an employee, sends it; the
outbox shows the branded emails personalised per person; the guide book shows the real tokens."""

import os
import re
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from npshub import theme
from npshub.digest.models import SendLog
from npshub.pages.models import ArticlePage, DigestPage
from tests.browser.helpers import sign_in

SHOTS = Path(os.environ.get("NPSHUB_SCREENSHOTS", "/tmp/npshub-screenshots/content"))
BODY = ("Our Kazan store noticed that detractors mentioned the queue at the returns desk. We opened a second "
        "desk at lunchtime and asked every customer one question on the way out.\n\n"
        "Within a month the queue complaints stopped, and three customers wrote to thank us.")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def wait_for(condition, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("condition not met")


def test_article_to_digest_to_outbox(demo, live_server, browser, settings):
    settings.EMAIL_HOST = ""
    url = live_server.url
    User = get_user_model()

    # 1. An employee writes an article.
    employee_ctx = browser.new_context(viewport={"width": 1366, "height": 800})
    page = employee_ctx.new_page()
    sign_in(page, url, "employee", next_path="/articles/write/")
    expect(page.locator("h1")).to_have_text("Write an article")
    page.fill("#id_title", "Two desks, no queue")
    page.fill("#id_intro", "How a second returns desk ended our queue complaints in Kazan.")
    page.fill("#id_body", BODY)
    page.fill("#id_tags", "returns, stores")
    shot(page, "write-article")
    page.click("text=Send to the editors")
    expect(page.locator(".message--success")).to_contain_text("Thank you")
    expect(page.locator(".my-articles")).to_contain_text("with the editors")
    article = ArticlePage.objects.filter(locale__language_code="en").get(title="Two desks, no queue")
    assert not article.live

    # 2. The editor approves it in Wagtail's workflow; the last step publishes it.
    editor_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = editor_ctx.new_page()
    sign_in(admin, url, "editor", next_path=f"/admin/pages/{article.pk}/edit/")
    expect(admin.locator("body")).to_contain_text("Editorial review")
    admin.eval_on_selector('button[data-workflow-action-name="approve"]', "b => b.click()")
    wait_for(lambda: ArticlePage.objects.filter(locale__language_code="en").get(pk=article.pk).live)

    # 3. The month's digest collects it; the editor previews it as an employee.
    issue = DigestPage.objects.live().filter(locale__language_code="en").get()
    assert article.pk in [a.pk for a in issue.articles()]
    employee = User.objects.get(username="employee")
    admin.goto(f"{url}/admin/digest/")
    admin.click("text=Preview and send")
    admin.click(f".who >> text={employee.get_full_name()}")
    expect(admin.locator("[data-testid=preview-as]")).to_have_text(employee.get_full_name())
    frame = admin.frame_locator("#email-frame")
    expect(frame.locator("body")).to_contain_text(f"Hi {employee.first_name},")
    expect(frame.locator("body")).to_contain_text("Two desks, no queue")
    shot(admin, "digest-preview")

    # 4. Send to the audience (Celery runs eagerly in tests); everyone is handled.
    admin.click("text=Send to the audience")
    expect(admin.locator("body")).to_contain_text("is being sent")
    audience = User.objects.filter(is_active=True).exclude(email="").count()
    wait_for(lambda: SendLog.objects.filter(status=SendLog.SENT).count() == audience)

    # 5. The outbox (customer and staff mail: CX admins only) shows the branded emails, personalised per person.
    cx_ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    admin = cx_ctx.new_page()
    sign_in(admin, url, "cxadmin", next_path="/admin/digest/outbox/")
    admin.goto(f"{url}/admin/digest/outbox/")
    # Each reader gets the issue in their language: the English page's title or its Russian translation's.
    titles = [issue.title, *(page.title for page in issue.get_translations())]
    subjects = re.compile("|".join(re.escape(title) for title in titles))
    expect(admin.locator("tr.outbox-row", has_text=subjects)).to_have_count(audience)
    shot(admin, "outbox")
    admin.locator("tr.outbox-row a", has_text=f"<{employee.email}>").first.click()
    frame = admin.frame_locator("iframe")
    expect(frame.locator("body")).to_contain_text(f"Hi {employee.first_name},")
    from npshub.digest.highlights import nps_change

    team_nps = nps_change(issue.month_start, issue.month_end, team=employee.profile.team.slug)["nps"]
    if team_nps is not None:  # the team line appears only when the team has answers this month
        expect(frame.locator("body")).to_contain_text(f"Your team {employee.profile.team.name}: NPS {team_nps:.1f}")
    expect(frame.locator("body")).to_contain_text("For you")
    html_url = url + admin.locator("iframe").get_attribute("src")
    admin.goto(f"{url}/admin/digest/outbox/")
    other = User.objects.filter(is_active=True).exclude(email="").exclude(pk=employee.pk).exclude(first_name=employee.first_name).first()
    admin.locator("tr.outbox-row a", has_text=f"<{other.email}>").first.click()
    expect(admin.frame_locator("iframe").locator("body")).to_contain_text(f"Hi {other.first_name},")
    # The email itself, as a mail client shows it, on a laptop and a phone.
    for width in (600, 390):
        viewer = cx_ctx.new_page()
        viewer.set_viewport_size({"width": width, "height": 900})
        viewer.goto(html_url)
        expect(viewer.locator("body")).to_contain_text(theme.tokens()["logo"]["alt"])
        shot(viewer, f"email-{width}")
        brand = theme.color("brand-dark").lower()
        assert brand in viewer.content().lower()
        viewer.close()

    # 6. The guide book shows the theme's real tokens.
    page.goto(f"{url}/guide-book/visual-identity/")
    for name, token in theme.tokens()["colors"].items():
        expect(page.locator(f'[data-token="{name}"]')).to_contain_text(token["value"])
    chip = page.locator('[data-token="brand"] .swatch__chip')
    r, g, b = (int(theme.color("brand")[i:i + 2], 16) for i in (1, 3, 5))
    assert chip.evaluate("e => getComputedStyle(e).backgroundColor") == f"rgb({r}, {g}, {b})"
    shot(page, "guide-book")
    page.goto(f"{url}{issue.url}")
    expect(page.locator("body")).to_contain_text("Two desks, no queue")
    shot(page, "digest-page")
    # The month's NPS, or an honest dash on the first hours of a month with no answers yet.
    month_nps = nps_change(issue.month_start, issue.month_end)["nps"]
    expect(page.locator(".digest__big")).to_have_text("—" if month_nps is None else f"{month_nps:.1f}")
    employee_ctx.close()
    editor_ctx.close()
    cx_ctx.close()
