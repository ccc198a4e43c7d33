"""Fixtures for the rewards tests, built with tests/factories.py: a team, people with roles, and
rules/badges/items as CX admins set them."""

import pytest

from rewards.models import Badge, RewardItem, Rule
from tests import factories as f


@pytest.fixture
def department(db):
    return f.department("Customer Service")


@pytest.fixture
def team(department):
    return f.team(department_=department, name="Contact centre")


@pytest.fixture
def employee(team):
    return f.user("employee", team=team)


@pytest.fixture
def caller(team):
    return f.user("caller", team=team)


@pytest.fixture
def cxadmin(db):
    return f.user("cx_admin")


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
