"""Employee import from CSV: idempotent on e-mail, bad rows reported by line and reason."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from npshub.csvrows import Report, read_rows
from npshub.people import roles
from npshub.people.models import Department, Profile, Store, Team

COLUMNS = ("email", "first_name", "last_name", "username", "department", "team", "store",
           "job_title", "language", "roles")
LANGUAGES = {code for code, _ in Profile.LANGUAGES}


class RowRejected(Exception):
    pass


def _lookup(model, value, create_missing, **create_kwargs):
    if not value:
        return None
    found = model.objects.filter(slug=slugify(value)).first() or model.objects.filter(name__iexact=value).first()
    if found:
        return found
    if not create_missing:
        raise RowRejected(f"unknown {model._meta.verbose_name} {value!r}")
    return model.objects.create(name=value, slug=slugify(value), **create_kwargs)


def _parse_roles(value):
    names = [name.strip().lower() for name in value.replace(";", ",").split(",") if name.strip()]
    unknown = [name for name in names if name not in roles.ALL]
    if unknown:
        raise RowRejected(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(roles.ALL)}")
    return names or [roles.EMPLOYEE]


def import_row(values, create_missing=False):
    """Create or update one employee; returns True if created. Raises RowRejected."""
    email = values.get("email", "").lower()
    if not email:
        raise RowRejected("email is required")
    try:
        validate_email(email)
    except ValidationError:
        raise RowRejected(f"{email!r} is not a valid e-mail address") from None
    language = (values.get("language") or "en").lower()
    if language not in LANGUAGES:
        raise RowRejected(f"language {language!r} is not one of {', '.join(sorted(LANGUAGES))}")
    role_names = _parse_roles(values.get("roles", ""))
    department = _lookup(Department, values.get("department"), create_missing)
    team = None
    if values.get("team"):
        team = Team.objects.filter(slug=slugify(values["team"])).first()
        if team is None:
            if not (create_missing and department):
                raise RowRejected(f"unknown team {values['team']!r}")
            team = Team.objects.create(name=values["team"], slug=slugify(values["team"]), department=department)
        department = department or team.department
    store = None
    if values.get("store"):
        store = Store.objects.filter(slug=slugify(values["store"])).first()
        if store is None:
            raise RowRejected(f"unknown store {values['store']!r}")

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        username = values.get("username") or email.split("@")[0]
        if User.objects.filter(username=username).exists():
            raise RowRejected(f"username {username!r} is taken by another e-mail address")
        user = User(username=username, email=email)
        user.set_unusable_password()
    user.first_name = values.get("first_name", user.first_name)[:150]
    user.last_name = values.get("last_name", user.last_name)[:150]
    user.save()
    profile = user.profile
    profile.department, profile.team, profile.store = department, team, store or profile.store
    profile.job_title = values.get("job_title", profile.job_title)[:150]
    profile.language = language
    profile.save()
    roles.grant(user, *role_names)
    return created


def import_employees(path, create_missing=False, dry_run=False):
    report = Report()
    for row in read_rows(path, required=("email",)):
        if row.error:
            report.reject(row.line, row.error)
            continue
        try:
            with transaction.atomic():
                created = import_row(row.values, create_missing)
                if dry_run:
                    transaction.set_rollback(True)
        except RowRejected as exc:
            report.reject(row.line, str(exc))
            continue
        if created:
            report.created += 1
        else:
            report.updated += 1
    return report
