"""Fair rankings and numbers that agree, in headless Chromium on the demo data: the statistics page
lists stores with too few answers apart (never ranked), and the quiz keeps the ticked choices after
"Check my answers"; no horizontal scroll on a phone."""

from playwright.sync_api import expect

from npshub.pages.models import LessonPage
from tests.browser.helpers import shots, sign_in


def test_too_few_answers_apart_and_the_quiz_keeps_choices(demo, live_server, page, phone_page, tmp_path):
    folder = shots(tmp_path)
    sign_in(page, live_server.url, "manager", next_path="/stats/?period=30&by=team")
    breakdown = page.locator(".widget--breakdown")
    expect(breakdown.locator("[data-too-few]")).to_contain_text("Too few answers")
    # a unit listed apart carries no rank: the ranked table's rows and the list never share a name
    ranked = breakdown.locator("table[data-ranked] tbody th").all_inner_texts() if breakdown.locator("table[data-ranked]").count() else []
    apart = breakdown.locator(".too-few__name").all_inner_texts()
    assert apart and not set(ranked) & set(apart)
    page.screenshot(path=str(folder / "fair-stats-en-laptop.png"), full_page=True)

    lesson = next(p for p in LessonPage.objects.live().filter(locale__language_code="en").order_by("path") if len(p.quiz))
    sign_in(phone_page, live_server.url, "employee", next_path=lesson.url)
    questions = phone_page.locator("fieldset.quiz__question")
    for n in range(questions.count()):
        questions.nth(n).locator("input[type=radio]").first.check()
    phone_page.get_by_role("button", name="Check my answers").click()
    phone_page.wait_for_load_state("domcontentloaded")
    assert phone_page.locator("fieldset.quiz__question input[type=radio]:checked").count() == questions.count()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone_page.screenshot(path=str(folder / "fair-quiz-en-phone.png"), full_page=True)
