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


def test_the_digest_and_the_roles_take_only_the_enabled_plugins_parts(demo):
    from npshub import metrics, sections
    from npshub.celery import collect_beat_schedule
    from npshub.digest import mailing
    from npshub.digest.models import Mailing
    from npshub.pages.models import DigestPage
    from npshub.people import roles

    assert {section.key.split(".")[0] for section in sections.sections()} <= EXPECTED
    # Metrics are named by what they are about; these two subjects come from these plugins here.
    providers = {"outreach": "callbacks", "recognition": "rewards", "education": "npshub", "reach": "npshub"}
    assert {providers[name.split(".")[0]] for name in metrics.available()} <= EXPECTED | {"npshub"}
    granted = {codename.split(".")[0] for codenames in roles.permissions().values() for codename in codenames}
    assert not granted & ({"callbacks", "rewards", "nps_widgets"} - EXPECTED)
    assert {entry["task"].split(".")[0] for entry in collect_beat_schedule().values()} <= EXPECTED | {"digest", "feedback", "reach", "npshub"}
    issue = DigestPage.objects.live().filter(locale__language_code="en").first()
    subject, html, text = mailing.preview_html(Mailing.DIGEST, issue, get_user_model().objects.get(username="employee"))
    assert "%%NPSHUB_" not in html and "%%NPSHUB_" not in text
    if "rewards" in EXPECTED:  # each reader's points: always there while rewards is enabled
        assert "Your points" in text
    else:
        assert "Your points" not in text and "Top teams" not in html
    assert ("Callback wins" in html) <= ("callbacks" in EXPECTED)
