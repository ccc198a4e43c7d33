"""Employee import from CSV (a file or an http(s) URL): idempotent on e-mail, bad rows reported
by line and reason; with ``deactivate_missing`` the file is the whole staff list and everyone
else is a leaver (deactivated, never deleted), for companies without SCIM."""

import os
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from npshub import http
from npshub.csvrows import Report, UnreadableFile, read_rows
from npshub.people import directory, roles
from npshub.people.models import Department, Store

COLUMNS = ("email", "first_name", "last_name", "username", "department", "team", "store",
           "job_title", "language", "roles")
LANGUAGES = directory.LANGUAGES


class RowRejected(Exception):
    pass


@dataclass
class EmployeeReport(Report):
    deactivated: int = 0


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
    try:
        department = directory.find_or_create(Department, values.get("department"), create_missing)
        store = directory.find_or_create(Store, values.get("store")) if values.get("store") else None
    except directory.Unknown as exc:
        raise RowRejected(str(exc)) from None

    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if created:
        username = values.get("username") or email.split("@")[0]
        if User.objects.filter(username=username).exists():
            raise RowRejected(f"username {username!r} is taken by another e-mail address")
        user = User(username=username, email=email)
        user.set_unusable_password()
    try:
        profile = directory.apply_profile(user, {
            "first_name": values.get("first_name", user.first_name), "last_name": values.get("last_name", user.last_name),
            "department": department.name if department else "", "team": values.get("team", ""),
            "job_title": values.get("job_title", None), "language": language,
        }, create_missing=create_missing)
    except directory.Unknown as exc:
        raise RowRejected(str(exc)) from None
    if store is not None:
        profile.store = store
        profile.save(update_fields=["store"])
    roles.grant(user, *role_names)
    return created


def import_employees(path, create_missing=False, dry_run=False, deactivate_missing=False, auth_env=None):
    """Import the CSV at ``path`` (a file, or an http(s) URL fetched with an Authorization header
    from the environment variable ``auth_env``). Raises UnreadableFile when it cannot be read."""
    if str(path).lower().startswith(("http://", "https://")):
        try:
            headers = http.headers_from_env({"Authorization": auth_env} if auth_env else {})
            local, _ = http.download(path, headers, suffix=".csv")
        except http.FetchError as exc:
            raise UnreadableFile(str(exc)) from None
        try:
            return _import_file(local, create_missing, dry_run, deactivate_missing)
        finally:
            os.unlink(local)
    return _import_file(path, create_missing, dry_run, deactivate_missing)


def _import_file(path, create_missing, dry_run, deactivate_missing):
    report, listed = EmployeeReport(), set()
    for row in read_rows(path, required=("email",)):
        if row.error:
            report.reject(row.line, row.error)
            continue
        listed.add(row.values.get("email", "").lower())
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
    if deactivate_missing:
        report.deactivated = deactivate_unlisted(listed - {""}, dry_run)
    return report


def deactivate_unlisted(listed, dry_run=False):
    """Deactivate every active employee whose e-mail is not in ``listed`` (lower-case). Never
    superusers, accounts without an e-mail, or the break-glass accounts (LOCAL_LOGIN_USERS). A
    file that lists nobody would make everyone a leaver: refused."""
    if not listed:
        raise UnreadableFile("the file lists no e-mail address: refusing to deactivate every employee")
    leavers = (
        get_user_model().objects.filter(is_active=True, is_superuser=False).exclude(email="")
        .exclude(username__in=settings.LOCAL_LOGIN_USERS).annotate(email_lower=Lower("email"))
        .exclude(email_lower__in=listed)
    )
    if dry_run:
        return leavers.count()
    count = 0
    with transaction.atomic():
        for user in leavers:
            count += directory.deactivate(user, via="import")
    return count
