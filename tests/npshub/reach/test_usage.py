"""Visits are buffered off the request path and aggregated per day x department x section; the
dashboard shows usage and the CSV export never starts a formula."""

import csv
import datetime
import io

import pytest
from django.utils import timezone

from npshub.reach import recorder, usage
from npshub.reach.models import ActiveDay, UsageDay
from tests import factories as f
from tests.npshub.reach.helpers import lessons

pytestmark = pytest.mark.django_db


def test_page_views_are_buffered_then_written_in_aggregate(client, django_assert_max_num_queries):
    tree, org = lessons(), f.org()
    anna = f.user("employee", team=org.retail_team)
    boris = f.user("employee", team=org.retail_team)
    client.force_login(anna)
    for path in ("/", "/learn/", tree["baseline"].url, "/api/v1/nps/summary/", "/no-such-page/"):
        client.get(path)
    client.force_login(boris)
    client.get("/learn/")
    assert UsageDay.objects.count() == 0 and recorder.pending() == 4  # nothing written on the request path
    with django_assert_max_num_queries(10):
        assert recorder.flush() == 4
    today = timezone.localdate()
    rows = sorted(UsageDay.objects.values_list("day", "department__slug", "section", "visits"))
    assert rows == [(today, "retail", "home", 1), (today, "retail", "learn", 3)]
    assert sorted(ActiveDay.objects.values_list("user__username", flat=True)) == sorted([anna.username, boris.username])
    # The next flush adds to the same rows; a person is active once a day.
    client.get("/learn/")
    recorder.flush()
    assert UsageDay.objects.get(section="learn").visits == 4 and ActiveDay.objects.count() == 2
    assert recorder.flush() == 0


def test_sections_of_paths():
    assert recorder.section_of("/") == "home"
    assert recorder.section_of("/learn/what-is-nps/") == "learn"
    assert [recorder.section_of(p) for p in ("/admin/", "/api/v1/", "/static/x.css", "/t/o/x.gif", "/embed/k/score.js",
                                             "/%3Cscript%3E/")] == [None] * 6


def test_usage_figures_and_formula_safe_csv(client):
    org = f.org()
    evil = f.department("=HYPERLINK(\"http://x\")", "evil")
    anna = f.user("employee", team=org.retail_team)
    admin = f.user("cx_admin", team=org.cx_team)
    today = timezone.localdate()
    UsageDay.objects.create(day=today, department=evil, section="learn", visits=5)
    UsageDay.objects.create(day=today - datetime.timedelta(days=40), department=org.retail, section="stats", visits=2)
    ActiveDay.objects.create(day=today, user=anna, department=org.retail)
    ActiveDay.objects.create(day=today - datetime.timedelta(days=20), user=admin, department=org.cx)
    counts = usage.active_counts()
    assert (counts["wau"], counts["mau"], counts["employees"]) == (1, 2, 2)
    first, last = usage.period(30)
    assert usage.visits_by_section(first, last) == [{"section": "learn", "visits": 5}]
    assert usage.visits_by_section(*usage.period(90)) == [{"section": "learn", "visits": 5}, {"section": "stats", "visits": 2}]
    client.force_login(anna)
    assert client.get("/reach/usage.csv").status_code == 403
    client.force_login(admin)
    response = client.get("/reach/usage.csv?days=90")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["day", "department", "section", "visits"],
                    [(today - datetime.timedelta(days=40)).isoformat(), "Retail", "stats", "2"],
                    [today.isoformat(), "'=HYPERLINK(\"http://x\")", "learn", "5"]]
    assert client.get("/reach/usage.csv?days=0").status_code == 400
    html = client.get("/reach/?days=30").content.decode()
    assert "data-sections" in html and "/learn/" in html
