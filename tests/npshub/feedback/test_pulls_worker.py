"""A real Celery beat and a real worker run a due pull by themselves."""

import time

import pytest

from npshub.feedback.models import PullRun, Response, SourcePull
from tests import factories as f
from tests.conftest import start_beat, start_worker, stop_process
from tests.intranet.feed import feed_server  # noqa: F401 (fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_beat_and_worker_run_a_due_pull_by_themselves(tmp_path, feed_server):
    feed_server.set_state(reviews=[
        {"id": f"b-{n}", "created": f"2026-03-0{n}T10:00:00+00:00", "rating": 9} for n in range(1, 4)])
    source = f.source("beat-feed", field_mapping={"_items": "items", "external_id": "id",
                                                  "submitted_at": "created", "score": "rating"})
    pull = SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/offset",
                                     offset_param="offset", every_minutes=60)
    worker = start_worker(tmp_path / "worker.log", PULL_BEAT_SECONDS="1")
    beat = start_beat(tmp_path, PULL_BEAT_SECONDS="1")
    try:
        deadline = time.monotonic() + 90
        while not PullRun.objects.filter(pull=pull).exclude(status="running").exists():
            assert time.monotonic() < deadline, (tmp_path / "beat.log").read_text()[-2000:]
            time.sleep(0.5)
        run = PullRun.objects.get(pull=pull)
        assert (run.trigger, run.status, run.created) == ("schedule", "ok", 3)
        assert Response.objects.filter(source=source).count() == 3
        time.sleep(4)  # beat keeps ticking; the pull is not due again for an hour
        assert PullRun.objects.filter(pull=pull).count() == 1
    finally:
        stop_process(beat)
        stop_process(worker)
