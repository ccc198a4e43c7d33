"""A small education tree (the baseline lesson and one more) for reach tests."""

from wagtail.models import Site

from content.pages import ensure_wagtail_roots
from npshub.pages.models import HomePage, LessonPage, SectionPage

QUIZ = [("question", {"question": "What is a promoter?", "choices": ["0-6", "9-10"], "correct": 2, "explanation": "9-10."})]


def lessons():
    root = ensure_wagtail_roots()
    home = HomePage.objects.first() or root.add_child(instance=HomePage(title="Hub", slug="hub-r"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    learn = SectionPage.objects.filter(slug="learn").first() or home.add_child(
        instance=SectionPage(title="Learn", slug="learn", show_in_menus=True))
    baseline = learn.add_child(instance=LessonPage(title="What is NPS?", slug="what-is-nps", quiz=QUIZ, pass_mark=100))
    other = learn.add_child(instance=LessonPage(title="Detractors", slug="detractors", quiz=QUIZ))
    return {"home": home, "learn": learn, "baseline": baseline, "other": other}
