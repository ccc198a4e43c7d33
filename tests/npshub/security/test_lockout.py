"""Brute force: django-axes locks a username, or an address, out of both sign-in pages after
AXES_FAILURE_LIMIT failures (3 here), says so clearly, lifts the lock after the cool-off, and
CX admins unlock earlier in Admin → Sign-in lockouts."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from npshub.people.roles import ensure_groups
from tests import factories as f

pytestmark = pytest.mark.django_db

PAGES = ["/accounts/login/", "/admin/login/"]


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)


def sign_in(page, username, password, address="10.0.0.1", **headers):
    return Client().post(page, {"username": username, "password": password}, REMOTE_ADDR=address, **headers)


def signed_in(response):
    return response.status_code == 302 and "_auth_user_id" in response.client.session


def assert_locked_out(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "1800"
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html and "blocked for 30 minutes" in html and "CX admin" in html
    assert "_auth_user_id" not in response.client.session


@pytest.mark.parametrize("page", PAGES)
def test_repeated_wrong_passwords_lock_the_user_out_even_with_the_right_one(page):
    person = f.user("editor")  # editors may use both pages
    for _ in range(2):
        assert sign_in(page, person.username, "wrong").status_code == 200
    assert_locked_out(sign_in(page, person.username, "wrong"))
    assert_locked_out(sign_in(page, person.username, f.PASSWORD))
    # The lock holds on the other sign-in page and from another address: it is the user's.
    other_page = PAGES[1 - PAGES.index(page)]
    assert_locked_out(sign_in(other_page, person.username, f.PASSWORD, address="10.9.9.9"))


def test_failures_from_one_address_lock_that_address_out():
    for name in ("anna", "boris", "clara"):
        sign_in("/accounts/login/", name, "guess", address="10.0.0.66")
    person = f.user("employee")
    assert_locked_out(sign_in("/accounts/login/", person.username, f.PASSWORD, address="10.0.0.66"))
    assert signed_in(sign_in("/accounts/login/", person.username, f.PASSWORD, address="10.0.0.7"))


def test_the_lock_lifts_after_the_cool_off_and_a_success_clears_the_count():
    person = f.user("employee")
    for _ in range(3):
        sign_in("/accounts/login/", person.username, "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert signed_in(sign_in("/accounts/login/", person.username, f.PASSWORD))
    assert not AccessAttempt.objects.filter(username=person.username).exists()


def test_scripts_get_json():
    person = f.user("employee")
    for _ in range(3):
        response = sign_in("/accounts/login/", person.username, "wrong", HTTP_ACCEPT="application/json")
    assert response.status_code == 429 and response.json()["detail"].startswith("Too many failed sign-in attempts")


def test_a_cx_admin_sees_and_lifts_lockouts():
    ensure_groups()
    person = f.user("employee")
    for _ in range(3):
        sign_in("/accounts/login/", person.username, "wrong", address="10.0.0.5")
    admin = Client()
    admin.force_login(f.user("cx_admin"))
    assert "Sign-in lockouts" in admin.get("/admin/").content.decode()  # in the Settings menu
    page = admin.get("/admin/sign-in-lockouts/").content.decode()
    assert f'data-lockout="username:{person.username}"' in page and 'data-lockout="address:10.0.0.5"' in page
    assert "3 / 3" in page and "locked out" in page

    done = admin.post("/admin/sign-in-lockouts/unlock/", {"kind": "username", "value": person.username})
    assert done.status_code == 302 and done["Location"] == "/admin/sign-in-lockouts/"
    assert signed_in(sign_in("/accounts/login/", person.username, f.PASSWORD, address="10.0.0.6"))
    admin.post("/admin/sign-in-lockouts/unlock/", {"kind": "address", "value": "10.0.0.5"})
    assert not AccessAttempt.objects.exists()
    assert "No failed sign-ins count at the moment." in admin.get("/admin/sign-in-lockouts/").content.decode()


def test_only_cx_admins_may_unlock():
    ensure_groups()
    person = f.user("employee")
    for _ in range(3):
        sign_in("/accounts/login/", person.username, "wrong")
    editor = Client()
    editor.force_login(f.user("editor"))
    assert "Sign-in lockouts" not in editor.get("/admin/").content.decode()
    for response in (editor.get("/admin/sign-in-lockouts/"),
                     editor.post("/admin/sign-in-lockouts/unlock/", {"kind": "username", "value": person.username})):
        assert response.status_code == 302 and response["Location"] == "/admin/"  # Wagtail's "permission denied"
    assert_locked_out(sign_in("/accounts/login/", person.username, f.PASSWORD, address="10.0.0.8"))
