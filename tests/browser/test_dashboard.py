"""The statistics page filters by every dimension, keeps the state in the URL, on laptop and phone."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import sign_in
from tests.plugins.nps_widgets.helpers import add_responses


def test_dashboard_filters_and_shares_state(asgi_server, page, phone_page, django_user_model, tmp_path):
    django_user_model.objects.create_user("emp", password="pw-123456")
    add_responses([10, 10], product="kettle", segment="consumer", channel="web", region="north", team="alpha", source_slug="survey")
    add_responses([0, 0], product="blender", segment="business", channel="store", region="south", team="beta", source_slug="shop")
    sign_in(page, asgi_server, "emp", "pw-123456", next_path="/stats/")
    headline = page.locator(".dash--headline [data-nps]")
    expect(headline).to_have_text("0.0")
    for name, good in [("product", "kettle"), ("segment", "consumer"), ("channel", "web"), ("region", "north"),
                       ("team", "alpha"), ("source", "survey")]:
        page.check(f"#f-{name} input[value={good}]")  # enhanced: updates without a reload
        expect(headline).to_have_text("100.0")
        expect(page).to_have_url(re.compile(rf"[?&]{name}={good}"))
        page.uncheck(f"#f-{name} input[value={good}]")
        expect(headline).to_have_text("0.0")
    page.check("#f-product input[value=blender]")
    page.select_option("#f-interval", "day")
    expect(headline).to_have_text("−100.0")
    shared = page.url
    assert "product=blender" in shared and "interval=day" in shared
    page.screenshot(path=str(tmp_path / "dashboard-laptop.png"), full_page=True)
    # The shared link opens the same view for a colleague, on a phone.
    sign_in(phone_page, asgi_server, "emp", "pw-123456", next_path="/stats/" + shared.split("/stats/")[1])
    expect(phone_page.locator(".dash--headline [data-nps]")).to_have_text("−100.0")
    expect(phone_page.locator("#f-product input[value=blender]")).to_be_checked()
    phone_page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
    assert timezone.now()
