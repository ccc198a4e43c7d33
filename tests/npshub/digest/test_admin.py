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
    logged = SendLog.objects.count()  # the demo's own mailings (announcements) are sent already
    response = client.post(f"/admin/digest/preview/{issue.pk}/test-send/", {"user": employee.pk})
    assert response.status_code == 302
    assert client.get("/admin/digest/outbox/").url == "/admin/"  # refused: customer mail is for CX admins only
    login(client, "cxadmin")
    listing = client.get("/admin/digest/outbox/").content.decode()
    assert editor.email in listing and "[TEST]" in listing
    name = re.search(r'/admin/digest/outbox/([\w.-]+\.eml)/', listing).group(1)
    detail = client.get(f"/admin/digest/outbox/{name}/").content.decode()
    assert "Plain-text version" in detail and f"Hi {employee.first_name}," in detail
    html = client.get(f"/admin/digest/outbox/{name}/html/")
    assert html["Content-Security-Policy"].startswith("sandbox") and b"<table" in html.content
    assert client.get("/admin/digest/outbox/..%2Fdb.sqlite3/").status_code == 404
    assert SendLog.objects.count() == logged  # a test send is not a send


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


def test_outbox_is_for_cx_admins_only_and_holds_customer_mail(client, demo, settings):
    """Issue 10, part 4: a customer's thank-you e-mail (address, name) never reaches editors."""
    from npshub.digest.transactional import send_branded_email

    settings.EMAIL_HOST = ""
    assert send_branded_email("boris@example.net", "Thank you", "thank_you", {"name": "Boris"})
    login(client, "editor")
    refused = client.get("/admin/digest/outbox/")
    assert (refused.status_code, refused.url) == (302, "/admin/")  # Wagtail's answer to PermissionDenied
    assert "/admin/digest/outbox/" not in client.get("/admin/digest/").content.decode()
    assert "/admin/digest/outbox/" not in client.get("/admin/").content.decode()
    login(client, "cxadmin")
    listing = client.get("/admin/digest/outbox/").content.decode()
    assert "boris@example.net" in listing
    name = re.search(r'/admin/digest/outbox/([\w.-]+\.eml)/', listing).group(1)
    login(client, "editor")
    assert client.get(f"/admin/digest/outbox/{name}/").url == "/admin/"
    assert client.get(f"/admin/digest/outbox/{name}/html/").url == "/admin/"


def test_preview_as_someone_else_is_logged_once_and_leaves_their_points_out(client, demo):
    from wagtail.models import PageLogEntry

    issue = make_issue()
    employee = get_user_model().objects.get(username="employee")
    editor = login(client, "editor")
    own = client.get(f"/admin/digest/preview/{issue.pk}/html/").content.decode()
    assert PageLogEntry.objects.filter(action="digest.preview_as").count() == 0  # oneself: nothing to log
    for _ in range(2):  # the page and its iframe: one entry per half hour
        client.get(f"/admin/digest/preview/{issue.pk}/?user={employee.pk}")
        other = client.get(f"/admin/digest/preview/{issue.pk}/html/?user={employee.pk}").content.decode()
    entries = list(PageLogEntry.objects.filter(action="digest.preview_as").values_list("page_id", "user_id", "data"))
    assert entries == [(issue.pk, editor.pk, {"employee_id": employee.pk, "employee": "employee"})]
    assert "Their personal figures are private" in other and "Your points:" not in other
    assert "Their personal figures are private" not in own


def test_send_messages_speak_the_editors_language(client, demo, settings, django_capture_on_commit_callbacks):
    """The desk's send answers in the editor's language, with the audience count in its locale format."""
    from django.contrib.messages import get_messages

    from npshub.digest import mailing as mailing_lib

    settings.EMAIL_HOST = ""
    editor = login(client, "editor")
    editor.profile.language = "ru"
    editor.profile.save()
    draft = make_issue(title="Draft issue", live=False)
    response = client.post(f"/admin/digest/send/{draft.pk}/")
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["Опубликуйте выпуск, прежде чем отправлять его."]
    issue = make_issue()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/digest/send/{issue.pk}/")
    count = mailing_lib.audience(issue).count()
    assert 0 < count < 1000  # no thousands separator to spell out below
    assert [str(m) for m in get_messages(response.wsgi_request)] == [  # the first one is not shown yet
        "Опубликуйте выпуск, прежде чем отправлять его.",
        f"«{issue.title}» отправляется адресатам: {count}. Кто уже получил письмо, пропускается.",
    ]
