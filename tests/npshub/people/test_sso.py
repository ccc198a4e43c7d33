"""Single sign-on against a real OpenID Connect provider process (tests/intranet/oidc_provider):
the hub is driven with Django's test client, the provider's side of the browser with requests."""

from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client

from npshub.people import roles
from tests import factories as f
from tests.intranet.op import CLIENT_ID, start_provider

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/accounts/oidc/callback/"
ANN = {"password": "ann-directory-pw", "email": "ann.lee@corp.example", "given_name": "Ann", "family_name": "Lee",
       "groups": ["nps-callers", "all-staff"], "department": "Retail", "job_title": "Store clerk", "locale": "ru-RU"}


@pytest.fixture
def provider(tmp_path, settings):
    op = start_provider(tmp_path, CALLBACK, users={"ann": dict(ANN)})
    op.configure(settings, DIRECTORY_ROLE_MAPPING={"nps-callers": "caller", "nps-admins": ["cx_admin"]})
    yield op
    op.stop()


def sign_in(username="ann", password=ANN["password"], next_path="/stats/"):
    """The whole authorization code flow; returns (hub client, the hub's last response)."""
    hub = Client()
    start = hub.get(f"/accounts/oidc/authenticate/?next={next_path}")
    assert start.status_code == 302, start
    browser = requests.Session()
    answer = browser.get(start["Location"], allow_redirects=False)
    if answer.status_code == 302 and "/accounts/login/" in answer.headers["Location"]:
        login_url = urljoin(start["Location"], answer.headers["Location"])
        browser.get(login_url)
        answer = browser.post(login_url, allow_redirects=False, headers={"Referer": login_url}, data={
            "username": username, "password": password, "csrfmiddlewaretoken": browser.cookies["op_csrftoken"],
            "next": parse_qs(urlsplit(login_url).query)["next"][0]})
        assert answer.status_code == 302, answer.text[:500]
        answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False)
    callback = urlsplit(answer.headers["Location"])
    assert callback.path == "/accounts/oidc/callback/", answer.headers["Location"]
    return hub, hub.get(f"{callback.path}?{callback.query}")


def test_first_sign_in_creates_the_employee_from_the_claims(provider):
    hub, response = sign_in()
    assert response.status_code == 302 and response["Location"] == "/stats/"
    ann = get_user_model().objects.get(email="ann.lee@corp.example")
    assert (ann.username, ann.first_name, ann.last_name) == ("ann", "Ann", "Lee")
    assert not ann.has_usable_password()
    assert (ann.profile.department.name, ann.profile.job_title, ann.profile.language) == ("Retail", "Store clerk", "ru")
    assert ann.profile.sso_subject.startswith(provider.issuer + "|")
    assert roles.user_roles(ann) == {"employee", "caller"}
    assert hub.get("/api/v1/nps/summary/").status_code == 200  # signed in


def test_roles_and_profile_follow_the_directory_on_every_sign_in(provider):
    sign_in()
    ann = get_user_model().objects.get(email="ann.lee@corp.example")
    roles.grant(ann, roles.EDITOR)  # granted here, not by the directory: left alone
    provider.update_user("ann", groups=["nps-admins"], department="CX", job_title="CX lead",
                         family_name="Lee-Smith")
    sign_in()
    ann = get_user_model().objects.get(pk=ann.pk)
    assert roles.user_roles(ann) == {"employee", "cx_admin", "editor"}
    assert (ann.last_name, ann.profile.department.name, ann.profile.job_title) == ("Lee-Smith", "CX", "CX lead")
    provider.update_user("ann", groups=[])
    sign_in()
    assert roles.user_roles(get_user_model().objects.get(pk=ann.pk)) == {"employee", "editor"}
    assert get_user_model().objects.filter(email__iexact="ann.lee@corp.example").count() == 1


def test_an_imported_employee_is_matched_by_email(provider):
    org = f.org()
    imported = f.user("employee", team=org.retail_team, username="alee", email="Ann.Lee@corp.example")
    sign_in()
    assert get_user_model().objects.filter(email__iexact="ann.lee@corp.example").count() == 1
    imported.refresh_from_db()
    assert imported.username == "alee" and roles.user_roles(imported) == {"employee", "caller"}


def test_a_deactivated_employee_cannot_sign_in(provider):
    sign_in()
    get_user_model().objects.filter(email="ann.lee@corp.example").update(is_active=False)
    hub, response = sign_in()
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = hub.get("/accounts/login/")
    assert "did not work" in page.content.decode()
    assert hub.get("/api/v1/nps/summary/").status_code == 401


def test_an_unreachable_provider_is_a_message_not_an_error(settings):
    from tests.conftest import free_port

    settings.SSO_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_DISCOVERY_URL = f"http://127.0.0.1:{free_port()}/.well-known/openid-configuration"
    hub = Client()
    response = hub.get("/accounts/oidc/authenticate/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "not available right now" in hub.get("/accounts/login/").content.decode()


def test_sso_is_off_unless_configured():
    hub = Client()
    assert hub.get("/accounts/oidc/authenticate/").status_code == 404
    assert "company account" not in hub.get("/accounts/login/").content.decode()


def _signs_in(username):
    """Sign in through the real form (axes, like production, authenticates with the request)."""
    hub = Client()
    hub.post("/accounts/login/", {"username": username, "password": f.PASSWORD})
    return "_auth_user_id" in hub.session


def test_local_passwords_only_for_break_glass_accounts_when_switched_off(settings):
    ann = f.user("employee")
    rescue = f.superuser("rescue")
    assert _signs_in(ann.username)
    settings.LOCAL_LOGIN, settings.LOCAL_LOGIN_USERS = False, ["rescue"]
    assert not _signs_in(ann.username)
    refused = Client().post("/accounts/login/", {"username": ann.username, "password": f.PASSWORD})
    assert refused.status_code == 200
    assert _signs_in(rescue.username)
