import pytest
from django.contrib.auth import get_user_model

from npshub.pages.models import NewsPage, SectionPage

pytestmark = pytest.mark.django_db


def test_demo_news_on_home_page_and_latest(client, demo):
    client.force_login(get_user_model().objects.get(username="employee"))
    latest = list(NewsPage.latest(limit=3))
    assert len(latest) == 3 and latest[0].date >= latest[1].date >= latest[2].date
    english = NewsPage.objects.filter(locale__language_code="en")
    assert {item.kind for item in english} == {"initiative", "win"}
    html = client.get("/").content.decode()
    for item in latest:
        assert item.title in html
    # The oldest one is not among the three latest.
    oldest = english.order_by("date").first()
    assert oldest.title not in html
    assert [n.pk for n in NewsPage.latest(kind="win")] == list(
        english.filter(kind="win").order_by("-date").values_list("pk", flat=True))


def test_news_page_renders_and_escapes(client, demo):
    client.force_login(get_user_model().objects.get(username="employee"))
    section = SectionPage.objects.filter(locale__language_code="en").get(slug="news")
    item = section.add_child(instance=NewsPage(title="<script>x</script> win", kind="win", intro="A <b>summary</b>"))
    html = client.get(item.url).content.decode()
    assert "&lt;script&gt;x&lt;/script&gt; win" in html and "A &lt;b&gt;summary&lt;/b&gt;" in html
    assert "Big win" in html
    assert client.get(section.url).status_code == 200
