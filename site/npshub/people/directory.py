"""The company directory's view of an employee, applied the same way by every way in: single
sign-on claims (npshub.people.sso), SCIM provisioning (npshub.people.scim) and the CSV import.

- ``find_or_create(model, name)``: a department/team/store by slug or name.
- ``apply_profile(user, values)``: names, e-mail, department, team, job title, language.
- ``sync_roles(user, keys)``: roles from directory groups/app roles through
  DIRECTORY_ROLE_MAPPING; roles the mapping manages and the keys no longer give are removed.
- ``deactivate(user, via)``: a leaver; the account stays, ``events.employee_deactivated`` tells
  the plugins to let go of what the employee held.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.text import slugify

from npshub import events
from npshub.people import roles
from npshub.people.models import Department, Profile, Team

LANGUAGES = {code for code, _ in Profile.LANGUAGES}


class Unknown(ValueError):
    """A department, team or store the directory names that does not exist (and may not be created)."""


def find_or_create(model, value, create=False, **create_kwargs):
    """The row of ``model`` whose slug or name is ``value``; created when ``create`` is true."""
    value = (value or "").strip()
    if not value:
        return None
    slug = slugify(value)[:50]
    found = model.objects.filter(slug=slug).first() or model.objects.filter(name__iexact=value).first()
    if found or not create:
        if found is None:
            raise Unknown(f"unknown {model._meta.verbose_name} {value!r}")
        return found
    if not slug:
        raise Unknown(f"{model._meta.verbose_name} {value!r} has no usable slug")
    return model.objects.create(name=value[:150], slug=slug, **create_kwargs)


def language_of(value):
    """'ru', 'ru-RU', 'ru_RU' -> 'ru'; None for languages the hub does not speak."""
    code = str(value or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def apply_profile(user, values, create_missing=True):
    """Set what ``values`` carries (keys absent or None are left alone): first_name, last_name,
    email, department, team, job_title, language. Saves the user and the profile."""
    for field in ("first_name", "last_name", "email"):
        if values.get(field) is not None:
            setattr(user, field, str(values[field])[:150 if field != "email" else 254])
    user.save()
    profile = Profile.objects.get_or_create(user=user)[0]
    department = profile.department
    if values.get("department") is not None:
        department = find_or_create(Department, values["department"], create_missing)
        profile.department = department
    if values.get("team") is not None:
        name = values["team"]
        team = Team.objects.filter(slug=slugify(name)[:50]).first() if name else None
        if name and team is None:
            if not (create_missing and department):
                raise Unknown(f"unknown team {name!r}")
            team = Team.objects.create(name=name[:150], slug=slugify(name)[:50], department=department)
        profile.team = team
        if team and profile.department is None:
            profile.department = team.department
    if values.get("job_title") is not None:
        profile.job_title = str(values["job_title"])[:150]
    if values.get("language") is not None and language_of(values["language"]):
        profile.language = language_of(values["language"])
    profile.save()
    return profile


def role_mapping():
    """DIRECTORY_ROLE_MAPPING as {key: {roles}}; a value may be one role or a list of them."""
    mapping = {}
    for key, value in (settings.DIRECTORY_ROLE_MAPPING or {}).items():
        names = [value] if isinstance(value, str) else list(value or [])
        unknown = [name for name in names if name not in roles.ALL]
        if unknown:
            raise ImproperlyConfigured(
                f"DIRECTORY_ROLE_MAPPING[{key!r}] names unknown role(s) {', '.join(map(str, unknown))}; "
                f"roles are {', '.join(roles.ALL)}."
            )
        mapping[str(key)] = set(names)
    return mapping


def sync_roles(user, keys):
    """Give ``user`` the roles their directory groups/app roles (``keys``) map to, plus
    DIRECTORY_DEFAULT_ROLES, and take away the mapped roles they no longer hold. Roles the
    mapping never names (granted here by hand) are left alone. No mapping: only the defaults."""
    mapping = role_mapping()
    wanted = set(settings.DIRECTORY_DEFAULT_ROLES)
    for key in keys or ():
        wanted |= mapping.get(str(key), set())
    managed = set().union(*mapping.values()) - set(settings.DIRECTORY_DEFAULT_ROLES) if mapping else set()
    held = roles.user_roles(user) if not user.is_superuser else set(
        user.groups.filter(name__in=roles.ALL).values_list("name", flat=True))
    if wanted - held:
        roles.grant(user, *sorted(wanted - held))
    if (managed - wanted) & held:
        roles.revoke(user, *sorted((managed - wanted) & held))
    user.__dict__.pop("_npshub_roles", None)
    return wanted


def deactivate(user, via):
    """A leaver: the account is switched off, never deleted; plugins are told once it commits.
    Returns False when the account was already inactive."""
    if not user.is_active:
        return False
    user.is_active = False
    user.save(update_fields=["is_active"])
    event_id = f"people.deactivated.{user.pk}.{uuid.uuid4().hex}"
    transaction.on_commit(lambda: events.publish(
        events.employee_deactivated, sender=type(user), user=user, via=via, event_id=event_id))
    return True


def reactivate(user):
    if user.is_active:
        return False
    user.is_active = True
    user.save(update_fields=["is_active"])
    return True
