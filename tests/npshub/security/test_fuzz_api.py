"""API fuzzing: schemathesis generates requests from /api/schema/ for every operation (valid and
invalid input) as a user holding every role, and no answer may be a server error (5xx).

Bounded (``EXAMPLES`` a operation, no shrinking, no example database) so it runs in about a minute on
SQLite; ``NPSHUB_FUZZ_EXAMPLES`` raises it for a longer hunt."""

import os

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from rest_framework.authtoken.models import Token

import schemathesis
from npshub.people import roles
from tests import factories as f

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("NPSHUB_FUZZ_EXAMPLES", "12"))


@pytest.fixture
def wsgi_app(settings):
    """The real Django WSGI application, in this thread and this test's transaction (as Django's
    test client does: requests do not close the test's database connection)."""
    settings.ALLOWED_HOSTS = ["*"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def everyone():
    """A superuser who also holds every role, in a department with a team, with some data to see."""
    org = f.org()
    person = f.user("cx_admin", team=org.retail_team)
    person.is_superuser = person.is_staff = True
    person.save()
    roles.grant(person, *roles.ALL)
    f.source("survey")
    f.response(score=3, contact=True, team=org.retail_team.slug)
    return person


def test_no_api_operation_answers_a_server_error(wsgi_app, everyone):
    token = Token.objects.get_or_create(user=everyone)[0].key
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app, headers=headers)
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        def run(case):
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} {case.query!r} {case.body!r} "
                                f"-> {response.status_code}")

        run()
    assert operations > 40
    assert failures == []
