"""Hostile customer text shows as text and never runs: posted through the API, read in the admin
by a CX admin (whose view of the customer's contact is logged); other roles never see contacts."""

import json
import os

from playwright.sync_api import expect
from wagtail.models import ModelLogEntry

from npshub.feedback.models import Response, Source
from npshub.people import roles
from tests.browser.helpers import sign_in

# Entities decode once on ingestion: what the source escaped becomes visible text, never markup.
HOSTILE = ('&lt;script&gt;window.__xss = 1&lt;/script&gt;&lt;img src=x onerror="window.__xss = 2"&gt;'
           '<script>window.__xss = 3</script><img src=y onerror="window.__xss = 4">Call +7 916 123-45-67')


def test_hostile_comment_is_text_in_the_admin(live_server, page, django_user_model, tmp_path):
    roles.ensure_groups()
    admin = django_user_model.objects.create_user("cx", password="pw-12345")
    roles.grant(admin, roles.EMPLOYEE, roles.CX_ADMIN)
    editor = django_user_model.objects.create_user("ed", password="pw-12345")
    roles.grant(editor, roles.EMPLOYEE, roles.EDITOR)
    Source.objects.create(name="Shop", slug="shop")

    page.goto(f"{live_server.url}/admin/login/")
    sign_in(page, live_server.url, "cx", password="pw-12345", next_path="/admin/")
    token_source = Source.objects.get(slug="shop")
    result = page.request.post(
        f"{live_server.url}/api/v1/responses/",
        data=json.dumps({"external_id": "x-1", "submitted_at": "2026-03-01T10:00:00", "score": 1, "comment": HOSTILE,
                         "customer_name": "Vera Hidden", "customer_phone": "+7 900 123-00-00",
                         "callback_consent": True, "data_consent": True}),
        headers={"Content-Type": "application/json", "Authorization": f"Source {token_source.ingest_token}"},
    )
    assert result.status == 201 and result.json()["created"] == 1
    response = Response.objects.get(external_id="x-1")
    assert response.comment.startswith("<script>window.__xss = 1</script>")  # text as the customer wrote it
    assert "__xss = 3" not in response.comment and "onerror=\"window.__xss = 4" not in response.comment

    page.goto(f"{live_server.url}/admin/feedback/response/inspect/{response.pk}/")
    body = page.locator("main")
    expect(body).to_contain_text('<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">')
    expect(body).to_contain_text("Call [phone]")  # masked for employees, the admin included
    assert page.evaluate("window.__xss") is None
    assert page.locator("main img[src='x']").count() == 0
    # A CX admin sees the contact, and that view is recorded.
    expect(page.locator("#customer-contact-heading")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vera Hidden")
    assert ModelLogEntry.objects.filter(action="feedback.view_contact", user=admin).count() == 1
    os.makedirs("/tmp/ingest-shots", exist_ok=True)
    page.screenshot(path="/tmp/ingest-shots/admin-inspect.png", full_page=True)

    page.goto(f"{live_server.url}/admin/feedback/response/")
    expect(page.locator("table.listing")).to_contain_text("<script>window.__xss = 1</script>")
    assert page.evaluate("window.__xss") is None
    page.screenshot(path="/tmp/ingest-shots/admin-list.png", full_page=True)

    # An editor reaches the admin but not the responses, let alone the contacts.
    page.context.clear_cookies()
    sign_in(page, live_server.url, "ed", password="pw-12345", next_path="/admin/")
    page.goto(f"{live_server.url}/admin/feedback/response/inspect/{response.pk}/")
    assert "Vera Hidden" not in page.content()
    page.goto(f"{live_server.url}/admin/snippets/feedback/topic/")
    expect(page.locator("main")).to_contain_text("Topics")
