import pytest
from django.contrib.auth import get_user_model
from django.dispatch import receiver

from npshub import events, metrics
from npshub.pages.models import LessonPage, LessonProgress

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    seen = []

    def handler(sender, **kwargs):
        seen.append(kwargs)

    for event in (events.lesson_completed, events.quiz_passed):
        event.connect(handler, dispatch_uid=f"test-{id(event)}")
    yield seen
    for event in (events.lesson_completed, events.quiz_passed):
        event.disconnect(dispatch_uid=f"test-{id(event)}")


def answers(lesson, right=True):
    data = {}
    for number, block in enumerate(lesson.quiz, start=1):
        correct = block.value["correct"]
        data[f"q{number}"] = correct if right else (1 if correct != 1 else 2)
    return data


def test_demo_lessons_quiz_progress_and_events(client, demo, published):
    user = get_user_model().objects.get(username="employee")
    client.force_login(user)
    lessons = list(LessonPage.objects.live().filter(locale__language_code="en").order_by("path"))
    assert len(lessons) == 5 and all(len(lesson.quiz) >= 2 for lesson in lessons)
    lesson = lessons[0]
    html = client.get(lesson.url).content.decode()
    assert lesson.title in html and 'type="radio"' in html and "Check yourself" in html
    assert metrics.call("education.user_progress", user) == {"lessons_completed": 0, "lessons_total": 5}

    # Wrong answers: not passed, explanations shown, no event.
    html = client.post(lesson.url, answers(lesson, right=False)).content.decode()
    assert "not quite" in html.lower() and lesson.quiz[0].value["explanation"] in html
    assert published == []
    # Missing answers: a clear error.
    response = client.post(lesson.url, {"q1": 1})
    assert response.status_code == 400 and "Please answer every question." in response.content.decode()
    # Right answers: passed, completed, one event each with unique ids.
    html = client.post(lesson.url, answers(lesson)).content.decode()
    assert "Passed with 100%" in html
    progress = LessonProgress.objects.get(user=user, lesson=lesson)
    assert progress.passed_at and progress.completed_at and progress.quiz_attempts == 2 and progress.best_score == 1
    assert [set(k) for k in published] == [{"lesson", "user", "score", "event_id", "signal"},
                                           {"lesson", "user", "event_id", "signal"}]
    assert len({k["event_id"] for k in published}) == 2
    # Passing again publishes nothing new.
    client.post(lesson.url, answers(lesson))
    assert len(published) == 2
    # Marking another lesson read.
    client.post(lessons[1].url, {"action": "complete"})
    assert metrics.call("education.user_progress", user) == {"lessons_completed": 2, "lessons_total": 5}
    assert len(published) == 3 and published[-1]["lesson"].pk == lessons[1].pk


def test_lesson_in_russian(client, demo):
    user = get_user_model().objects.get(username="caller")  # profile language ru
    client.force_login(user)
    lesson = LessonPage.objects.filter(locale__language_code="en").get(slug="what-is-nps")
    html = client.get(lesson.url).content.decode()  # the same URL serves the Russian translation
    assert "<h1>Что такое NPS</h1>" in html and "Один вопрос, заданный везде одинаково" in html
    assert "Как считается оценка" in html and "Клиент ответил 8. В какой он группе?" in html
    assert "Нейтрал" in html and "What NPS is" not in html


def test_embed_renders_without_network(client, demo, monkeypatch):
    """A video embed block renders from the stored embed; nothing is fetched at render time."""
    import urllib.request

    from wagtail.embeds.embeds import get_embed_hash
    from wagtail.embeds.models import Embed

    def no_network(*args, **kwargs):
        raise AssertionError("network access during render")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    url = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    Embed.objects.create(url=url, max_width=None, type="video", html='<iframe title="NPS video" src="https://www.youtube.com/embed/x"></iframe>',
                         title="NPS video", provider_name="YouTube", hash=get_embed_hash(url, None, None))
    lesson = LessonPage.objects.filter(locale__language_code="en").get(slug="what-is-nps")
    lesson.body.append(("embed", url))
    lesson.save_revision().publish()
    client.force_login(get_user_model().objects.get(username="employee"))
    html = client.get(lesson.url).content.decode()
    assert 'src="https://www.youtube.com/embed/x"' in html
