"""Announcement mailings reach exactly their audience (department, role, language), once, through
the digest pipeline and a real SMTP server (aiosmtpd)."""

import re

import pytest

from npshub.digest import tasks
from npshub.digest.models import Announcement, EmailPreference, Mailing, SendLog
from tests import factories as f
from tests.npshub.digest.conftest import html_part, text_part

pytestmark = pytest.mark.django_db


def test_announcement_reaches_only_its_audience_once(smtp_server, client, django_capture_on_commit_callbacks):
    org = f.org()
    sub = f.department("Stores north", "stores-north", org.retail)
    anna = f.user("employee", team=org.retail_team, language="ru", first_name="Anna")
    boris = f.user("caller", team=f.team(department_=sub), language="ru", first_name="Boris")
    f.user("employee", team=org.retail_team, language="en")          # wrong language
    f.user("employee", team=org.ecommerce_team, language="ru")       # wrong department
    opted = f.user("employee", team=org.retail_team, language="ru")  # unsubscribed from announcements
    EmailPreference.objects.create(user=opted, announcement=False)
    announcement = Announcement.objects.create(
        subject="Новый раздел «Звонки»", heading="Звоним клиентам", language="ru",
        message="Теперь каждый может перезвонить клиенту.\n\nПопробуйте <script>alert(1)</script>",
        button_label="Открыть", button_url="https://hub.example/callbacks/")
    announcement.departments.add(org.retail)

    # The editor sees the audience, then sends.
    editor = f.user("editor", team=org.cx_team)
    client.force_login(editor)
    page = client.get(f"/admin/digest/announcements/{announcement.pk}/send/")
    assert page.status_code == 200 and "3 people match the audience" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/admin/digest/announcements/{announcement.pk}/send/").status_code == 302

    messages = smtp_server.wait_for(2) and smtp_server.messages()
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted([anna.email, boris.email])
    message = next(m for m in messages if m["To"].addresses[0].addr_spec == anna.email)
    html, text = html_part(message), text_part(message)
    assert message["Subject"] == "Новый раздел «Звонки»" and "Звоним клиентам" in html and "Anna," in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert re.match(r"<http://[^>]+/t/u/\d+-[\w-]+/announcement/>", message["List-Unsubscribe"])
    assert re.search(r"/t/o/[^\"]+\.gif", html) and "/t/c/" in html  # opens and clicks tracked
    mailing = Mailing.objects.get(kind=Mailing.ANNOUNCEMENT)
    assert dict(mailing.logs.values_list("recipient__username", "status")) == {
        anna.username: SendLog.SENT, boris.username: SendLog.SENT, opted.username: SendLog.OPTED_OUT}
    # Sending again reaches nobody twice; a newcomer only.
    carl = f.user("employee", team=org.retail_team, language="ru")
    tasks.send_announcement(announcement.pk)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp_server.messages()) == sorted([anna.email, boris.email, carl.email])

    # By role: only callers (and superusers) of any department.
    by_role = Announcement.objects.create(subject="Callers", message="Hi callers", roles=["caller"])
    tasks.send_announcement(by_role.pk)
    mailing = Mailing.objects.get(key=f"announcement-{by_role.pk}")
    assert list(mailing.logs.values_list("recipient__username", flat=True)) == [boris.username]


def test_only_editors_and_cx_admins_send(client):
    announcement = Announcement.objects.create(subject="x", message="y")
    client.force_login(f.user("employee"))
    assert client.get(f"/admin/digest/announcements/{announcement.pk}/send/").status_code in (302, 403)
    assert client.post(f"/admin/digest/announcements/{announcement.pk}/send/").status_code in (302, 403)
    assert not Mailing.objects.exists()
