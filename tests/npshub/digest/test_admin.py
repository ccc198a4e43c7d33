import re

import pytest
from django.contrib.auth import get_user_model

from npshub.digest.models import Mailing, SendLog
from tests.npshub.digest.test_send import make_issue, send

pytestmark = pytest.mark.django_db


def login(client, username):
    user = get_user_model().objects.get(username=username)
    client.force_login(user)
    return user


def test_preview_is_for_editors_and_cx_admins_only(client, demo):
    issue = make_issue()
    employee = get_user_model().objects.get(username="employee")
    for username in ("employee", "caller", "manager"):
        login(client, username)
        assert client.get(f"/admin/digest/preview/{issue.pk}/").status_code in (302, 403)
        assert client.get(f"/admin/digest/preview/{issue.pk}/html/?user={employee.pk}").status_code in (302, 403)
        assert client.get("/admin/digest/outbox/").status_code in (302, 403)
    for username in ("editor", "cxadmin"):
        login(client, username)
        page = client.get(f"/admin/digest/preview/{issue.pk}/?user={employee.pk}").content.decode()
        assert employee.get_full_name() in page and 'sandbox src="' in page
        response = client.get(f"/admin/digest/preview/{issue.pk}/html/?user={employee.pk}")
        assert response.status_code == 200 and response["Content-Security-Policy"].startswith("sandbox")
        assert f"Hi {employee.first_name}," in response.content.decode()


def test_test_send_to_oneself_lands_in_the_outbox_and_is_browsable(client, demo, settings):
    settings.EMAIL_HOST = ""
    issue = make_issue()
    editor = login(client, "editor")
    employee = get_user_model().objects.get(username="employee")
    response = client.post(f"/admin/digest/preview/{issue.pk}/test-send/", {"user": employee.pk})
    assert response.status_code == 302
    listing = client.get("/admin/digest/outbox/").content.decode()
    assert editor.email in listing and "[TEST]" in listing
    name = re.search(r'/admin/digest/outbox/([\w.-]+\.eml)/', listing).group(1)
    detail = client.get(f"/admin/digest/outbox/{name}/").content.decode()
    assert "Plain-text version" in detail and f"Hi {employee.first_name}," in detail
    html = client.get(f"/admin/digest/outbox/{name}/html/")
    assert html["Content-Security-Policy"].startswith("sandbox") and b"<table" in html.content
    assert client.get("/admin/digest/outbox/..%2Fdb.sqlite3/").status_code == 404
    assert not SendLog.objects.filter(mailing__issue=issue).exists()  # a test send is not a send


def test_send_from_the_desk_and_report_by_department(client, demo, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = ""
    issue = make_issue()
    login(client, "editor")
    assert "Preview and send" in client.get("/admin/digest/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/digest/send/{issue.pk}/")
    assert response.status_code == 302
    mailing = Mailing.objects.get(issue=issue)
    total = SendLog.objects.filter(mailing=mailing).count()
    assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count() == total > 0
    log = SendLog.objects.filter(mailing=mailing).exclude(department=None).first()
    from npshub.digest.tracking import sign

    client.get(f"/t/o/{sign('log', log.pk)}.gif")
    report = client.get(f"/admin/digest/report/{mailing.pk}/").content.decode()
    assert re.search(r'data-testid="delivered">%d<' % total, report)
    assert 'data-testid="opened">1<' in report and log.department.name in report
    # Sending again from the desk: nobody gets it twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/digest/send/{issue.pk}/")
    assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count() == total
    out = send(issue)
    assert f"sent 0 / skipped {total} / failed 0" in out
