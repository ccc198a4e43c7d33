"""The one way tests build their world: departments and teams, people with roles, API clients,
sources and customer responses.

Plain functions (no fixtures needed, usable from any test, fixture or helper); each call makes new
rows with unique slugs and usernames, so tests never depend on each other or on their order.

    from tests import factories as f

    org = f.org()                                   # company → cx, retail, ecommerce + a team each
    caller = f.user("caller", team=org.retail_team)  # roles: employee + caller
    client = f.api(caller)                          # DRF APIClient, authenticated
    response = f.response(score=3, team=org.retail_team.slug, contact=True)
    f.responses(source, day, promoters=3, detractors=1)  # many at once, rollups maintained
    f.ingest([10, 9, 3], source="survey")           # through the real ingestion service
"""

import datetime
import itertools
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from npshub.people import roles
from npshub.people.models import Department, Profile, Store, Region, Team

_seq = itertools.count(1)
PASSWORD = "pw-correct-horse-42"

# The roles each kind of person holds (everyone is an employee).
ROLE_SETS = {
    "employee": (roles.EMPLOYEE,),
    "caller": (roles.EMPLOYEE, roles.CALLER),
    "team_manager": (roles.EMPLOYEE, roles.TEAM_MANAGER),
    "manager": (roles.EMPLOYEE, roles.TEAM_MANAGER),
    "editor": (roles.EMPLOYEE, roles.EDITOR),
    "cx_admin": (roles.EMPLOYEE, roles.CX_ADMIN),
}


def unique(prefix):
    return f"{prefix}{next(_seq)}"


def department(name=None, slug=None, parent=None):
    slug = slug or unique("dept-")
    return Department.objects.get_or_create(slug=slug, defaults={"name": name or slug.title(), "parent": parent})[0]


def team(slug=None, department_=None, name=None, store=None):
    slug = slug or unique("team-")
    department_ = department_ or department()
    return Team.objects.get_or_create(
        slug=slug, defaults={"name": name or slug.replace("-", " ").title(), "department": department_, "store": store}
    )[0]


def store(slug=None, region_slug="moscow", name=None):
    slug = slug or unique("store-")
    region = Region.objects.get_or_create(slug=region_slug, defaults={"name": region_slug.title()})[0]
    return Store.objects.get_or_create(slug=slug, defaults={"name": name or slug.title(), "region": region})[0]


@dataclass
class Org:
    """Two line departments under one company, plus central CX; a team in each."""

    company: Department
    cx: Department
    retail: Department
    ecommerce: Department
    cx_team: Team
    retail_team: Team
    ecommerce_team: Team


def org():
    """The usual two-department world (idempotent: the same slugs return the same rows)."""
    company = department("Company", "company")
    cx = department("CX", "cx", company)
    retail = department("Retail", "retail", company)
    ecommerce = department("E-commerce", "ecommerce", company)
    return Org(
        company=company, cx=cx, retail=retail, ecommerce=ecommerce,
        cx_team=team("contact-centre", cx, "Contact centre"),
        retail_team=team("store-1", retail, "Store 1"),
        ecommerce_team=team("webshop", ecommerce, "Web shop"),
    )


def user(kind="employee", *, team=None, department_=None, username=None, language="en", extra_roles=(), **fields):
    """A person with the roles of ``kind`` (see ROLE_SETS) and a profile in ``team``/``department_``.

    The password is ``PASSWORD``; the returned object is fresh from the database (no stale caches).
    """
    if kind not in ROLE_SETS:
        raise ValueError(f"Unknown kind of user {kind!r}; one of {', '.join(ROLE_SETS)}.")
    username = username or unique(kind.replace("_", ""))
    fields.setdefault("first_name", username.title())
    fields.setdefault("email", f"{username}@example.com")
    person = get_user_model().objects.create_user(username=username, password=PASSWORD, **fields)
    roles.grant(person, *ROLE_SETS[kind], *extra_roles)
    department_ = department_ or (team.department if team else None)
    Profile.objects.update_or_create(
        user=person, defaults={"team": team, "department": department_, "language": language}
    )
    return get_user_model().objects.get(pk=person.pk)


def superuser(username=None):
    username = username or unique("admin")
    return get_user_model().objects.create_superuser(username, f"{username}@example.com", PASSWORD)


def api(person=None, *, token=False):
    """A DRF client: anonymous, authenticated as ``person``, or (``token=True``) with their token header."""
    client = APIClient()
    if person is not None:
        if token:
            key = Token.objects.get_or_create(user=person)[0].key
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        else:
            client.force_authenticate(person)
    return client


def source(slug="survey", **fields):
    from npshub.feedback.models import Source

    fields.setdefault("name", slug.replace("-", " ").title())
    return Source.objects.get_or_create(slug=slug, defaults=fields)[0]


def response(score=3, *, source_=None, submitted_at=None, contact=False, consent=None, name="Anna Orlova",
             phone="+7 916 123-45-67", email="anna@example.net", **fields):
    """One response saved through the ORM (rollups follow by signal). ``contact=True`` stores the
    customer's name/phone/e-mail apart; ``consent`` sets both consents (default: as ``contact``)."""
    from npshub.feedback.models import CustomerContact, Response

    consent = contact if consent is None else consent
    fields.setdefault("external_id", unique("r-"))
    fields.setdefault("callback_consent", consent)
    fields.setdefault("data_consent", consent)
    row = Response.objects.create(
        source=source_ or source(), score=score,
        submitted_at=submitted_at or timezone.now() - timedelta(hours=1), **fields,
    )
    if contact:
        CustomerContact.objects.create(response=row, name=name, phone=phone or "", email=email or "")
    return row


def responses(source_, day, promoters=0, passives=0, detractors=0, skipped=0, **fields):
    """Many responses on ``day`` (a date, site time, noon) fast: bulk insert, rollups maintained
    as ingestion does. ``source_`` is a Source or a slug."""
    from npshub.feedback import rollups
    from npshub.feedback.models import Response

    if isinstance(source_, str):
        source_ = source(source_)
    when = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    scores = [10] * promoters + [8] * passives + [3] * detractors + [None] * skipped
    batch = unique("b")
    objects = [
        Response(source=source_, external_id=f"{batch}-{n}", score=score, submitted_at=when, **fields)
        for n, score in enumerate(scores)
    ]
    Response.objects.bulk_create(objects)
    rollups.apply(added=objects)
    return objects


def ingest(scores, *, source="survey", days_ago=1, **fields):
    """One response per score through the real ingestion service (``npshub.feedback.ingest.ingest``:
    validation, contacts, topics, rollups, the responses_received event); returns its report."""
    from npshub.feedback.ingest import ingest as run, source_for_import

    when = timezone.now() - timedelta(days=days_ago)
    records = [
        {"external_id": unique("i-"), "submitted_at": when.isoformat(), "score": score, **fields}
        for score in scores
    ]
    return run(source_for_import(source), records)
