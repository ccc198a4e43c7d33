import copy

import pytest
from django.contrib.auth import get_user_model

from npshub import theme
from npshub.pages.models import GuideBookPage

pytestmark = pytest.mark.django_db


def test_swatches_come_from_the_tokens(client, demo, monkeypatch):
    client.force_login(get_user_model().objects.get(username="employee"))
    page = GuideBookPage.objects.filter(locale__language_code="en").get()
    html = client.get(page.url).content.decode()
    for name, token in theme.tokens()["colors"].items():
        assert f'data-token="{name}"' in html and token["value"] in html and token["usage"] in html
    assert "var(--color-brand)" in html and theme.tokens()["fonts"]["body"]["label"] in html
    assert "Tone of voice" in html and "Logo (SVG)" in html

    # Change a token: the page follows, nothing typed twice.
    changed = copy.deepcopy(theme.tokens())
    changed["colors"]["brand"] = {"value": "#123456", "label": "Test blue", "usage": "Only in this test"}
    monkeypatch.setattr(theme, "tokens", lambda: changed)
    html = client.get(page.url).content.decode()
    assert "#123456" in html and "Test blue" in html and "Only in this test" in html and "18, 52, 86" in html
    assert "#0B5FFF" not in html.split("<main", 1)[1]


def test_logo_download_is_a_document(client, demo):
    from wagtail.documents.models import Document

    client.force_login(get_user_model().objects.get(username="employee"))
    document = Document.objects.get(title="Logo (SVG)")
    html = client.get(GuideBookPage.objects.filter(locale__language_code="en").get().url).content.decode()
    assert document.url in html
