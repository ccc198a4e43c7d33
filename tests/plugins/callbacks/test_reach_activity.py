"""Callbacks contribute the callbacks each department completed to the core's reach dashboard
through a section (npshub.sections), not a metric the core reads by name."""

import re

import pytest
from django.utils import translation

from npshub.reach import usage
from npshub.sections import Section
from tests import factories as f
from tests.plugins.callbacks import helpers as h

pytestmark = pytest.mark.django_db


def test_department_table_has_a_callbacks_column_counting_completed_calls():
    call, _recording, caller = h.done_call()
    h.callback()  # still open: not counted
    department = caller.profile.department or caller.profile.team.department
    first, last = usage.period(30)
    with translation.override("ru"):
        assert [str(label) for label in usage.activity_labels()] == ["Обратных звонков сделано"]
    with translation.override("en"):
        assert [str(label) for label in usage.activity_labels()] == ["Callbacks completed"]
    rows = {row["department"]: row["activity"] for row in usage.departments(first, last)}
    assert rows[department.name] == [1]
    assert all(counts == [0] for name, counts in rows.items() if name != department.name)


def test_the_dashboard_shows_the_column_to_cx_admins(client):
    _call, _recording, caller = h.done_call()
    department = caller.profile.department or caller.profile.team.department
    client.force_login(f.user("cx_admin", team=f.org().cx_team))
    html = client.get("/reach/?days=30").content.decode()
    table = html.split("data-usage-departments", 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">Callbacks completed</th>' in table
    row = re.search(rf'<th scope="row">{re.escape(department.name)}</th>(.*?)</tr>', table).group(1)
    assert row.endswith("<td>1</td>")


def test_an_activity_needs_its_column_heading():
    with pytest.raises(ValueError, match="activity_label"):
        Section("x.activity", activity=lambda start, end: {})
