"""A meeting-room screen with a playlist: a video slide plays (muted, really playing), then a live
slide shows and updates when a response is posted, the video element kept as it was."""

import json
import re
import urllib.request
from datetime import datetime, timezone

import pytest
from django.conf import settings
from playwright.sync_api import expect

from nps_widgets.models import Screen, ScreenSlide
from tests.conftest import start_asgi, stop_process
from tests.plugins.nps_widgets.helpers import add_responses, source, video


@pytest.fixture
def asgi_server(transactional_db, tmp_path):
    """uvicorn on the test database AND the test's media folder (the uploaded video lives there)."""
    url, process = start_asgi(tmp_path / "uvicorn.log", MEDIA_ROOT=str(settings.MEDIA_ROOT))
    yield url
    stop_process(process)


def post_responses(base_url, scores):
    body = json.dumps([{"external_id": f"v-{i}", "submitted_at": datetime.now(timezone.utc).isoformat(), "score": s}
                       for i, s in enumerate(scores)]).encode()
    request = urllib.request.Request(f"{base_url}/api/v1/responses/", data=body, method="POST", headers={
        "Content-Type": "application/json", "Authorization": f"Source {source().ingest_token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201


def test_screen_plays_a_video_then_a_live_slide_that_updates(asgi_server, browser, tmp_path):
    add_responses([10, 10, 9, 0])
    clip = video()
    screen = Screen.objects.create(name="Lobby", room="Ground floor")
    ScreenSlide.objects.create(screen=screen, sort_order=0, kind="video", video=clip, seconds=3)
    ScreenSlide.objects.create(screen=screen, sort_order=1, kind="score", seconds=120)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}{screen.get_absolute_url()}")
        video_slide, score_slide = page.locator(".slide--video"), page.locator(".slide--score")
        expect(video_slide).to_have_class(re.compile(r"\bis-current\b"))
        # The video really plays: data decoded, time running, muted, looping while its slide shows.
        page.wait_for_function("""() => { const v = document.querySelector('.slide--video video');
            return v && v.readyState >= 2 && v.currentTime > 0.3 && !v.paused && v.muted && v.loop; }""", timeout=10000)
        page.screenshot(path=str(tmp_path / "screen-video-1920.png"))
        page.evaluate("document.querySelector('.slide--video video').dataset.marker = 'kept'")
        # After its 3 seconds the live slide takes over and the video stops.
        expect(score_slide).to_have_class(re.compile(r"\bis-current\b"), timeout=10000)
        expect(video_slide).not_to_have_class(re.compile(r"\bis-current\b"))
        assert page.evaluate("document.querySelector('.slide--video video').paused")
        score = score_slide.locator("[data-nps]")
        expect(score).to_contain_text("50.0")
        expect(page.locator("html")).to_have_attribute("data-live", "connected", timeout=10000)
        post_responses(asgi_server, [10, 10, 10, 10])
        expect(score).to_contain_text("75.0", timeout=5000)
        expect(score_slide).to_have_class(re.compile(r"\bis-current\b"))
        # The refresh replaced the live slide only: the video element is the same one.
        assert page.evaluate("document.querySelector('.slide--video video').dataset.marker") == "kept"
        page.screenshot(path=str(tmp_path / "screen-live-1920.png"))
    finally:
        context.close()


def test_video_to_the_end_hands_over_when_it_ends(asgi_server, browser):
    add_responses([9])
    screen = Screen.objects.create(name="Hall", slide_seconds=60)
    ScreenSlide.objects.create(screen=screen, sort_order=0, kind="video", video=video(), seconds=None)
    ScreenSlide.objects.create(screen=screen, sort_order=1, kind="score")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        page.goto(f"{asgi_server}{screen.get_absolute_url()}")
        page.wait_for_function("() => { const v = document.querySelector('.slide--video video'); "
                               "return v && v.currentTime > 0.3 && !v.loop; }", timeout=10000)
        expect(page.locator(".slide--score")).to_have_class(re.compile(r"\bis-current\b"), timeout=12000)
        assert page.evaluate("(() => { const v = document.querySelector('.slide--video video'); return v.ended || v.paused; })()")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_an_editor_builds_a_playlist_in_the_admin(asgi_server, page):
    from tests import factories
    from tests.browser.helpers import sign_in

    clip = video("Welcome loop")
    screen = Screen.objects.create(name="Canteen")
    editor = factories.user("editor")
    sign_in(page, asgi_server, editor.username, password=factories.PASSWORD, next_path="/admin/")
    page.goto(f"{asgi_server}/admin/nps_widgets/screen/edit/{screen.pk}/")
    page.click("a[role=tab]:has-text('Playlist')")
    page.click("button:has-text('Add slide')")
    page.select_option("#id_slides-0-kind", "video")
    page.click("#id_slides-0-video-chooser button.chooser__choose-button")
    page.click(".modal a:has-text('Welcome loop')")
    expect(page.locator("#id_slides-0-video-title")).to_have_text("Welcome loop")
    page.click("button:has-text('Add slide')")
    page.select_option("#id_slides-1-kind", "score")
    page.fill("#id_slides-1-seconds", "15")
    page.click("button[type=submit]:has-text('Save')")
    page.wait_for_url(f"{asgi_server}/admin/nps_widgets/screen/")
    assert [(s.kind, s.video_id, s.seconds) for s in screen.playlist()] == [("video", clip.pk, None), ("score", None, 15)]
