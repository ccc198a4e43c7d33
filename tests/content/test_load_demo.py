import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from npshub.feedback.models import CustomerContact, Response
from npshub.people import roles
from npshub.people.models import Department, Team

pytestmark = pytest.mark.django_db


def counts():
    return (get_user_model().objects.count(), Team.objects.count(), Department.objects.count(),
            Page.objects.count(), Response.objects.count(), CustomerContact.objects.count())


def test_load_demo_is_idempotent_and_realistic():
    out = io.StringIO()
    call_command("load_demo", responses=600, stdout=out)
    first = counts()
    call_command("load_demo", responses=600, stdout=io.StringIO())
    assert counts() == first
    users, teams, departments, *_ = first
    assert users >= 40 and teams >= 10 and departments >= 5
    assert "caller " in out.getvalue() and "demo1234" in out.getvalue()
    caller = get_user_model().objects.get(username="caller")
    assert roles.has_role(caller, roles.CALLER) and not roles.has_role(caller, roles.CX_ADMIN)
    assert caller.check_password("demo1234")
    # Two years, several sources and every dimension filled; both languages; consent with contacts.
    dates = Response.objects.order_by("submitted_at").values_list("submitted_at", flat=True)
    assert (dates.last() - dates.first()).days > 600
    assert Response.objects.values("source").distinct().count() == 5
    assert Response.objects.filter(language="ru").exclude(comment="").exists()
    assert Response.objects.filter(language="en").exclude(comment="").exists()
    assert not Response.objects.filter(segment="").exists()
    assert CustomerContact.objects.filter(response__callback_consent=False).count() == 0
    # A year of reach history: the awareness index climbs to about the seed's 76 %.
    from npshub.reach import awareness

    trend = awareness.monthly(12)
    # (About 45 demo employees: one person is two points, so the early months are noisy.)
    assert 70 <= trend[-1]["index"] <= 82 and trend[0]["index"] < 50
    assert trend[-1]["index"] - trend[0]["index"] >= 25
    assert "awareness index now" in out.getvalue()


def test_more_responses_later_adds_only_the_new_ones():
    call_command("load_demo", responses=200, stdout=io.StringIO())
    call_command("load_demo", responses=300, stdout=io.StringIO())
    # The callbacks demo adds a customer journey and a turnaround (two answers each) beside the generated ones.
    assert Response.objects.exclude(external_id__startswith="demo-journey-").exclude(
        external_id__startswith="demo-turnaround-").count() == 300
