from datetime import timedelta

import pytest
from django.utils import timezone

from nps_widgets.models import Screen
from tests.plugins.nps_widgets.helpers import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen():
    return Screen.objects.create(name="Boardroom", room="3rd floor", quote_min_length=20)


def test_screen_works_without_login_and_shows_the_score(client, screen):
    add_responses([10, 9, 9, 2], product="kettle")
    response = client.get(screen.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "<p class=\"slide__score\" data-nps>50.0" in html
    assert "Boardroom" in html and f'data-live-url="/screens/{screen.token}/live/"' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow" and response["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # The home page itself still needs a login.
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("change", ["revoked", "expired", "unknown"])
def test_revoked_expired_and_unknown_links_are_404_without_data(client, screen, change):
    add_responses([10, 9], comment="Wonderful service from the whole shop team, thank you!")
    url = screen.get_absolute_url()
    if change == "revoked":
        screen.active = False
        screen.save()
    elif change == "expired":
        screen.expires_at = timezone.now() - timedelta(minutes=1)
        screen.save()
    else:
        url = "/screens/not-a-real-token/"
    for path in (url, url + "?fragment=1", url + "live/"):
        response = client.get(path)
        assert response.status_code == 404
        body = response.content.decode()
        assert "100.0" not in body and "Wonderful" not in body


def test_future_expiry_still_works(client, screen):
    screen.expires_at = timezone.now() + timedelta(days=1)
    screen.save()
    assert client.get(screen.get_absolute_url()).status_code == 200


def test_quotes_are_recent_promoter_comments_masked(client, screen):
    add_responses([10], comment="Brilliant help, call me back at +7 (912) 345-67-89 or write to ivan.petrov@example.ru")
    add_responses([2], comment="Terrible, never again, the worst shop in the whole town")
    add_responses([9], comment="Short")  # under the minimum length
    add_responses([10], days_ago=60, comment="An old but lovely comment about the shop team")
    html = client.get(screen.get_absolute_url()).content.decode()
    assert "Brilliant help" in html
    assert "345-67-89" not in html and "ivan.petrov@example.ru" not in html
    assert "Terrible" not in html and ">Short<" not in html and "An old but lovely" not in html


def test_pinned_quotes_come_first(client, screen):
    add_responses([8], comment="Editors picked this passive comment for the wall")
    from npshub.feedback.models import Response

    screen.pinned_quotes = str(Response.objects.get(comment__startswith="Editors").pk)
    screen.save()
    html = client.get(screen.get_absolute_url()).content.decode()
    assert "Editors picked this passive comment" in html


def test_screen_shows_latest_initiatives_and_wins(client, screen, demo):
    from npshub.pages.models import NewsPage

    latest = NewsPage.latest(limit=1)[0]
    html = client.get(screen.get_absolute_url()).content.decode()
    assert latest.title in html and "Initiatives and wins" in html


def test_screen_admin_lists_screens(client, django_user_model, screen):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    response = client.get("/admin/nps_widgets/screen/")
    assert response.status_code == 200 and "Boardroom" in response.content.decode()


def test_a_rooms_screen_speaks_the_rooms_language_and_marks_quotes(client, screen):
    add_responses([10, 9, 9, 2], comment="Wonderful service from the whole shop team, thank you!", language="en")
    screen.language = "ru"
    screen.save()
    # The browser asks for English; the room's screen is Russian.
    response = client.get(screen.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response["Content-Language"] == "ru" and '<html lang="ru"' in html
    assert "data-nps>50,0" in html and "Что говорят клиенты" in html and "What customers say" not in html
    # The customer's own words stay English, marked as such.
    assert '<blockquote class="slide__quote" lang="en">Wonderful service' in html
    # Empty: the browser's language.
    screen.language = ""
    screen.save()
    html = client.get(screen.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "data-nps>50.0" in html and "What customers say" in html
