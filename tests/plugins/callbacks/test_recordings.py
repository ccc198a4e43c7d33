"""Recordings: content-checked types, size limit, private storage, Range streaming, listens audited
once per listening session whatever the Range, the signed PBX webhook (timestamp, replays, erased
customers), retention, and nothing half-saved."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from callbacks import privacy, recordings, tasks, workflow
from callbacks.models import AuditLog, Callback, Recording
from npshub.feedback.models import PurgeRun
from npshub.feedback.signing import sign
from tests import factories as f
from tests.plugins.callbacks import helpers as h

SAMPLES = {
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64,
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + b"\x00" * 64,
    "audio/ogg": b"OggS\x00\x02" + b"\x00" * 64,
}


def test_sniff_by_content_not_name():
    assert recordings.sniff(h.WAV[:16]) == "audio/wav"
    for content_type, data in SAMPLES.items():
        assert recordings.sniff(data[:16]) == content_type
    assert recordings.sniff(b"\xff\xfb\x90\x64" + b"\x00" * 12) == "audio/mpeg"  # bare MPEG-1 layer III frame
    assert recordings.sniff(b"%PDF-1.7 hello") is None
    assert recordings.sniff(b"\x00\x00\x00\x20ftypqt  ") is None  # a QuickTime movie is not m4a
    assert recordings.sniff(b"RIFF\x00\x00\x00\x00AVI ") is None


@pytest.fixture
def claimed():
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    return callback, caller


def private_files(settings):
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_stores_privately(claimed, settings):
    callback, caller = claimed
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/recording/", {"file": h.upload("anything.txt")}, format="multipart")
    assert reply.status_code == 201, reply.content
    recording = Recording.objects.get()
    assert reply.json()["content_type"] == "audio/wav"
    path = Path(recording.file.path)
    assert path.is_file() and str(path).startswith(str(Path(settings.PRIVATE_MEDIA_ROOT).resolve()))
    assert not str(path).startswith(str(Path(settings.MEDIA_ROOT).resolve()))
    assert path.suffix == ".wav"
    with pytest.raises(ValueError):
        recording.file.url  # no public URL, ever
    assert recording.delete_after > timezone.now() + timedelta(days=settings.CALLBACKS_RECORDING_RETENTION_DAYS - 1)
    assert AuditLog.objects.filter(action="recording_added").count() == 1


@pytest.mark.parametrize("name,data,status,text", [
    ("call.mp3", b"This is not audio at all, just text." * 3, 415, "not an MP3"),
    ("call.wav", b"", 400, "empty"),
])
def test_wrong_files_are_refused_and_nothing_saved(claimed, settings, name, data, status, text):
    callback, caller = claimed
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/recording/", {"file": SimpleUploadedFile(name, data)}, format="multipart")
    assert reply.status_code == status and text in reply.json()["detail"]
    assert not Recording.objects.exists() and private_files(settings) == []
    assert AuditLog.objects.filter(action="recording_rejected").exists()


def test_oversized_upload_is_refused(claimed, settings):
    callback, caller = claimed
    settings.CALLBACKS_RECORDING_MAX_BYTES = 1000
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/recording/", {"file": h.upload()}, format="multipart")
    assert reply.status_code == 413 and "limit" in reply.json()["detail"]
    assert not Recording.objects.exists() and private_files(settings) == []


def test_missing_file_field(claimed):
    callback, caller = claimed
    reply = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/recording/", {}, format="multipart")
    assert reply.status_code == 400 and "file" in reply.json()["detail"]


def test_only_the_caller_uploads(claimed):
    callback, _caller = claimed
    other = h.person("caller", acknowledged=True)
    reply = f.api(other).post(f"/api/v1/callbacks/{callback.pk}/recording/", {"file": h.upload()}, format="multipart")
    assert reply.status_code == 409
    assert AuditLog.objects.filter(action="recording_refused", user=other).exists()


def test_database_failure_leaves_no_file(claimed, settings, monkeypatch):
    callback, caller = claimed

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(recordings, "audit", lambda *a, **k: broken_audit() if a[1] == "recording_added" else None)
    with pytest.raises(RuntimeError):
        recordings.attach(callback, h.upload(), caller)
    assert not Recording.objects.exists() and private_files(settings) == []


def test_stream_with_ranges(claimed):
    callback, caller = claimed
    recording = recordings.attach(callback, h.upload(), caller)
    client = Client()
    client.force_login(caller)
    url = f"/callbacks/recordings/{recording.pk}/"
    whole = client.get(url)
    assert whole.status_code == 200 and b"".join(whole.streaming_content) == h.WAV
    assert whole["Content-Type"] == "audio/wav" and whole["Accept-Ranges"] == "bytes"
    assert "no-store" in whole["Cache-Control"]
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(h.WAV)}"
    assert b"".join(part.streaming_content) == h.WAV[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert b"".join(tail.streaming_content) == h.WAV[-10:]
    assert client.get(url, HTTP_RANGE=f"bytes={len(h.WAV) + 5}-").status_code == 416


@pytest.mark.parametrize("range_header", [None, "bytes=0-", "bytes=00-", "bytes=-99999999", "bytes=-10",
                                          "bytes=100-199", "bytes=40-", "bytes=0-0", "bytes=x-y", "items=0-"])
def test_every_listen_is_audited_whatever_the_range(claimed, range_header):
    """The first request of a listening session is audited, whichever bytes it asks for; the
    seeks of the same session are not; another person, or a later session, is audited again."""
    callback, caller = claimed
    recording = recordings.attach(callback, h.upload(), caller)
    url = f"/callbacks/recordings/{recording.pk}/"
    client = Client()
    client.force_login(caller)
    headers = {"HTTP_RANGE": range_header} if range_header else {}
    reply = client.get(url, **headers)
    assert reply.status_code in (200, 206)
    b"".join(reply.streaming_content)
    listens = AuditLog.objects.filter(action="listen", user=caller, detail__recording=recording.pk)
    assert listens.count() == 1
    for seek in ("bytes=200-", "bytes=-5", None):
        client.get(url, **({"HTTP_RANGE": seek} if seek else {}))
    assert listens.count() == 1
    colleague = h.person("caller", acknowledged=True)
    other = Client()
    other.force_login(colleague)
    other.get(url, HTTP_RANGE="bytes=-99999999")
    assert AuditLog.objects.filter(action="listen", user=colleague).count() == 1
    # the session is over: the next listen is a new one
    listens.update(at=timezone.now() - timedelta(minutes=31))
    client.get(url, HTTP_RANGE="bytes=500-")
    assert listens.count() == 2


def pbx(client, callback, body, secret="s3cret", timestamp=None, signature=None):
    timestamp = str(int(time.time())) if timestamp is None else str(timestamp)
    signature = sign(secret, timestamp, body) if signature is None else signature
    return client.post(f"/api/v1/callbacks/{callback.pk}/recording/pbx/", body, content_type="application/octet-stream",
                       HTTP_X_NPS_TIMESTAMP=timestamp, HTTP_X_NPS_SIGNATURE=signature)


def test_pbx_webhook(settings):
    settings.CALLBACKS_PBX_WEBHOOK_SECRET = "s3cret"
    callback = h.callback()
    client = Client()
    bad = pbx(client, callback, h.WAV, signature="0" * 64)
    assert bad.status_code == 401 and bad.json()["detail"] == "Bad signature."
    assert AuditLog.objects.filter(action="pbx_signature_invalid").count() == 1
    assert pbx(client, callback, h.WAV, secret="wrong").status_code == 401
    stale = pbx(client, callback, h.WAV, timestamp=int(time.time()) - 600)
    assert stale.status_code == 401 and "5 minutes" in stale.json()["detail"]
    unsigned = client.post(f"/api/v1/callbacks/{callback.pk}/recording/pbx/", h.WAV, content_type="application/octet-stream")
    assert unsigned.status_code == 401
    assert pbx(client, callback, b"not audio").status_code == 415
    timestamp = int(time.time())
    good = pbx(client, callback, h.WAV, timestamp=timestamp)
    assert good.status_code == 201
    recording = Recording.objects.get()
    assert recording.source == "pbx" and recording.callback == callback
    assert AuditLog.objects.filter(action="recording_added", actor="pbx").exists()
    # the same delivery again (same timestamp and signature): a replay, refused, nothing stored
    replay = pbx(client, callback, h.WAV, timestamp=timestamp)
    assert replay.status_code == 401 and "replay" in replay.json()["detail"]
    other = h.callback()
    assert pbx(client, other, h.WAV, timestamp=timestamp).status_code == 401  # nor onto another call
    assert Recording.objects.count() == 1


@pytest.mark.parametrize("how", ["withdrawn", "erased"])
def test_no_recording_for_a_customer_who_withdrew_or_was_erased(settings, how, django_capture_on_commit_callbacks):
    """Today's bug: a replayed PBX delivery re-attached audio after the erasure."""
    settings.CALLBACKS_PBX_WEBHOOK_SECRET = "s3cret"
    callback, recording, caller = h.done_call()
    change = privacy.erase_personal_data if how == "erased" else privacy.withdraw_consent
    with django_capture_on_commit_callbacks(execute=True):
        change(callback.response, h.person("cx_admin"), "phone")
    client = Client()
    refused = pbx(client, callback, h.WAV)
    assert refused.status_code == 409 and "withdrew consent" in refused.json()["detail"]
    upload = f.api(caller).post(f"/api/v1/callbacks/{callback.pk}/recording/", {"file": h.upload()}, format="multipart")
    assert upload.status_code == 409
    assert Recording.objects.count() == (1 if how == "withdrawn" else 0)
    assert AuditLog.objects.filter(action="recording_refused", actor="pbx").count() == 1


