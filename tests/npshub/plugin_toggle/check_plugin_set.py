"""Run by test_plugins.py in a child pytest with NPSHUB_PLUGINS set; not collected on its own."""

import os

from django.contrib.auth import get_user_model
from wagtail.blocks import StreamValue
from wagtail.models import Page

from npshub import plugins
from npshub.pages.models import HomePage

EXPECTED = {label for label in os.environ["EXPECT_PLUGINS"].split(",") if label}


def test_only_enabled_plugins_are_loaded():
    assert {plugin.label for plugin in plugins.get_plugins()} == EXPECTED


def test_parts_of_disabled_plugins_are_gone(demo, client):
    admin = get_user_model().objects.get(username="admin")
    client.force_login(admin)
    blocks = HomePage.body.field.stream_block.child_blocks
    assert ("headline_score" in blocks) == ("nps_widgets" in EXPECTED)
    for label, route in (("callbacks", "/api/v1/callbacks/"), ("rewards", "/api/v1/rewards/me/"),
                         ("plans", "/api/v1/plans/")):
        response = client.get(route)
        if label in EXPECTED:
            assert response.status_code == 200
        else:
            assert response.status_code == 404 and "detail" in response.json()
    admin_home = client.get("/admin/").content.decode()
    for label, admin_url in (("callbacks", "/admin/callbacks/callback/"), ("rewards", "/admin/rewards/ledgerentry/")):
        assert (admin_url in admin_home) == (label in EXPECTED)
        assert (client.get(admin_url).status_code == 200) == (label in EXPECTED)


def test_every_page_still_serves(demo, client):
    home = HomePage.objects.filter(locale__language_code="en").get()
    # A block stored while a plugin was enabled stays in the database and is skipped.
    raw = [{"type": "headline_score", "value": {"title": "Stored earlier", "segment": "", "product": "", "days": None}, "id": "x1"}]
    home.body = StreamValue(home.body.stream_block, raw, is_lazy=True)
    home.save_revision().publish()
    client.force_login(get_user_model().objects.get(username="employee"))
    pages = Page.objects.live().filter(depth__gt=1).specific()
    assert pages.count() >= 6
    for page in pages:
        response = client.get(page.url)
        assert response.status_code == 200, (page.url, response.status_code)
    assert client.get("/api/v2/pages/").status_code == 200
    assert client.get("/api/schema/").status_code == 200
