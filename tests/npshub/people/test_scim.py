"""SCIM 2.0 provisioning: joiners, movers, leavers and groups, as a directory's client sends them."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from npshub.people import roles
from npshub.people.models import DirectoryGroup, ProvisioningToken
from tests import factories as f

pytestmark = pytest.mark.django_db
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.fixture
def scim():
    """A client with a token made by the management command, as an administrator would."""
    out = io.StringIO()
    call_command("create_scim_token", "entra-id", stdout=out, stderr=io.StringIO())
    return ScimClient(out.getvalue().strip())


class ScimClient:
    def __init__(self, token):
        self.client, self.token = Client(), token

    def call(self, method, path, body=None, token=None):
        token = self.token if token is None else token
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = json.dumps(body) if body is not None else None
        response = getattr(self.client, method)(
            f"/scim/v2/{path}", data=data, content_type="application/scim+json", **headers)
        return response, (json.loads(response.content) if response.content else None)

    def __getattr__(self, method):
        return lambda path, body=None, **kw: self.call(method, path, body, **kw)


def joiner(username="ann.lee@corp.example", **extra):
    return {
        "schemas": [USER, ENTERPRISE], "userName": username, "externalId": "aad-0001",
        "name": {"givenName": "Ann", "familyName": "Lee"},
        "emails": [{"value": username, "type": "work", "primary": True}],
        "title": "Store clerk", "preferredLanguage": "ru-RU", "active": True,
        ENTERPRISE: {"department": "Retail", "division": "Store 9"}, **extra,
    }


def test_token_is_required_and_stored_only_as_a_hash(scim):
    response, body = scim.get("Users", token="")
    assert response.status_code == 401 and body["status"] == "401"
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert scim.get("Users", token="not-the-token")[0].status_code == 401
    stored = ProvisioningToken.objects.get(name="entra-id")
    assert scim.token not in (stored.key_hash, stored.prefix) and stored.key_hash == ProvisioningToken.hash(scim.token)
    assert scim.get("Users")[0].status_code == 200
    call_command("create_scim_token", "entra-id", revoke=True, stdout=io.StringIO())
    assert scim.get("Users")[0].status_code == 401


def test_joiner_is_created_with_profile_from_the_enterprise_extension(scim):
    response, body = scim.post("Users", joiner())
    assert response.status_code == 201, body
    ann = get_user_model().objects.get(username="ann.lee@corp.example")
    assert (ann.first_name, ann.last_name, ann.email, ann.is_active) == ("Ann", "Lee", "ann.lee@corp.example", True)
    assert not ann.has_usable_password()
    profile = ann.profile
    assert (profile.job_title, profile.language, profile.department.name, profile.team.name) == (
        "Store clerk", "ru", "Retail", "Store 9")
    assert profile.team.department == profile.department
    assert roles.user_roles(ann) == {"employee"}
    assert body["id"] == profile.scim_id and body["externalId"] == "aad-0001"
    assert body[ENTERPRISE] == {"department": "Retail", "division": "Store 9"}
    assert response["Location"].endswith(f"/scim/v2/Users/{profile.scim_id}")
    # The directory finds the user again the way Entra ID does before every update.
    response, found = scim.get('Users?filter=userName eq "ann.lee@corp.example"')
    assert response.status_code == 200 and found["totalResults"] == 1 and found["Resources"][0]["id"] == body["id"]
    assert scim.get('Users?filter=externalId eq "aad-0001"')[1]["totalResults"] == 1
    assert scim.get('Users?filter=userName eq "nobody@corp.example"')[1]["totalResults"] == 0


def test_a_known_employee_is_taken_over_not_duplicated(scim):
    org = f.org()
    imported = f.user("caller", team=org.retail_team, username="alee", email="Ann.Lee@corp.example")
    response, body = scim.post("Users", joiner())
    assert response.status_code == 201
    assert get_user_model().objects.filter(email__iexact="ann.lee@corp.example").count() == 1
    imported.refresh_from_db()
    assert imported.username == "ann.lee@corp.example" and body["id"] == imported.profile.scim_id
    assert roles.user_roles(imported) >= {"caller"}  # roles granted here are not taken by a joiner record


def test_mover_is_updated_by_patch_as_entra_id_sends_it(scim):
    _, body = scim.post("Users", joiner())
    response, moved = scim.patch(f"Users/{body['id']}", {"schemas": [PATCH], "Operations": [
        {"op": "Replace", "path": "title", "value": "Team lead"},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "E-commerce"},
        {"op": "Add", "path": f"{ENTERPRISE}:division", "value": "Web shop"},
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ann.lee@shop.example"},
        {"op": "Replace", "path": "name.familyName", "value": "Lee-Smith"},
        {"op": "Add", "path": "phoneNumbers[type eq \"work\"].value", "value": "+7 495 000-00-00"},
    ]})
    assert response.status_code == 200, moved
    ann = get_user_model().objects.get(pk=get_user_model().objects.get(profile__scim_id=body["id"]).pk)
    assert (ann.profile.job_title, ann.profile.department.name, ann.profile.team.name) == (
        "Team lead", "E-commerce", "Web shop")
    assert (ann.email, ann.last_name) == ("ann.lee@shop.example", "Lee-Smith")
    assert moved["title"] == "Team lead" and moved[ENTERPRISE]["department"] == "E-commerce"
    # A PUT of the whole resource moves too.
    response, _ = scim.put(f"Users/{body['id']}", joiner(title="Store manager"))
    ann.refresh_from_db()
    assert response.status_code == 200 and ann.profile.job_title == "Store manager"


def test_bad_input_is_a_400_with_the_reason_and_changes_nothing(scim):
    response, body = scim.post("Users", {**joiner(), "emails": [{"value": "not-an-address"}]})
    assert response.status_code == 400 and "not-an-address" in body["detail"]
    response, body = scim.post("Users", {**joiner(), "active": "maybe"})
    assert response.status_code == 400 and "active" in body["detail"]
    response, body = scim.post("Users", {"schemas": [USER]})
    assert response.status_code == 400 and "userName" in body["detail"]
    assert not get_user_model().objects.exists()
    _, created = scim.post("Users", joiner())
    response, body = scim.patch(f"Users/{created['id']}", {"Operations": [{"op": "explode", "path": "title"}]})
    assert response.status_code == 400 and "explode" in body["detail"]
    assert scim.get("Users/no-such-id")[0].status_code == 404


def test_leaver_is_deactivated_never_deleted_and_keeps_their_records(scim, django_capture_on_commit_callbacks):
    from callbacks.models import AuditLog, Callback

    org = f.org()
    _, body = scim.post("Users", joiner())
    ann = get_user_model().objects.get(profile__scim_id=body["id"])
    roles.grant(ann, roles.CALLER)
    callback = Callback.objects.create(
        response=f.response(score=2, contact=True, team=org.retail_team.slug), status=Callback.Status.CLAIMED,
        claimed_by=ann)
    AuditLog.objects.create(user=ann, actor=ann.username, action="claim", object_type="callback",
                            object_id=str(callback.pk))
    with django_capture_on_commit_callbacks(execute=True):
        response, left = scim.patch(f"Users/{body['id']}", {"schemas": [PATCH], "Operations": [
            {"op": "Replace", "path": "active", "value": "False"}]})
    assert response.status_code == 200 and left["active"] is False
    ann.refresh_from_db()
    callback.refresh_from_db()
    assert ann.is_active is False
    assert (callback.status, callback.claimed_by) == (Callback.Status.OPEN, None)
    released = AuditLog.objects.get(action="claim_released", object_id=str(callback.pk))
    assert released.detail["holder"] == ann.username and "scim" in released.detail["reason"]
    assert AuditLog.objects.filter(user=ann, action="claim").exists()
    # DELETE is a leaver too: the account stays.
    bob = scim.post("Users", joiner("bob@corp.example", externalId="aad-2"))[1]
    assert scim.delete(f"Users/{bob['id']}")[0].status_code == 204
    assert get_user_model().objects.get(profile__scim_id=bob["id"]).is_active is False
    # A returning employee is reactivated by the directory.
    scim.patch(f"Users/{body['id']}", {"Operations": [{"op": "replace", "value": {"active": True}}]})
    ann.refresh_from_db()
    assert ann.is_active


def test_groups_give_roles_through_the_mapping_and_take_them_back(scim, settings):
    settings.DIRECTORY_ROLE_MAPPING = {"NPS Callers": "caller", "grp-cx-admins": ["cx_admin", "editor"]}
    ann = scim.post("Users", joiner())[1]
    bob = scim.post("Users", joiner("bob@corp.example", externalId="aad-2"))[1]
    response, callers = scim.post("Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                             "displayName": "NPS Callers", "members": [{"value": ann["id"]}]})
    assert response.status_code == 201, callers
    User = get_user_model()
    assert roles.user_roles(User.objects.get(profile__scim_id=ann["id"])) == {"employee", "caller"}
    response, admins = scim.post("Groups", {"displayName": "CX admins", "externalId": "grp-cx-admins"})
    scim.patch(f"Groups/{admins['id']}", {"Operations": [
        {"op": "Add", "path": "members", "value": [{"value": bob["id"]}]}]})
    assert roles.user_roles(User.objects.get(profile__scim_id=bob["id"])) == {"employee", "cx_admin", "editor"}
    # Removed from the group in the directory: the role goes.
    response, _ = scim.patch(f"Groups/{callers['id']}", {"Operations": [
        {"op": "remove", "path": f'members[value eq "{ann["id"]}"]'}]})
    assert response.status_code == 200
    assert roles.user_roles(User.objects.get(profile__scim_id=ann["id"])) == {"employee"}
    assert scim.delete(f"Groups/{admins['id']}")[0].status_code == 204
    assert roles.user_roles(User.objects.get(profile__scim_id=bob["id"])) == {"employee"}
    assert not DirectoryGroup.objects.filter(scim_id=admins["id"]).exists()
    listed = scim.get('Groups?filter=displayName eq "NPS Callers"')[1]
    assert listed["totalResults"] == 1 and listed["Resources"][0]["members"] == []
    bad = scim.patch(f"Groups/{callers['id']}", {"Operations": [
        {"op": "add", "path": "members", "value": [{"value": "nobody"}]}]})
    assert bad[0].status_code == 400


def test_user_list_costs_the_same_queries_for_many_users(scim, django_assert_max_num_queries):
    for n in range(12):
        scim.post("Users", joiner(f"user{n}@corp.example", externalId=f"x{n}"))
    with django_assert_max_num_queries(8):
        response, body = scim.get("Users?count=50")
    assert response.status_code == 200 and body["totalResults"] == 12
