"""A real Celery worker is SIGKILLed while its post is in flight to a Teams webhook; after a restart
the channel that may have got it is not posted again (and the admin says so), and the channel that
was still waiting gets the post once."""

import os
import signal
import time

import pytest

from npshub import celery_app
from npshub.digest.models import ChannelPost, ChannelPostDelivery as Delivery, TeamsChannel
from tests.conftest import start_worker, stop_process
from tests.npshub.digest.teams_webhook import TeamsWebhook

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_killed_worker_mid_post_then_restart_posts_each_channel_at_most_once(tmp_path):
    hook = TeamsWebhook(hold_seconds=lambda n: 120 if n == 1 else 0)  # the first post hangs in flight
    held = TeamsChannel.objects.create(name="Held", webhook_url=hook.url("held"), language="en")
    waiting = TeamsChannel.objects.create(name="Waiting", webhook_url=hook.url("waiting"), language="ru")
    post = ChannelPost.objects.create(section="wins", title_en="A win", body_en="We did it.",
                                      title_ru="Победа", body_ru="Получилось.", status="scheduled")
    post.channels.set([held, waiting])
    worker = start_worker(tmp_path / "worker1.log", TEAMS_TIMEOUT="300")
    try:
        celery_app.send_task("digest.publish_channel_posts")
        hook.wait_for(1)
        time.sleep(0.5)
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
        assert dict(post.deliveries.values_list("channel__name", "status")) == {
            "Held": Delivery.SENDING, "Waiting": Delivery.PENDING}

        # Restart (dead workers' claims count as stale at once here) and let beat run twice.
        worker = start_worker(tmp_path / "worker2.log", TEAMS_CLAIM_TIMEOUT="0")
        for _ in range(2):
            celery_app.send_task("digest.publish_channel_posts").get(timeout=60)
        assert [r["path"] for r in hook.received()] == ["/workflows/held", "/workflows/waiting"]
        rows = {d.channel.name: d for d in post.deliveries.select_related("channel")}
        assert rows["Held"].status == Delivery.UNCONFIRMED and "Check the channel" in rows["Held"].error
        assert (rows["Waiting"].status, rows["Waiting"].status_code, rows["Waiting"].attempts) == (Delivery.SENT, 202, 1)
        post.refresh_from_db()
        assert post.status == ChannelPost.Status.FAILED  # one channel is not confirmed: the editor checks it
    finally:
        stop_process(worker)
        hook.close()