def test_pbx_webhook_disabled_without_secret(settings):
    settings.CALLBACKS_PBX_WEBHOOK_SECRET = ""
    callback = h.callback()
    reply = Client().post(f"/api/v1/callbacks/{callback.pk}/recording/pbx/", h.WAV, content_type="application/octet-stream")
    assert reply.status_code == 403


def test_retention_purges_old_recordings(claimed, settings, django_capture_on_commit_callbacks):
    callback, caller = claimed
    old = recordings.attach(callback, h.upload(), caller)
    fresh = recordings.attach(callback, h.upload(), caller)
    Recording.objects.filter(pk=old.pk).update(delete_after=timezone.now() - timedelta(minutes=1))
    old_path, fresh_path = Path(old.file.path), Path(fresh.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.purge_recordings.delay().get() == 1
    assert list(Recording.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not old_path.exists() and fresh_path.exists()
    assert AuditLog.objects.filter(action="recording_purged", detail__recording=old.pk).exists()
    run = PurgeRun.objects.get()
    assert (run.what, run.purged, run.retention_days) == ("call recordings", 1, settings.CALLBACKS_RECORDING_RETENTION_DAYS)


@pytest.mark.worker
def test_retention_in_a_real_worker(celery_worker_process, settings):
    """The beat task runs in a real worker process, on the same database and private storage."""
    settings.PRIVATE_MEDIA_ROOT = Path(os.environ["NPSHUB_VAR_DIR"]) / "private"  # what the worker uses
    callback = h.callback()
    caller = h.person("caller", acknowledged=True)
    workflow.claim(caller, callback.pk)
    recording = recordings.attach(callback, h.upload(), caller)
    path = Path(recording.file.path)
    Recording.objects.filter(pk=recording.pk).update(delete_after=timezone.now() - timedelta(seconds=1))
    assert tasks.purge_recordings.delay().get(timeout=60) == 1
    assert not Recording.objects.exists() and not path.exists()
