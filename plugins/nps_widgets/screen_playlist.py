"""A meeting-room screen's playlist: video slides between the live ones, and the videos themselves.

* ``entries(screen)`` turns the screen's ``ScreenSlide`` rows into what the slides template draws:
  each with a stable ``key`` (the page keeps a playing video across live refreshes by it), its
  ``seconds`` (empty for a video that plays to its end) and, for a video, the screen's own URL of it.
* ``video(request, token, media_id)`` serves a video to the screen page without a sign-in: only while
  the screen's link is valid, only a video in that screen's playlist, only MP4 or WebM, with byte
  ranges (browsers seek and loop with them).
"""

import re

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from nps_widgets.models import Screen, ScreenSlide, video_type

# Live slide kinds and what each needs from the screen's context.
NEEDS = {"score": "score", "trend": "trend_svg", "comments": "quotes", "wins": "wins", "news": "news"}
RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def kinds(playlist):
    return {slide.kind for slide in playlist}


def entries(screen, playlist, context):
    """The playlist as slides to draw, in order; a live slide with nothing to show (no quotes, no
    news yet) is left out, so the screen never shows an empty slide."""
    drawn = []
    for slide in playlist:
        entry = {"key": f"s{slide.pk}", "kind": slide.kind, "seconds": slide.seconds}
        if slide.kind == ScreenSlide.VIDEO:
            content_type = video_type(slide.video)
            if content_type is None:
                continue  # deleted or not playable: skip rather than show a black slide
            entry.update(video=slide.video, content_type=content_type,
                         src=reverse("nps_widgets:screen-video", args=[screen.token, slide.video_id]))
        else:
            entry["seconds"] = slide.seconds or screen.slide_seconds
            needed = NEEDS.get(slide.kind)
            if needed is None or (slide.kind != "score" and not context.get(needed)):
                continue
        drawn.append(entry)
    return drawn


def _byte_range(header, size):
    """(start, end) inclusive for a single ``bytes=`` range, None for no/ignored header, or
    "unsatisfiable"."""
    match = RANGE.match(header.strip()) if header else None
    if match is None:
        return None  # absent, or several ranges: answer with the whole file
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        return (max(size - length, 0), size - 1) if length and size else "unsatisfiable"
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return "unsatisfiable"
    return start, end


def _chunks(handle, start, length):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _secure(response):
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=300"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required  # the screen's secret link is its credential
@require_safe
def video(request, token, media_id):
    screen = Screen.for_token(token)
    slide = screen.slides.filter(kind=ScreenSlide.VIDEO, video_id=media_id).select_related("video").first()
    content_type = video_type(slide.video) if slide else None
    if content_type is None:
        raise Http404
    try:
        size = slide.video.file.size
        handle = slide.video.file.storage.open(slide.video.file.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if wanted == "unsatisfiable":
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _secure(response)
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Content-Length"] = str(size)
        return _secure(response)
    start, end = wanted
    response = StreamingHttpResponse(_chunks(handle, start, end - start + 1), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    return _secure(response)
