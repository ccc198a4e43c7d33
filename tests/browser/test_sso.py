"""Signing in with the company account, in Chromium, against a real OpenID Connect provider
process; the employee's group changes in the directory between two sign-ins."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from npshub.people import roles
from tests.browser.helpers import shots
from tests.intranet.op import start_provider

ANN = {"password": "ann-directory-pw", "email": "ann.lee@corp.example", "given_name": "Ann", "family_name": "Lee",
       "groups": ["nps-callers"], "department": "Retail", "job_title": "Store clerk", "locale": "en-GB"}


@pytest.fixture
def company_sign_in(demo, live_server, settings, tmp_path):
    op = start_provider(tmp_path, f"{live_server.url}/accounts/oidc/callback/", users={"ann": dict(ANN)})
    op.configure(settings, DIRECTORY_ROLE_MAPPING={"nps-callers": "caller", "nps-admins": "cx_admin"},
                 LOCAL_LOGIN=False, LOCAL_LOGIN_USERS=["admin"])
    yield op
    op.stop()


def test_employee_signs_in_with_the_company_account_and_roles_follow_the_directory(
        company_sign_in, live_server, page, phone_page, tmp_path):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator(".login-or")).to_have_text("Passwords are for break-glass accounts only.")
    page.screenshot(path=str(shots(tmp_path) / "login-sso-laptop.png"), full_page=True)
    page.click("text=Sign in with your company account")
    # The provider's own sign-in page.
    page.fill("#op-username", "ann")
    page.fill("#op-password", ANN["password"])
    page.click("#op-submit")
    expect(page.locator("button.link-button")).to_be_visible()  # "Sign out": we are in
    expect(page).to_have_url(f"{live_server.url}/")
    ann = get_user_model().objects.get(email="ann.lee@corp.example")
    assert roles.user_roles(ann) == {"employee", "caller"}
    assert ann.profile.department.name == "Retail"
    expect(page.locator("nav.site-nav")).to_contain_text("Callbacks")

    # The directory moves Ann from the callers to the CX admins; she signs out and in again.
    company_sign_in.update_user("ann", groups=["nps-admins"], job_title="CX lead")
    page.click("button.link-button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.click("text=Sign in with your company account")  # the provider remembers her: no password
    expect(page.locator("button.link-button")).to_be_visible()
    ann = get_user_model().objects.get(pk=ann.pk)
    assert roles.user_roles(ann) == {"employee", "cx_admin"}
    assert ann.profile.job_title == "CX lead"
    page.goto(f"{live_server.url}/admin/")
    expect(page.locator("body")).to_contain_text("Feedback")  # the CX admin's menu

    phone_page.goto(f"{live_server.url}/accounts/login/")
    expect(phone_page.locator(".button--sso")).to_be_visible()
    phone_page.screenshot(path=str(shots(tmp_path) / "login-sso-phone.png"), full_page=True)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
