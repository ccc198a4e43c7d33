"""An editor writes and schedules a Teams channel post in the admin; a real Celery worker publishes
it and a local HTTP server standing in for the channel's Teams webhook gets it exactly once, also
after the worker is restarted and the publishing runs again."""

import os
import re
import signal
import time

import pytest
from playwright.sync_api import expect

from npshub import celery_app
from npshub.digest.models import ChannelPost, TeamsChannel
from tests import factories as f
from tests.browser.helpers import shots, sign_in
from tests.conftest import start_worker, stop_process
from tests.npshub.digest.teams_webhook import TeamsWebhook, card_of, texts

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until(condition, timeout=60, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_editor_schedules_a_teams_post_that_the_webhook_gets_exactly_once(live_server, page, phone_page, tmp_path):
    hook = TeamsWebhook()
    channel = TeamsChannel.objects.create(name="Сервис", webhook_url=hook.url("service"), language="ru")
    TeamsChannel.objects.create(name="Switched off", webhook_url=hook.url("off"), active=False)
    editor = f.user("editor")
    worker = start_worker(tmp_path / "worker1.log")
    try:
        sign_in(page, live_server.url, editor.username, password=f.PASSWORD,
                next_path="/admin/snippets/digest/channelpost/add/")
        expect(page.locator("main")).to_contain_text("Each channel gets the post in its own language")
        page.select_option("#id_section", "wins")
        page.fill("#id_title_en", "The Kazan store reached NPS 62")
        page.fill("#id_body_en", "Thank you, **Kazan**!")
        page.fill("#id_title_ru", "Казань: NPS 62")
        page.fill("#id_body_ru", "Спасибо, **Казань**! <script>alert(1)</script>")
        expect(page.locator("input[name=channels]")).to_have_count(1)  # only active channels
        page.check(f"input[name=channels][value='{channel.pk}']")
        page.check("input[name=status][value=scheduled]")
        page.click("button.action-save")
        expect(page.locator(".error-message").first).to_contain_text("HTML tags are not allowed")  # refused, not run
        page.fill("#id_body_ru", "Спасибо, **Казань**!")
        page.click("button.action-save")
        expect(page).to_have_url(re.compile(r"/admin/snippets/digest/channelpost/$"))

        # Due at once (no time given): the worker posts it to the webhook, in the channel's language.
        [request] = hook.wait_for(1)
        assert texts(card_of(request)) == ["Победы", "Казань: NPS 62", "Спасибо, **Казань**!"]
        post = ChannelPost.objects.get()
        wait_until(lambda: ChannelPost.objects.get().status == ChannelPost.Status.SENT, what="the post sent")
        page.reload()
        row = page.locator("tr", has_text="The Kazan store reached NPS 62")
        expect(row).to_contain_text("1 of 1 sent")
        row.locator("a", has_text="Preview").first.click()
        expect(page.locator("[data-testid=post-status]")).to_have_text("sent")
        deliveries = page.locator("[data-testid=deliveries]")
        expect(deliveries).to_contain_text("Сервис")
        expect(deliveries).to_contain_text("202")
        expect(page.locator("[data-testid=card-ru] .ac-card")).to_contain_text("Казань: NPS 62")
        expect(page.locator("[data-testid=card-ru] strong")).to_have_text("Казань")
        page.screenshot(path=str(shots(tmp_path) / "channel-post-laptop.png"), full_page=True)

        # The worker restarts (killed, as a crash would), and publishing runs again: still one request.
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        worker = start_worker(tmp_path / "worker2.log")
        for _ in range(2):
            assert celery_app.send_task("digest.publish_channel_posts").get(timeout=60) == {"started": 0, "sending": 0}
        time.sleep(0.5)
        assert len(hook.received()) == 1
        assert list(post.deliveries.values_list("status", flat=True)) == ["sent"]

        # On a phone, in Russian: the delivery and the card, without sideways scrolling.
        sign_in(phone_page, live_server.url, editor.username, password=f.PASSWORD,
                next_path=f"/admin/digest/channel-posts/{post.pk}/")
        phone_page.context.add_cookies([{"name": "django_language", "value": "ru", "url": live_server.url}])
        phone_page.reload()
        expect(phone_page.locator("[data-testid=post-status]")).to_have_text("отправлено")
        expect(phone_page.locator("main")).to_contain_text("Каналы на языке")
        phone_page.screenshot(path=str(shots(tmp_path) / "channel-post-phone-ru.png"), full_page=True)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        stop_process(worker)
        hook.close()
