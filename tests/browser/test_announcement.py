"""Done-when journey of the announcement mailings: an editor opens an announcement's send page from
the admin, sees the size of its audience, sends, and a real SMTP server (aiosmtpd) receives it only
for the audience: the right department and language, not the employee who unsubscribed."""

from playwright.sync_api import expect

from npshub.digest.models import Announcement, EmailPreference
from tests import factories as f
from tests.browser.helpers import sign_in
from tests.npshub.digest.conftest import smtp_server  # noqa: F401 (the digest tests' real SMTP server fixture)


def test_an_announcement_reaches_only_its_audience(live_server, page, phone_page, smtp_server):
    smtp = smtp_server
    org = f.org()
    anna = f.user("employee", team=org.retail_team, language="ru", first_name="Anna")
    boris = f.user("caller", team=org.retail_team, language="ru", first_name="Boris")
    f.user("employee", team=org.retail_team, language="en")      # another language
    f.user("employee", team=org.ecommerce_team, language="ru")   # another department
    opted = f.user("employee", team=org.retail_team, language="ru")
    EmailPreference.objects.create(user=opted, announcement=False)
    announcement = Announcement.objects.create(
        subject="Новый раздел «Звонки»", heading="Звоним клиентам", language="ru",
        message="Теперь каждый может перезвонить клиенту.")
    announcement.departments.add(org.retail)
    editor = f.user("editor", team=org.cx_team, language="en")

    sign_in(page, live_server.url, editor.username, password=f.PASSWORD, next_path="/admin/snippets/digest/announcement/")
    send_link = page.locator(f'a[href$="/admin/digest/announcements/{announcement.pk}/send/"]').first
    expect(send_link).to_have_count(1)
    page.goto(f"{live_server.url}/admin/digest/announcements/{announcement.pk}/send/")
    expect(page.locator("text=3 people match the audience.")).to_be_visible()
    page.click("[data-testid=send-announcement]")
    page.wait_for_url(f"{live_server.url}/admin/digest/")
    expect(page.locator(".messages")).to_contain_text("Новый раздел «Звонки»")

    smtp.wait_for(2)
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.messages()) == sorted([anna.email, boris.email])
    assert all(m["Subject"] == "Новый раздел «Звонки»" for m in smtp.messages())

    # On a phone the send page fits: a second send reaches nobody twice.
    sign_in(phone_page, live_server.url, editor.username, password=f.PASSWORD,
            next_path=f"/admin/digest/announcements/{announcement.pk}/send/")
    expect(phone_page.locator("text=Already sent")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone_page.click("[data-testid=send-announcement]")
    phone_page.wait_for_url(f"{live_server.url}/admin/digest/")
    assert len(smtp.messages()) == 2
