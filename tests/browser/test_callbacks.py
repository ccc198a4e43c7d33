"""Done-when journey of the callbacks plugin, in headless Chromium against a live server with the
demo data: a caller acknowledges the guide, claims a detractor, sees the click-to-call link,
uploads a recording, records the outcome, finds the call in the library and plays it; an
employee without the role sees no phone number or recording anywhere."""

import re

import pytest

from callbacks.demo import tone_wav
from callbacks.models import AuditLog, Callback, Recording
from npshub.feedback.models import CustomerContact
from npshub.people.models import Profile
from tests.browser.helpers import sign_in


@pytest.mark.django_db(transaction=True)
def test_caller_journey_and_employee_sees_nothing(live_server, demo, page, browser, tmp_path):
    base = live_server.url
    # The demo caller reads Russian; this journey follows the English labels (the Russian
    # interface has its own tests in tests/npshub/pages/test_pages.py).
    Profile.objects.filter(user__username="caller").update(language="en")
    sign_in(page, base, "caller", next_path="/callbacks/")
    assert page.locator("h1").inner_text() == "Callback queue"
    page.click("text=Read the caller guide")
    page.check("input[name=confirm]")
    page.click("text=Confirm and start calling")
    page.wait_for_url(re.compile(r"/callbacks/$"))

    # Open the most urgent open callback and claim it.
    row = page.locator("table.cb-table tbody tr").filter(has_not_text="Claimed").first
    row.locator("a.button").click()
    callback_id = int(re.search(r"/callbacks/(\d+)/", page.url).group(1))
    page.click("text=Claim and call")
    dial = page.locator("a.cb-dial")
    phone = CustomerContact.objects.get(response__callback__id=callback_id).phone
    assert dial.get_attribute("href") == "tel:" + re.sub(r"[^\d+]", "", phone)
    assert phone in page.locator(".cb-customer__phone").inner_text()
    page.screenshot(path=str(tmp_path / "callback-claimed.png"), full_page=True)

    # Upload the recording (a real WAV), then record the outcome.
    wav = tmp_path / "call.wav"
    wav.write_bytes(tone_wav(seconds=1.0))
    page.set_input_files("input[type=file]", str(wav))
    page.click("text=Upload the recording")
    assert "Recording attached." in page.locator(".message").first.inner_text()
    page.check("input[name=outcome][value=reached]")
    page.fill("textarea[name=notes]", "Listened, apologised and arranged a replacement.")
    page.check("input[name=resolved]")
    page.click("text=Save the outcome")
    page.locator("text=Thank you for closing the loop").first.wait_for()  # the redirect has landed
    callback = Callback.objects.get(pk=callback_id)
    assert callback.status == "done" and callback.outcome == "reached" and callback.resolved

    # Find it in the library and play it.
    page.goto(f"{base}/callbacks/library/?q=replacement")
    item = page.locator(f"#call-{callback_id}")
    assert "arranged a replacement" in item.inner_text()
    duration = item.locator("audio").evaluate(
        """audio => new Promise((resolve, reject) => {
            audio.addEventListener('playing', () => resolve(audio.duration), {once: true});
            audio.addEventListener('error', () => reject(audio.error && audio.error.code), {once: true});
            audio.muted = true; audio.play().catch(reject);
        })"""
    )
    assert duration == pytest.approx(1.0, abs=0.05)
    recording = Recording.objects.get(callback_id=callback_id)
    assert AuditLog.objects.filter(action="listen", user__username="caller", detail__recording=recording.pk).exists()

    # An employee without the role: no number, no recording, anywhere.
    context = browser.new_context()
    other = context.new_page()
    sign_in(other, base, "employee")
    digits = re.sub(r"\D", "", phone)[-7:]
    for path in ["/", "/callbacks/", f"/callbacks/{callback_id}/", "/callbacks/library/",
                 f"/callbacks/recordings/{recording.pk}/", "/api/v1/callbacks/", f"/api/v1/callbacks/{callback_id}/",
                 "/admin/callbacks/callback/", "/admin/callbacks/callback/?export=csv"]:
        response = other.goto(base + path)
        body = other.content()
        assert phone not in body and digits not in re.sub(r"\D", "", body), path
        if path.startswith("/callbacks/") or path.startswith("/api/"):
            assert response.status == 403, path
    assert AuditLog.objects.filter(action="listen_refused", user__username="employee").exists()
    context.close()
