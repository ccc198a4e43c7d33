"""Content per language (wagtail-localize): the reader's tree at the same URLs, a visible fallback
for pages not translated yet, menus and breadcrumbs in the reader's language, translations that
survive a sync, one lesson progress whatever the language."""

import pytest
from wagtail.models import Locale, Page, Site

from content.pages import ensure_wagtail_roots
from npshub.pages.education import complete, user_progress
from npshub.pages.models import HomePage, LessonPage, NewsPage, SectionPage
from npshub.pages.translating import translate
from tests import factories as f

pytestmark = pytest.mark.django_db

RU = {"Hub": "Хаб", "News": "Новости", "Stores open late": "Магазины работают дольше",
      "Until ten every day.": "До десяти каждый день.", "Learn": "Учёба", "A lesson": "Урок"}


@pytest.fixture
def tree():
    root = ensure_wagtail_roots()
    home = root.add_child(instance=HomePage(title="Hub", slug="hub-t"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    news = home.add_child(instance=SectionPage(title="News", slug="news", show_in_menus=True))
    item = news.add_child(instance=NewsPage(title="Stores open late", slug="late", intro="Until ten every day."))
    for page in (home, news, item):
        translate(page, "ru", RU)
    return {"home": home, "news": news, "item": item}


def reader(client, language):
    client.force_login(f.user("employee", language=language))
    return client


def test_one_url_per_page_each_reader_gets_their_language(client, tree):
    url = tree["item"].url
    assert url == tree["item"].get_translation(Locale.objects.get(language_code="ru")).url == "/news/late/"
    html = reader(client, "ru").get(url).content.decode()
    assert "<h1>Магазины работают дольше</h1>" in html and "До десяти каждый день." in html
    assert 'lang="ru"' in html and "translation-note" not in html
    # Menu and breadcrumbs from the Russian tree.
    assert '<a href="/news/">Новости</a>' in html
    # The header's picker (the django_language cookie) wins over the profile.
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert "<h1>Stores open late</h1>" in html and '<a href="/news/">News</a>' in html


def test_untranslated_page_falls_back_with_a_note(client, tree):
    fresh = tree["news"].add_child(instance=NewsPage(title="Only in English", slug="only-en", intro="Not yet."))
    client = reader(client, "ru")
    response = client.get(fresh.url)
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>Only in English</h1>" in html
    assert 'class="message message--info translation-note"' in html
    assert '<main id="main" class="site-main" lang="en">' in html  # the original's language, for screen readers
    # The Russian section lists it too, marked as English.
    section = client.get(tree["news"].url).content.decode()
    assert 'lang="en"' in section and "Only in English" in section and "Магазины работают дольше" in section
    assert client.get("/news/nowhere/").status_code == 404


def test_translation_survives_a_sync_after_the_source_changes(tree):
    item = tree["item"]
    item.title = "Stores open late"
    item.intro = "Until eleven every day."  # the source changed: this segment is new
    item.save_revision().publish()
    russian = translate(item, "ru")  # what "Sync translated pages" does in the admin
    assert russian.title == "Магазины работают дольше"  # kept from translation memory
    assert russian.intro == "Until eleven every day."  # the new text waits for a translator
    assert russian.slug == item.slug  # the slug is synchronised, never translated: one URL


def test_lesson_progress_is_one_whatever_the_language(tree):
    learn = tree["home"].add_child(instance=SectionPage(title="Learn", slug="learn"))
    lesson = learn.add_child(instance=LessonPage(title="A lesson", slug="a-lesson"))
    russian = translate(lesson, "ru", RU)
    user = f.user("employee", language="ru")
    complete(russian, user)
    complete(lesson, user)
    assert user_progress(user) == {"lessons_completed": 1, "lessons_total": 1}
    assert Page.objects.filter(translation_key=lesson.translation_key).count() == 2


def whats_new_label(html):
    """The label of Wagtail's "What's new" item in the sidebar's JSON props."""
    import json
    import re

    found = re.search(r'"whats-new-in-wagtail-[\d.]+", "_id": \d+\}, "label": ("(?:[^"\\]|\\.)*")', html)
    assert found, "no What's new item in the admin sidebar"
    return json.loads(found.group(1))


def test_admin_help_menu_in_each_editors_language():
    """Wagtail formats its "What's new" help item once per process: after a Russian editor, an English
    one still reads it in English."""
    from django.test import Client

    ru, en = Client(), Client()
    ru.force_login(f.user("editor", language="ru"))
    en.force_login(f.user("editor", language="en"))
    assert whats_new_label(ru.get("/admin/").content.decode()).startswith("Что нового в Wagtail")
    assert whats_new_label(en.get("/admin/").content.decode()).startswith("What's new in Wagtail")
