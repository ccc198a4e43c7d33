"""Screens with a playlist: video slides between live ones, and the videos served by the screen's link."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Collection
from wagtailmedia.models import Media

from nps_widgets.models import Screen, ScreenSlide
from tests import factories
from tests.plugins.nps_widgets.helpers import DEMO_VIDEO, add_responses, video

pytestmark = pytest.mark.django_db


@pytest.fixture
def screen():
    return Screen.objects.create(name="Lobby", slide_seconds=9, quote_min_length=20)


def add(screen, kind, seconds=None, media=None, order=None):
    return ScreenSlide.objects.create(screen=screen, kind=kind, seconds=seconds, video=media,
                                      sort_order=order if order is not None else screen.slides.count())


def slides_in(html):
    import re

    return re.findall(r'<section class="slide slide--(\w+)[^"]*" data-key="(\w+)"(?: data-src="([^"]+)")?(?: data-seconds="(\d+)")?', html)


def test_playlist_draws_its_slides_in_order_with_their_seconds(client, screen):
    add_responses([10, 10, 9, 0], comment="Lovely staff in the store, they helped me choose quickly")
    clip = video()
    first = add(screen, "score", 5, order=2)
    second = add(screen, "video", 8, clip, order=0)
    third = add(screen, "comments", order=1)
    html = client.get(screen.get_absolute_url()).content.decode()
    src = f"/screens/{screen.token}/videos/{clip.pk}/"
    assert slides_in(html) == [
        ("video", f"s{second.pk}", src, "8"), ("quote", f"s{third.pk}", "", "9"), ("score", f"s{first.pk}", "", "5")]
    assert f'<video class="slide__video" src="{src}" muted playsinline preload="auto" loop' in html
    assert "Lovely staff" in html and 'data-nps>50.0' in html
    # The trend and news the playlist does not ask for are not drawn.
    assert "slide--trend" not in html and "slide--news" not in html


def test_video_to_the_end_does_not_loop_and_fragment_has_the_same_slides(client, screen):
    clip = video()
    add(screen, "video", None, clip)
    add(screen, "trend")
    html = client.get(screen.get_absolute_url() + "?fragment=1").content.decode()
    kinds = [kind for kind, *_ in slides_in(html)]
    assert kinds == ["video", "trend"]
    assert "preload=\"auto\" aria-label" in html  # no loop attribute, no data-seconds: plays to its end
    assert 'data-seconds="9"' in html  # the live slide takes the screen's seconds per slide


def test_empty_live_slides_are_left_out_and_no_playlist_keeps_todays_slides(client, screen):
    add_responses([9])
    add(screen, "wins")
    add(screen, "score")
    assert [k for k, *_ in slides_in(client.get(screen.get_absolute_url()).content.decode())] == ["score"]
    screen.slides.all().delete()
    html = client.get(screen.get_absolute_url()).content.decode()
    assert 'data-key="score"' in html and 'data-key="trend"' in html and "<video" not in html


def test_the_screen_serves_its_own_videos_without_login_with_ranges(client, screen):
    clip = video()
    add(screen, "video", 8, clip)
    url = f"/screens/{screen.token}/videos/{clip.pk}/"
    whole = client.get(url)
    data = DEMO_VIDEO.read_bytes()
    assert whole.status_code == 200 and whole["Content-Type"] == "video/webm"
    assert b"".join(whole.streaming_content) == data and whole["Accept-Ranges"] == "bytes"
    assert whole["X-Content-Type-Options"] == "nosniff" and "sandbox" in whole["Content-Security-Policy"]
    part = client.get(url, HTTP_RANGE="bytes=100-199")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert b"".join(part.streaming_content) == data[100:200]
    tail = client.get(url, HTTP_RANGE="bytes=-10")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == data[-10:]
    open_ended = client.get(url, HTTP_RANGE=f"bytes={len(data) - 5}-")
    assert b"".join(open_ended.streaming_content) == data[-5:]
    beyond = client.get(url, HTTP_RANGE=f"bytes={len(data)}-")
    assert beyond.status_code == 416 and beyond["Content-Range"] == f"bytes */{len(data)}"
    garbage = client.get(url, HTTP_RANGE="bytes=abc")
    assert garbage.status_code == 200
    assert client.post(url).status_code == 405


def test_videos_are_served_only_to_screens_that_play_them(client, screen):
    clip, other = video(), video("Other")
    add(screen, "video", 8, clip)
    elsewhere = Screen.objects.create(name="Elsewhere")
    add(elsewhere, "video", 8, other)
    assert client.get(f"/screens/{screen.token}/videos/{other.pk}/").status_code == 404
    assert client.get(f"/screens/{screen.token}/videos/999999/").status_code == 404
    assert client.get(f"/screens/not-a-token/videos/{clip.pk}/").status_code == 404
    screen.active = False
    screen.save()
    assert client.get(f"/screens/{screen.token}/videos/{clip.pk}/").status_code == 404
    # The media library's own URL stays for signed-in employees only.
    assert client.get(clip.file.url).status_code == 302


def test_slide_validation(screen):
    clip = video()
    with pytest.raises(ValidationError, match="Choose the video"):
        ScreenSlide(screen=screen, kind="video").full_clean()
    with pytest.raises(ValidationError, match="MP4 or WebM"):
        ScreenSlide(screen=screen, kind="video", video=video("Clip", name="clip.mov", content=b"x")).full_clean()
    with pytest.raises(ValidationError, match="MP4 or WebM"):
        ScreenSlide(screen=screen, kind="video", video=video("Song", name="song.webm", media_type="audio")).full_clean()
    with pytest.raises(ValidationError, match="Only a video slide"):
        ScreenSlide(screen=screen, kind="score", video=clip).full_clean()
    with pytest.raises(ValidationError, match="Between 1 and 3600"):
        ScreenSlide(screen=screen, kind="score", seconds=0).full_clean()
    ScreenSlide(screen=screen, kind="video", video=clip, seconds=None).full_clean()


def test_editors_and_cx_admins_upload_videos_and_edit_playlists(client, screen):
    for kind in ("editor", "cx_admin"):
        client.force_login(factories.user(kind))
        upload = client.post("/admin/media/video/add/", {
            "title": f"Clip by {kind}", "file": SimpleUploadedFile("clip.webm", DEMO_VIDEO.read_bytes(), "video/webm"),
            "tags": "", "collection": Collection.get_first_root_node().pk,
        })
        assert upload.status_code == 302, upload.context["form"].errors
        assert Media.objects.get(title=f"Clip by {kind}").type == "video"
        assert client.get(f"/admin/nps_widgets/screen/edit/{screen.pk}/").status_code == 200
    for kind in ("employee", "caller"):
        client.force_login(factories.user(kind))
        assert client.get("/admin/media/video/add/").status_code in (302, 403)


def test_playlist_is_saved_in_order_from_the_admin(client, screen):
    clip = video()
    client.force_login(factories.user("editor"))
    url = f"/admin/nps_widgets/screen/edit/{screen.pk}/"
    form = client.get(url).context["form"]
    data = {name: form[name].value() if form[name].value() is not None else "" for name in form.fields
            if name != "slides"}
    for flag in ("active", "show_score", "show_trend", "show_quotes", "show_news"):
        if not data.get(flag):
            data.pop(flag, None)
    data.update({
        "slides-TOTAL_FORMS": "2", "slides-INITIAL_FORMS": "0", "slides-MIN_NUM_FORMS": "0", "slides-MAX_NUM_FORMS": "1000",
        "slides-0-kind": "video", "slides-0-video": str(clip.pk), "slides-0-seconds": "", "slides-0-ORDER": "2",
        "slides-0-id": "", "slides-0-DELETE": "",
        "slides-1-kind": "score", "slides-1-video": "", "slides-1-seconds": "7", "slides-1-ORDER": "1",
        "slides-1-id": "", "slides-1-DELETE": "",
    })
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert [(s.kind, s.video_id, s.seconds) for s in screen.playlist()] == [("score", None, 7), ("video", clip.pk, None)]
    data.update({"slides-TOTAL_FORMS": "1", "slides-0-kind": "score", "slides-0-video": str(clip.pk), "slides-0-ORDER": "1"})
    data = {k: v for k, v in data.items() if not k.startswith("slides-1-")}
    bad = client.post(url, data)
    assert bad.status_code == 200 and "Only a video slide" in bad.content.decode()


def test_demo_lobby_screen_has_a_playlist_with_the_demo_video_once(client):
    import io

    from nps_widgets import demo

    demo.load(io.StringIO())
    out = io.StringIO()
    demo.load(out)
    lobby = Screen.objects.get(name="Lobby screen")
    assert [(s.kind, s.seconds) for s in lobby.playlist()] == demo.LOBBY_PLAYLIST
    assert Media.objects.filter(title="NPS Hub welcome loop").count() == 1
    assert f"/screens/{lobby.token}/" in out.getvalue()
    clip = lobby.playlist()[0].video
    response = client.get(f"/screens/{lobby.token}/videos/{clip.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == DEMO_VIDEO.read_bytes()
