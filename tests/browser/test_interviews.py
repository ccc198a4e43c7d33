"""Done when (issue 16 part 4): a CX researcher uploads an interview (a bad file first, refused
with a clear message) and an employee allowed to see training material finds it by topic, masked;
an interview whose consent covers research only stays out of the employee's sight. The pages on a
phone: nothing scrolls sideways."""

import os
import re

import pytest
from django.utils import timezone

from callbacks import interviews
from callbacks.demo import tone_wav
from callbacks.models import AuditLog, Interview
from content.pages import ensure_wagtail_roots
from npshub.feedback.models import Topic
from tests import factories as f
from tests.browser.helpers import sign_in
from tests.plugins.callbacks import helpers as h


@pytest.mark.django_db(transaction=True)
def test_researcher_uploads_and_an_employee_finds_it_by_topic(live_server, page, phone_page, tmp_path):
    ensure_wagtail_roots()  # a transactional test may start from a flushed database
    org = f.org()
    Topic.objects.get_or_create(slug="quality", defaults={"name": "Quality"})
    Topic.objects.get_or_create(slug="delivery", defaults={"name": "Delivery"})
    researcher = h.person("cx_admin", team=org.cx_team)
    employee = h.person("employee", team=org.ecommerce_team)
    interviews.add_interview(  # consent for research only: never training material
        researcher, h.upload(), topics=Topic.objects.filter(slug="quality"), title="Secret research on handles",
        language="en", department=org.retail, summary="Handles crack.", interviewee_name="Nora Quill",
        consent_given_by="Nora Quill", consent_given_at=timezone.localdate(), consent_use="research",
    )
    base = live_server.url
    shots = os.environ.get("SCREENSHOT_DIR", str(tmp_path))

    # The researcher opens the library and the upload form.
    sign_in(page, base, researcher.username, password=f.PASSWORD, next_path="/callbacks/interviews/")
    page.click("text=Upload an interview")
    page.wait_for_url(re.compile(r"/callbacks/interviews/new/$"))

    def fill(upload):
        page.set_input_files("input[type=file]", str(upload))
        page.fill("#id_title", "Why the kettle lid sticks")
        page.select_option("#id_kind", "interview")
        page.select_option("#id_department", str(org.retail.pk))
        page.check("input[name=topics][value=quality]")
        page.fill("#id_summary", "Olivia Marchbank finds the lid stiff; call +7 916 555-44-33.")
        page.fill("#id_transcript", "Olivia: the lid of the kettle sticks every morning.")
        page.fill("#id_interviewee_name", "Olivia Marchbank")
        page.fill("#id_interviewee_contact", "olivia@example.org")
        page.fill("#id_consent_given_by", "Olivia Marchbank")
        page.fill("#id_consent_given_at", timezone.localdate().isoformat())
        page.check("input[name=consent_use][value=training]")
        page.click("text=Save the interview")
        page.wait_for_load_state("domcontentloaded")

    fake = tmp_path / "notes.mp3"
    fake.write_bytes(b"%PDF-1.7 not audio at all" * 10)
    fill(fake)
    assert "not an MP3, M4A, WAV or OGG audio file" in page.locator(".cb-error[role=alert]").inner_text()
    assert not Interview.objects.filter(title="Why the kettle lid sticks").exists()
    wav = tmp_path / "interview.wav"
    wav.write_bytes(tone_wav(seconds=1.0))
    fill(wav)
    assert "Interview saved in the library." in page.locator(".message").first.inner_text()
    item = Interview.objects.get(title="Why the kettle lid sticks")
    assert page.url.endswith(f"/callbacks/interviews/{item.pk}/")
    assert "Olivia Marchbank" in page.content() and "sticks every morning" in page.content()  # the researcher's own view
    assert AuditLog.objects.filter(action="interview_added", object_id=str(item.pk)).exists()
    page.screenshot(path=f"{shots}/interview-detail-full-1366.png", full_page=True)

    # An employee (another department, no call roles) goes from the training calls to the interviews.
    sign_in(phone_page, base, employee.username, password=f.PASSWORD, next_path="/callbacks/training/")
    phone_page.click("text=Research interviews: customers in their own words")
    phone_page.wait_for_url(re.compile(r"/callbacks/interviews/"))
    phone_page.select_option("select[name=topic]", "quality")
    phone_page.click("form[role=search] button[type=submit]")
    phone_page.wait_for_url(re.compile(r"topic=quality"))
    card = phone_page.locator(f"#interview-{item.pk}")
    assert "Why the kettle lid sticks" in card.inner_text() and "Training material" in card.inner_text()
    assert "[name] [name] finds the lid stiff; call [phone]." in card.inner_text()
    body = phone_page.content()
    assert "Secret research on handles" not in body and "Olivia" not in body and "555-44-33" not in body
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    phone_page.screenshot(path=f"{shots}/interviews-employee-390.png", full_page=True)
    duration = card.locator("audio").evaluate(
        """audio => new Promise((resolve, reject) => {
            audio.preload = "metadata"; audio.onloadedmetadata = () => resolve(audio.duration);
            audio.onerror = () => reject(new Error("audio failed")); audio.load(); })""")
    assert duration > 0.5
    # The masked page: no name, no contact, no transcript.
    phone_page.click(f"#interview-{item.pk} h2 a")
    phone_page.wait_for_url(re.compile(rf"/callbacks/interviews/{item.pk}/$"))
    phone_page.wait_for_load_state("load")
    detail = phone_page.content()
    assert "lid stiff" in detail and "Olivia" not in detail and "olivia@example.org" not in detail
    assert "sticks every morning" not in detail
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert AuditLog.objects.filter(action="listen", object_type="interview", user=employee).exists()
