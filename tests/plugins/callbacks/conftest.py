import pytest

from tests import factories as f


@pytest.fixture(autouse=True)
def _database(db):
    """Every test here uses the database (transactional where a test is marked so)."""


@pytest.fixture
def org(db):
    """Company → central CX, retail and e-commerce, a team each (tests.factories.org)."""
    return f.org()
