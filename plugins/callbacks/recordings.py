"""Call recordings: type checked by content (magic bytes), size limited, stored privately,
attached all-or-nothing, streamed with HTTP Range support."""

import re
from datetime import timedelta

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from callbacks.access import audit
from callbacks.models import Callback, Recording
from callbacks.workflow import WorkflowError
from npshub.feedback.models import Response

M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom", b"iso2", b"dash", b"3gp4", b"3gp5"}


def sniff(head):
    """The audio MIME type of a file from its first bytes, or None when it is not mp3/m4a/wav/ogg."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head[:4] == b"OggS":
        return "audio/ogg"
    if head[4:8] == b"ftyp" and head[8:12] in M4A_BRANDS:
        return "audio/mp4"
    if head[:3] == b"ID3":
        return "audio/mpeg"
    # An MPEG audio frame header: 11 sync bits, layer III (01), a valid bitrate and sample rate.
    if len(head) >= 4 and head[0] == 0xFF and (head[1] & 0xE0) == 0xE0 and (head[1] & 0x06) == 0x02:
        if (head[2] >> 4) not in (0, 15) and ((head[2] >> 2) & 0x03) != 3:
            return "audio/mpeg"
    return None


def check(upload):
    """(content_type, size) of an acceptable upload, else WorkflowError (400 / 413)."""
    if upload is None:
        raise WorkflowError(_("Choose an audio file (field 'file')."))
    limit = settings.CALLBACKS_RECORDING_MAX_BYTES
    if upload.size > limit:
        raise WorkflowError(
            _("The file is %(size).1f MB; the limit is %(limit).1f MB.") % {"size": upload.size / 2**20, "limit": limit / 2**20},
            status=413,
        )
    if upload.size == 0:
        raise WorkflowError(_("The file is empty."))
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff(head)
    if content_type is None:
        raise WorkflowError(_("This is not an MP3, M4A, WAV or OGG audio file (checked by its content, not its name)."), status=415)
    return content_type, upload.size


def refuse_without_consent(callback):
    """A customer who withdrew consent or was erased gets no new recording (409), whoever sends it."""
    current = Callback.objects.select_for_update().filter(pk=callback.pk).values_list("status", flat=True).first()
    consenting = Response.objects.filter(pk=callback.response_id, callback_consent=True, data_consent=True).exists()
    if current == Callback.Status.WITHDRAWN or not consenting:
        raise WorkflowError(_("This customer withdrew consent or had their data erased: no recording is kept."), status=409)


def attach(callback, upload, user=None, source="upload", actor=None):
    """Check and store ``upload`` for ``callback``; a failure leaves neither a row nor a file."""
    try:
        content_type, size = check(upload)
    except WorkflowError as error:
        audit(user, "recording_rejected", callback, actor=actor, reason=error.detail)
        raise
    recording = Recording(
        callback=callback, content_type=content_type, size=size, source=source,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        delete_after=timezone.now() + timedelta(days=settings.CALLBACKS_RECORDING_RETENTION_DAYS),
    )
    stored_name = None
    try:
        with transaction.atomic():
            refuse_without_consent(callback)
            recording.file.save("recording", File(upload), save=False)
            stored_name = recording.file.name
            recording.save()
            audit(user, "recording_added", callback, actor=actor, recording=recording.pk, size=size, source=source)
    except WorkflowError as error:
        audit(user, "recording_refused", callback, actor=actor, reason=error.detail)
        raise
    except Exception:
        if stored_name:
            recording.file.storage.delete(stored_name)
        raise
    return recording


def delete_with_files(rows):
    """Delete rows of one model with a ``file`` (recordings, interviews) now, and their files once
    the transaction commits (a rolled-back erasure keeps them); returns how many."""
    rows = list(rows)
    if not rows:
        return 0
    names = [(row.file.storage, row.file.name) for row in rows]
    type(rows[0]).objects.filter(pk__in=[row.pk for row in rows]).delete()

    def delete_files():
        for storage, name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
    return len(names)


def delete_recordings(recordings):
    """Delete recording rows now and their files once the transaction commits; returns how many."""
    return delete_with_files(recordings)


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def stream(request, recording):
    """The recording's bytes; honours a single ``Range: bytes=a-b`` (for <audio> seeking)."""
    storage, name = recording.file.storage, recording.file.name
    size = storage.size(name)
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if not match or (not match.group(1) and not match.group(2)):
        response = FileResponse(storage.open(name, "rb"), content_type=recording.content_type)
        response["Accept-Ranges"] = "bytes"
        response["Content-Length"] = str(size)
        _private(response)
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # suffix range: the last N bytes
        start, end = max(size - int(last), 0), size - 1
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = storage.open(name, "rb")
    handle.seek(start)

    def chunks(remaining=end - start + 1):
        try:
            while remaining > 0:
                data = handle.read(min(64 * 1024, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=206, content_type=recording.content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    _private(response)
    return response


def _private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
