"""Every /api/v1/ operation documents itself: a short summary of its own and a description of its own
(not a viewset's class docstring repeated on every action), in a schema that validates with no warning.
The schema is built as `manage.py spectacular` builds it, with every built-in plugin enabled."""

import collections

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.drainage import GENERATOR_STATS

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
# One route of each built-in plugin: the schema covers them all, not just the core's.
PLUGIN_PATHS = ("/api/v1/live/", "/api/v1/callbacks/", "/api/v1/rewards/items/", "/api/v1/plans/")


@pytest.fixture(scope="module")
def operations(tmp_path_factory, django_db_blocker):
    path = tmp_path_factory.mktemp("schema") / "schema.yaml"
    with django_db_blocker.unblock():
        GENERATOR_STATS.reset()  # warnings of schemas built earlier in this process are not this one's
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
        warned = bool(GENERATOR_STATS)
    schema = yaml.safe_load(path.read_text())
    assert not warned
    assert set(PLUGIN_PATHS) <= set(schema["paths"])
    return {f"{method.upper()} {url}": operation for url, item in schema["paths"].items()
            for method, operation in item.items() if method in METHODS}


def _shared(operations, field):
    by_text = collections.defaultdict(list)
    for name, operation in operations.items():
        by_text[operation.get(field, "")].append(name)
    return {text: names for text, names in by_text.items() if len(names) > 1}


def test_every_operation_has_a_short_summary(operations):
    assert len(operations) >= 60
    missing = sorted(name for name, operation in operations.items() if not operation.get("summary", "").strip())
    assert missing == []
    too_long = {name: operation["summary"] for name, operation in operations.items() if len(operation["summary"]) > 80}
    assert too_long == {}


def test_no_two_operations_share_a_summary(operations):
    assert _shared(operations, "summary") == {}


def test_every_operation_has_a_description_of_its_own(operations):
    missing = sorted(name for name, operation in operations.items() if not operation.get("description", "").strip())
    assert missing == []
    assert _shared(operations, "description") == {}
