"""SCIM resources <-> our data. A User is a Django user with its Profile (the SCIM ``id`` is
``Profile.scim_id``; department and team come from the enterprise extension's ``department``
and ``division``); a Group is a DirectoryGroup. Full resources (POST, PUT) and PATCH operations
are both turned into one set of changes and applied through npshub.people.directory, so SCIM,
SSO and the CSV import treat an employee alike. Leavers (``active: false`` or DELETE) are
deactivated, never deleted.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django_scim import constants, exceptions
from django_scim.adapters import SCIMGroup, SCIMUser

from npshub.people import directory
from npshub.people.models import DirectoryGroup, Profile

CORE_USER = constants.SchemaURI.USER
CORE_GROUP = constants.SchemaURI.GROUP
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
# Attribute paths (lower-case, URN prefix removed) -> our field.
USER_PATHS = {
    "username": "username", "name.givenname": "first_name", "name.familyname": "last_name",
    "active": "active", "externalid": "external_id", "title": "job_title",
    "preferredlanguage": "language", "locale": "language",
    f"{ENTERPRISE.lower()}:department": "department", f"{ENTERPRISE.lower()}:division": "team",
}
TEXT_REMOVABLE = {"first_name", "last_name", "job_title", "department", "team", "external_id"}


def _bool(value, name="active"):
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"  # Entra ID sends "False" as a string in PATCH
    raise exceptions.BadRequestError(f'"{name}" should be a boolean, not {value!r}')


def _email_from(value):
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        return value.strip()
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise exceptions.BadRequestError('"emails" should be a list of {"value": ...} objects')
    ordered = sorted(value, key=lambda item: not item.get("primary"))
    return str(ordered[0].get("value") or "").strip() if ordered else ""


def _normalise(path):
    path = str(path or "").strip()
    lowered = path.lower()
    for prefix in (CORE_USER.lower() + ":", CORE_GROUP.lower() + ":"):
        if lowered.startswith(prefix):
            return lowered[len(prefix):]
    return lowered


def user_changes(path, value, op="replace"):
    """{our field: value} for one attribute path (None: the whole resource or a no-path PATCH)."""
    if path is None or path == "":
        if not isinstance(value, dict):
            raise exceptions.BadRequestError("A PATCH operation without a path needs an object value.")
        changes = {}
        for key, item in value.items():
            changes.update(user_changes(key, item, op))
        return changes
    key = _normalise(path)
    if key == ENTERPRISE.lower() and isinstance(value, dict):
        return {field: item for sub, item in value.items()
                for field in [USER_PATHS.get(f"{key}:{sub.lower()}")] if field}
    if key == "name" and isinstance(value, dict):
        return user_changes(None, {f"name.{sub}": item for sub, item in value.items()}, op)
    if key == "emails" or key.startswith("emails["):
        return {"email": "" if op == "remove" else _email_from(value)}
    field = USER_PATHS.get(key)
    if field is None:
        return {}  # attributes we do not keep (phone numbers, addresses, ...) are accepted and ignored
    if op == "remove":
        return {field: ""} if field in TEXT_REMOVABLE else {}
    if field == "active":
        return {"active": _bool(value)}
    if isinstance(value, (dict, list)):
        raise exceptions.BadRequestError(f'"{path}" should be a single value')
    return {field: "" if value is None else str(value)}


def _resource_changes(d):
    changes = {}
    for key in ("userName", "name", "emails", "active", "externalId", "title", "preferredLanguage", "locale", ENTERPRISE):
        if key in d:
            changes.update(user_changes(key, d[key]))
    return changes


class EmployeeAdapter(SCIMUser):
    id_field = "profile__scim_id"

    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self.changes = {}

    @property
    def profile(self):
        try:
            return self.obj.profile
        except Profile.DoesNotExist:
            return Profile.objects.get_or_create(user=self.obj)[0]

    @property
    def id(self):
        return self.profile.scim_id

    @property
    def groups(self):
        return [{"value": group.scim_id, "display": group.display_name,
                 "$ref": DirectoryGroupAdapter(group, self.request).location}
                for group in self.obj.directory_groups.all()]

    @property
    def meta(self):
        return {"resourceType": self.resource_type, "created": self.obj.date_joined.isoformat(),
                "lastModified": (self.obj.last_login or self.obj.date_joined).isoformat(), "location": self.location}

    def to_dict(self):
        profile = self.profile
        return {
            "schemas": [CORE_USER, ENTERPRISE],
            "id": profile.scim_id,
            "externalId": profile.scim_external_id or None,
            "userName": self.obj.username,
            "name": {"givenName": self.obj.first_name, "familyName": self.obj.last_name,
                     "formatted": self.display_name},
            "displayName": self.display_name,
            "emails": [{"value": self.obj.email, "primary": True, "type": "work"}] if self.obj.email else [],
            "active": self.obj.is_active,
            "title": profile.job_title,
            "preferredLanguage": profile.language,
            ENTERPRISE: {"department": profile.department.name if profile.department_id else "",
                         "division": profile.team.name if profile.team_id else ""},
            "groups": self.groups,
            "meta": self.meta,
        }

    def validate_dict(self, d):
        if not str(d.get("userName") or "").strip():
            raise exceptions.BadRequestError('"userName" is required', scim_type="invalidValue")
        if "active" in d:
            _bool(d["active"])

    def from_dict(self, d):
        """A full resource (POST or PUT). A POST for someone we already know by e-mail (imported
        from CSV, or signed in before) takes over that account rather than failing."""
        self.changes = _resource_changes(d)
        if self.obj.pk is None and self.changes.get("email"):
            known = get_user_model().objects.filter(email__iexact=self.changes["email"]).first()
            if known is not None:
                self.obj = known
        self._stage()

    def _stage(self):
        changes = self.changes
        if "email" in changes:
            try:
                validate_email(changes["email"])
            except ValidationError:
                raise exceptions.BadRequestError(f'"emails": {changes["email"]!r} is not a valid e-mail address',
                                                 scim_type="invalidValue") from None
            self.obj.email = changes["email"].lower()
        if changes.get("username"):
            username = changes["username"][:150]
            taken = get_user_model().objects.filter(username=username).exclude(pk=self.obj.pk).exists()
            if taken:
                raise exceptions.IntegrityError(f'userName "{username}" belongs to another account')
            self.obj.username = username
        for field in ("first_name", "last_name"):
            if field in changes:
                setattr(self.obj, field, changes[field][:150])

    def save(self):
        changes, user = self.changes, self.obj
        created = user.pk is None
        with transaction.atomic():
            if created:
                user.is_active = changes.get("active", True)
                user.set_unusable_password()
            user.save()
            values = {field: changes[field] for field in ("department", "team", "job_title", "language")
                      if field in changes}
            try:
                profile = directory.apply_profile(user, values, create_missing=True)
            except directory.Unknown as exc:
                raise exceptions.BadRequestError(str(exc), scim_type="invalidValue") from None
            if "external_id" in changes:
                Profile.objects.filter(pk=profile.pk).update(scim_external_id=changes["external_id"][:255])
            if created:
                sync_roles(user)
            elif changes.get("active") is False:
                directory.deactivate(user, via="scim")
            elif changes.get("active") is True:
                directory.reactivate(user)
        user._state.fields_cache.pop("profile", None)  # to_dict() reads what was just written

    def delete(self):
        """DELETE /Users/<id>: a leaver. Deactivated, never deleted: points, articles and audit
        entries keep their owner."""
        with transaction.atomic():
            directory.deactivate(self.obj, via="scim")

    def handle_operations(self, operations):
        self.changes = {}
        for operation in operations:
            op = str(operation.get("op", "")).lower()
            if op not in ("add", "replace", "remove"):
                raise exceptions.BadRequestError(f'Unknown PATCH op "{operation.get("op")}"', scim_type="invalidSyntax")
            if op == "remove" and not operation.get("path"):
                raise exceptions.BadRequestError('"path" is required for "remove"', scim_type="noTarget")
            self.changes.update(user_changes(operation.get("path"), operation.get("value"), op))
        self._stage()
        self.save()


def sync_roles(user):
    """Roles from the directory groups the user is a member of (names, external ids)."""
    keys = []
    for group in user.directory_groups.all():
        keys += [group.display_name, group.external_id]
    directory.sync_roles(user, [key for key in keys if key])


class DirectoryGroupAdapter(SCIMGroup):
    def __init__(self, obj, request=None):
        super().__init__(obj, request)
        self.new_members = None

    @property
    def display_name(self):
        return self.obj.display_name

    @property
    def members(self):
        if self.obj.pk is None:
            return []
        return [{"value": user.profile.scim_id, "display": user.get_full_name() or user.username}
                for user in self.obj.members.all()]

    def to_dict(self):
        return {"schemas": [CORE_GROUP], "id": self.obj.scim_id, "externalId": self.obj.external_id or None,
                "displayName": self.obj.display_name, "members": self.members,
                "meta": {"resourceType": self.resource_type, "created": self.obj.created_at.isoformat() if self.obj.pk
                         else None, "lastModified": self.obj.updated_at.isoformat() if self.obj.pk else None,
                         "location": self.location}}

    def validate_dict(self, d):
        if not str(d.get("displayName") or "").strip():
            raise exceptions.BadRequestError('"displayName" is required', scim_type="invalidValue")

    def from_dict(self, d):
        self.obj.display_name = str(d["displayName"]).strip()[:255]
        if "externalId" in d:
            self.obj.external_id = str(d.get("externalId") or "")[:255]
        if "members" in d:
            self.new_members = self._users(d.get("members") or [])

    @staticmethod
    def _users(members):
        if not isinstance(members, list) or not all(isinstance(item, dict) for item in members):
            raise exceptions.BadRequestError('"members" should be a list of {"value": <user id>} objects')
        ids = {str(item.get("value")) for item in members}
        users = list(get_user_model().objects.filter(profile__scim_id__in=ids))
        if len(users) != len(ids):
            raise exceptions.BadRequestError("A member is not a known user.", scim_type="invalidValue")
        return users

    def save(self):
        with transaction.atomic():
            before = set(self.obj.members.all()) if self.obj.pk else set()
            self.obj.save()
            if self.new_members is not None:
                self.obj.members.set(self.new_members)
                for user in before | set(self.new_members):
                    sync_roles(user)

    def delete(self):
        with transaction.atomic():
            members = list(self.obj.members.all())
            self.obj.delete()
            for user in members:
                sync_roles(user)

    def handle_operations(self, operations):
        members = set(self.obj.members.all())
        for operation in operations:
            op = str(operation.get("op", "")).lower()
            path, value = _normalise(operation.get("path")), operation.get("value")
            if not path and isinstance(value, dict):  # {"op": "replace", "value": {"displayName": ...}}
                if "displayName" in value:
                    self.obj.display_name = str(value["displayName"])[:255]
                if "externalId" in value:
                    self.obj.external_id = str(value["externalId"] or "")[:255]
                if "members" in value:
                    members = set(self._users(value["members"] or []))
            elif path == "displayname":
                self.obj.display_name = str(value)[:255]
            elif path == "externalid":
                self.obj.external_id = "" if op == "remove" else str(value or "")[:255]
            elif path == "members" and op in ("add", "replace"):
                users = set(self._users(value or []))
                members = users if op == "replace" else members | users
            elif path == "members" and op == "remove":
                members = members - set(self._users(value)) if value else set()
            elif path.startswith("members[") and op == "remove":
                wanted = path.split('"')[1] if '"' in path else ""
                members = {user for user in members if user.profile.scim_id != wanted}
            else:
                raise exceptions.BadRequestError(f'Cannot {op} "{operation.get("path")}" of a group',
                                                 scim_type="invalidPath")
        self.new_members = list(members)
        self.save()


def queryset_post_processor_getter(model):
    """Lists without a query per row: profiles, departments, teams and groups come along."""
    def process(request, queryset):
        if model is get_user_model():
            return queryset.select_related("profile__department", "profile__team").prefetch_related("directory_groups")
        if model is DirectoryGroup:
            return queryset.prefetch_related("members__profile")
        return queryset
    return process
