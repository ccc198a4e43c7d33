"""Background work runs in a real Celery worker process, on whichever broker is configured
(kombu's filesystem transport by default, Redis with REDIS_URL)."""

import pytest

from npshub import celery_app


@pytest.mark.worker
def test_a_real_worker_consumes_the_queue(celery_worker_process):
    result = celery_app.send_task("npshub.ping").get(timeout=20)
    assert result["pong"] is True
    assert celery_worker_process.poll() is None


def test_broker_is_the_configured_one(settings):
    expected = settings.REDIS_URL or "filesystem://"
    assert celery_app.conf.broker_url == expected
