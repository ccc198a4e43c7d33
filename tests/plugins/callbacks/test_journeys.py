"""Customer journeys: answers matched by a keyed hash of the normalised contact, shown on the call
page; a promoter who slips gets a callback; erasure takes an answer out of every journey."""

from django.urls import reverse

from callbacks.models import Callback
from npshub.feedback import erasure, journeys
from npshub.feedback.models import Response
from tests import factories as f

CONSENT = {"callback_consent": True, "data_consent": True}


def _answer(capture, score, days_ago, phone, team, comment=""):
    with capture(execute=True):
        report = f.ingest([score], days_ago=days_ago, customer_phone=phone, customer_name="Anna Orlova",
                          team=team, comment=comment, **CONSENT)
    assert report.created == 1, report
    return Response.objects.order_by("-pk").first()


def test_key_is_a_keyed_hash_of_the_normalised_contact(settings):
    settings.FEEDBACK_CUSTOMER_KEY = "k1"
    a = journeys.customer_key("+7 (916) 111-22-33")
    assert a == journeys.customer_key("8 916 111 22 33") and len(a) == 64 and "9161112233" not in a
    assert journeys.customer_key(email=" Anna@Example.NET ") == journeys.customer_key(email="anna@example.net")
    assert journeys.customer_key("", "") == ""
    settings.FEEDBACK_CUSTOMER_KEY = "k2"
    assert journeys.customer_key("+7 (916) 111-22-33") != a


def test_promoter_who_slips_gets_a_callback_and_a_journey(org, client, django_capture_on_commit_callbacks):
    team = org.retail_team.slug
    first = _answer(django_capture_on_commit_callbacks, 10, 5, "+7 916 111-22-33", team, "Lovely staff")
    assert not Callback.objects.filter(response=first).exists()
    second = _answer(django_capture_on_commit_callbacks, 5, 1, "8 (916) 111-22-33", team, "Waited an hour")
    assert second.customer_key == first.customer_key != ""
    callback = Callback.objects.get(response=second)
    assert callback.category == "detractor" and "slipped promoter" in callback.tag_list
    other = _answer(django_capture_on_commit_callbacks, 8, 1, "+7 916 999-00-00", team)  # no earlier promoter answer
    assert not Callback.objects.filter(response=other).exists()

    caller = f.user("caller", team=org.retail_team)
    client.force_login(caller)
    page = client.get(reverse("callbacks:detail", args=[callback.pk])).content.decode()
    assert 'data-testid="journey"' in page and "Lovely staff" in page and "Waited an hour" in page
    assert "111-22-33" not in page  # no contact without a claim
    stranger = f.user("caller", team=org.ecommerce_team)
    client.force_login(stranger)
    assert client.get(reverse("callbacks:detail", args=[callback.pk])).status_code == 404


def test_promoter_slipping_to_passive_is_called_too(org, django_capture_on_commit_callbacks):
    _answer(django_capture_on_commit_callbacks, 9, 4, "+7 916 222-33-44", org.retail_team.slug)
    passive = _answer(django_capture_on_commit_callbacks, 7, 1, "+7 916 222-33-44", org.retail_team.slug)
    callback = Callback.objects.get(response=passive)
    assert callback.category == "passive" and callback.tags == "slipped promoter"


def test_erased_answer_leaves_every_journey(org, django_capture_on_commit_callbacks):
    team = org.retail_team.slug
    first = _answer(django_capture_on_commit_callbacks, 10, 6, "+7 916 333-44-55", team)
    second = _answer(django_capture_on_commit_callbacks, 9, 4, "+7 916 333-44-55", team)
    erasure.erase(second, actor=f.user("cx_admin"), channel="phone")
    second.refresh_from_db()
    assert second.customer_key.startswith("erased:") and first.customer_key not in second.customer_key
    third = _answer(django_capture_on_commit_callbacks, 3, 1, "+7 916 333-44-55", team)
    assert [r.pk for r in journeys.journey(first)] == [first.pk, third.pk]
    assert journeys.journey(second) == [second]


def test_response_admin_shows_the_journey_to_cx_admins(org, client, django_capture_on_commit_callbacks):
    first = _answer(django_capture_on_commit_callbacks, 10, 5, "+7 916 444-55-66", org.retail_team.slug, "Great service")
    second = _answer(django_capture_on_commit_callbacks, 6, 1, "+7 916 444-55-66", org.retail_team.slug, "Slower now")
    client.force_login(f.user("cx_admin"))
    page = client.get(f"/admin/feedback/response/inspect/{second.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="journey"' in html and "Great service" in html and "Slower now" in html
    journey = html[html.index('data-testid="journey"'):]
    assert journey.index("Great service") < journey.index("Slower now")
    lone = _answer(django_capture_on_commit_callbacks, 9, 1, "+7 916 000-11-22", org.retail_team.slug)
    assert 'data-testid="journey"' not in client.get(f"/admin/feedback/response/inspect/{lone.pk}/").content.decode()
    assert first.pk != second.pk


def test_demo_journey_is_a_slipped_promoter(org, django_capture_on_commit_callbacks):
    import io

    from django.utils import timezone

    from callbacks import demo

    for _ in range(2):  # idempotent
        with django_capture_on_commit_callbacks(execute=True):
            demo._journey(io.StringIO(), timezone.now())
    second = Response.objects.get(external_id="demo-journey-2")
    assert [r.score for r in journeys.journey(second)] == [10, 5]
    assert Callback.objects.get(response=second).tags == "slipped promoter"
