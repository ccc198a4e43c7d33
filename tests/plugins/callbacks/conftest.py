import io
import itertools
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from callbacks import services
from callbacks.demo import tone_wav
from npshub.feedback.models import CustomerContact, Response, Source
from npshub.people import roles
from npshub.people.models import Department, Profile, Team

_counter = itertools.count(1)
ROLE_USERS = {
    "employee": [roles.EMPLOYEE],
    "caller": [roles.EMPLOYEE, roles.CALLER],
    "team_manager": [roles.EMPLOYEE, roles.TEAM_MANAGER],
    "editor": [roles.EMPLOYEE, roles.EDITOR],
    "cx_admin": [roles.EMPLOYEE, roles.CX_ADMIN],
}


@pytest.fixture
def org(db):
    company = Department.objects.create(name="Company", slug="company")
    cx = Department.objects.create(name="CX", slug="cx", parent=company)
    retail = Department.objects.create(name="Retail", slug="retail", parent=company)
    ecommerce = Department.objects.create(name="E-commerce", slug="ecommerce", parent=company)
    return {
        "company": company, "cx": cx, "retail": retail, "ecommerce": ecommerce,
        "contact-centre": Team.objects.create(name="Contact centre", slug="contact-centre", department=cx),
        "store": Team.objects.create(name="Store", slug="store-1", department=retail),
        "webshop": Team.objects.create(name="Web shop", slug="webshop", department=ecommerce),
    }


@pytest.fixture
def make_user(django_user_model, org):
    def make(role="caller", team="contact-centre", username=None, acknowledged=False):
        user = django_user_model.objects.create_user(username or f"{role}{next(_counter)}", password="pw", first_name=role.title())
        roles.grant(user, *ROLE_USERS[role])
        Profile.objects.update_or_create(user=user, defaults={"team": org[team], "department": org[team].department})
        user = django_user_model.objects.get(pk=user.pk)  # drop the profile cached before the update
        if acknowledged:
            services.acknowledge_guide(user)
        return user
    return make


@pytest.fixture
def source(db):
    return Source.objects.create(name="Survey", slug="survey")


@pytest.fixture
def make_response(source):
    def make(score=3, consent=True, team="store-1", phone="+7 916 123-45-67", email="anna@example.net",
             submitted_at=None, name="Anna Orlova", **fields):
        response = Response.objects.create(
            source=source, external_id=f"r{next(_counter)}", score=score,
            submitted_at=submitted_at or timezone.now() - timedelta(hours=1), team=team,
            callback_consent=consent, data_consent=consent, product=fields.pop("product", "kettle"),
            segment=fields.pop("segment", "loyal"), region=fields.pop("region", "moscow"),
            comment=fields.pop("comment", "The kettle leaks. Call me at +7 916 123-45-67."), **fields,
        )
        if phone or email:
            CustomerContact.objects.create(response=response, name=name, phone=phone or "", email=email or "")
        return response
    return make


@pytest.fixture
def make_callback(make_response):
    def make(**kwargs):
        response = make_response(**kwargs)
        services.queue_responses([response.pk])
        return response.callback
    return make


@pytest.fixture
def api():
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return client_for


@pytest.fixture
def wav_bytes():
    return tone_wav(seconds=0.5)


@pytest.fixture
def wav_upload(wav_bytes):
    return lambda name="call.wav": SimpleUploadedFile(name, wav_bytes, content_type="audio/wav")


@pytest.fixture
def out():
    return io.StringIO()
