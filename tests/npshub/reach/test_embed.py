"""The embeddable score: only to allowed origins, revocable, cached, aggregates only."""

import pytest
from django.test import Client
from django.utils import timezone

from npshub.reach.models import EmbedSite
from tests import factories as f

pytestmark = pytest.mark.django_db
ORIGIN = "https://www.example.com"


def site(**fields):
    return EmbedSite.objects.create(name="Main site", origins=f"{ORIGIN}\nhttp://127.0.0.1:9001", **fields)


def test_allowed_origin_gets_figures_others_are_refused(django_assert_max_num_queries):
    f.responses("survey", timezone.localdate(), promoters=3, detractors=1)
    embed = site()
    anonymous = Client()
    response = anonymous.get(f"/embed/{embed.key}/score.json", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200 and response["Access-Control-Allow-Origin"] == ORIGIN
    data = response.json()
    assert (data["nps"], data["responses"], data["period_days"]) == (50.0, 4, 90) and "trend" in data
    assert set(data) == {"nps", "responses", "period_days", "updated_at", "trend"}
    with django_assert_max_num_queries(0):  # cached: thousands of visitors cost no query
        assert anonymous.get(f"/embed/{embed.key}/score.json", HTTP_ORIGIN=ORIGIN).json() == data
    for origin in ("https://evil.example", "", "null"):
        refused = anonymous.get(f"/embed/{embed.key}/score.json", HTTP_ORIGIN=origin)
        assert refused.status_code == 403 and "Access-Control-Allow-Origin" not in refused
    assert anonymous.get("/embed/nope/score.json", HTTP_ORIGIN=ORIGIN).status_code == 404
    script = anonymous.get(f"/embed/{embed.key}/score.js", HTTP_REFERER=f"{ORIGIN}/about/")
    assert script.status_code == 200 and script["Content-Type"].startswith("text/javascript")
    assert f"/embed/{embed.key}/score.json" in script.content.decode() and "__CONFIG__" not in script.content.decode()
    assert anonymous.get(f"/embed/{embed.key}/score.js", HTTP_REFERER="https://evil.example/").status_code == 403
    # Revoking takes effect at once, cache or not.
    embed.active = False
    embed.save()
    assert anonymous.get(f"/embed/{embed.key}/score.json", HTTP_ORIGIN=ORIGIN).status_code == 403
    assert anonymous.get(f"/embed/{embed.key}/score.js").status_code == 403


def test_origins_are_validated():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        EmbedSite(name="x", origins="https://ok.example\njavascript:alert(1)").full_clean()
    with pytest.raises(ValidationError):
        EmbedSite(name="x", origins="https://ok.example/path").full_clean()
    EmbedSite(name="x", origins="https://ok.example\nhttp://localhost:8080").full_clean()
