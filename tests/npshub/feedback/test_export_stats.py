"""Every statistics view exports as CSV and XLSX: parsed back, the numbers are the API's."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from npshub.people import roles
from tests.npshub.feedback.helpers_stats import add_responses

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, django_user_model):
    user = django_user_model.objects.create_user("e", password="x")
    roles.grant(user, roles.EMPLOYEE)
    client.force_login(user)
    add_responses("survey", datetime.date(2026, 1, 5), promoters=6, passives=2, detractors=2, team="=cmd|x")
    add_responses("survey", datetime.date(2026, 2, 5), promoters=1, detractors=3, skipped=2, team="store-1")
    return client


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def read_xlsx(response):
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]], workbook


def test_summary_csv(api):
    response = api.get("/api/v1/nps/export/?view=summary&format=csv&from=2026-01-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="nps-summary-')
    assert response["Content-Disposition"].endswith('.csv"')
    [row] = read_csv(response)
    assert (row["nps"], row["responses"], row["skipped"], row["small_sample"]) == ("14.3", "14", "2", "true")
    assert row["csat"] == ""  # no CSAT answers: empty, not zero


def test_timeseries_and_breakdown_xlsx(api):
    response = api.get("/api/v1/nps/export/?view=timeseries&interval=month&format=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="nps-timeseries-month-' in response["Content-Disposition"]
    rows, workbook = read_xlsx(response)
    assert [(r["period_start"], r["nps"], r["responses"]) for r in rows] == [
        ("2026-01-01", 40.0, 10), ("2026-02-01", -50.0, 4)]
    assert ("interval", "month") in list(workbook["filters"].iter_rows(values_only=True))
    rows, _ = read_xlsx(api.get("/api/v1/nps/export/?view=breakdown&by=team&format=xlsx"))
    # A unit named like a formula is written as text, never as a formula.
    assert {r["team"]: r["nps"] for r in rows} == {"'=cmd|x": 40.0, "store-1": -50.0}


def test_ranking_and_compare_csv(api):
    rows = read_csv(api.get("/api/v1/nps/export/?view=ranking&by=team&min_responses=5"))
    assert [(r["rank"], r["team"], r["ranked"]) for r in rows] == [("1", "'=cmd|x", "true"), ("", "store-1", "false")]
    rows = read_csv(api.get(
        "/api/v1/nps/export/?view=compare&a_from=2026-01-01&a_to=2026-01-31&b_from=2026-02-01&b_to=2026-02-28"))
    assert [(r["period"], r["nps"], r["change"]) for r in rows] == [("a", "40.0", ""), ("b", "-50.0", "-90.0")]
    assert rows[1]["significant"] in ("true", "false")


@pytest.mark.parametrize("query", [
    "view=pie", "format=csv", "view=summary&format=pdf", "view=breakdown", "view=timeseries&interval=hour",
    "view=summary&from=yesterday",
])
def test_bad_params_are_400_json(api, query):
    response = api.get(f"/api/v1/nps/export/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


def test_export_needs_sign_in(client):
    assert client.get("/api/v1/nps/export/?view=summary").status_code in (401, 403)
