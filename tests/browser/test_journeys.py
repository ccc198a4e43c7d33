"""A customer who scored 10 and then 5 gets a callback (a promoter who slipped), and the call page
shows their journey with both answers, in headless Chromium on the demo data."""

from playwright.sync_api import expect

from callbacks.models import Callback
from npshub.feedback.models import Response
from tests import factories as f
from tests.browser.helpers import sign_in


def test_slipped_promoter_gets_a_callback_with_the_journey(demo, live_server, page):
    contact = {"customer_phone": "+7 916 765-43-21", "customer_name": "Olga Petrova", "callback_consent": True,
               "data_consent": True, "team": "store-moscow-tverskaya"}
    f.ingest([10], days_ago=6, comment="Wonderful help choosing a kettle", **contact)
    f.ingest([5], days_ago=1, comment="The kettle broke and nobody answered", **contact)
    second = Response.objects.get(comment="The kettle broke and nobody answered")
    callback = Callback.objects.get(response=second)
    assert "slipped promoter" in callback.tag_list

    sign_in(page, live_server.url, "cxadmin", next_path=f"/callbacks/{callback.pk}/")
    journey = page.locator("[data-testid=journey]")
    expect(journey).to_contain_text("Wonderful help choosing a kettle")
    expect(journey).to_contain_text("The kettle broke and nobody answered")
    expect(journey.locator("li")).to_have_count(2)
    expect(page.locator("body")).not_to_contain_text("765-43-21")  # no contact before a claim
