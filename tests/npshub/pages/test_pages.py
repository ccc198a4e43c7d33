import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from npshub.pages.models import ArticlePage, HomePage, SectionPage

pytestmark = pytest.mark.django_db


def sign_in(client, username="employee"):
    client.force_login(get_user_model().objects.get(username=username))


def test_pages_need_a_sign_in(client, demo):
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get("/accounts/login/").status_code == 200


def test_home_page_shows_the_live_score(client, demo):
    sign_in(client)
    html = client.get("/").content.decode()
    assert "Brand NPS, last 90 days" in html and "data-nps" in html
    assert "95% margin of error" in html
    assert 'href="/articles/"' in html  # sections are in the menu


def test_article_page_renders_author_and_reading_time(client, demo):
    sign_in(client)
    article = ArticlePage.objects.live().first()
    html = client.get(article.url).content.decode()
    assert article.title in html and "minute read" in html and "Maria Ivanova" in html


def test_russian_interface(client, demo):
    user = get_user_model().objects.get(username="caller")  # profile language: ru
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'lang="ru"' in html and "Выйти" in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Sign out" in client.get("/").content.decode()


def test_accessible_basics(client, demo):
    sign_in(client)
    html = client.get("/").content.decode()
    assert '<main id="main"' in html and 'class="skip-link"' in html
    assert 'alt="NPS Hub"' in html and '<nav class="site-nav" id="site-nav" aria-label=' in html


class PageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        cls.home = root.add_child(instance=HomePage(title="Hub", slug="hub-test"))
        Site.objects.update(root_page=cls.home)

    def test_editors_can_create_the_tree(self):
        self.assertCanCreateAt(HomePage, SectionPage)
        self.assertCanCreateAt(SectionPage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, ArticlePage)
        self.assertCanNotCreateAt(HomePage, HomePage)


def test_navigation_entries_follow_roles(client, demo):
    sign_in(client, "employee")
    assert 'href="/callbacks/"' not in client.get("/").content.decode()
    sign_in(client, "caller")
    assert 'href="/callbacks/"' in client.get("/").content.decode()
