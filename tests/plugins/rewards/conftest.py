"""Fixtures for the rewards tests: people with roles, and rules/badges/items as CX admins set them."""

import itertools

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from npshub.people import roles
from npshub.people.models import Department, Profile, Team
from rewards.models import Badge, RewardItem, Rule

_seq = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(username=None, *role_names, team=None, **fields):
        username = username or f"user{next(_seq)}"
        user = get_user_model().objects.create_user(username=username, password="pw-12345678", first_name=username.title(), **fields)
        grant = role_names or (roles.EMPLOYEE,)
        roles.grant(user, *grant)
        Profile.objects.update_or_create(user=user, defaults={"team": team, "department": team.department if team else None})
        return get_user_model().objects.get(pk=user.pk)  # fresh: no stale cached profile
    return make


@pytest.fixture
def department(db):
    return Department.objects.create(name="Customer Service", slug="customer-service")


@pytest.fixture
def team(department):
    return Team.objects.create(name="Contact centre", slug="contact-centre", department=department)


@pytest.fixture
def employee(make_user, team):
    return make_user("emma", roles.EMPLOYEE, team=team)


@pytest.fixture
def caller(make_user, team):
    return make_user("ivan", roles.EMPLOYEE, roles.CALLER, team=team)


@pytest.fixture
def cxadmin(make_user):
    return make_user("sofia", roles.EMPLOYEE, roles.CX_ADMIN)


@pytest.fixture
def api(db):
    def client_for(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client
    return client_for


@pytest.fixture
def callback_rule(db):
    return Rule.objects.create(name="Callback completed", event_type="callback_completed", amount=10)


@pytest.fixture
def first_callback_badge(db):
    return Badge.objects.create(name="First callback", slug="first-callback", criterion=Badge.COUNT,
                                event_type="callback_completed", threshold=1)


@pytest.fixture
def item(db):
    return RewardItem.objects.create(name="Mug", price=100, stock=3, per_person_limit=2)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
