"""Demo: the live widgets on the home page and one meeting-room screen (idempotent)."""

from pathlib import Path

from wagtail.models import Locale

from npshub.pages.models import HomePage

from nps_widgets.models import Screen, ScreenSlide

HOME_BLOCKS = [
    ("headline_score", {"title": "Brand NPS, last 90 days", "period": "90", "compare_previous": True}),
    ("distribution", {"title": "Who recommends us", "period": "90"}),
    ("trend_chart", {"title": "NPS month by month", "period": "365", "interval": "month", "chart_type": "line"}),
    ("topic_chart", {"title": "What detractors talk about", "period": "90", "limit": 8}),
    ("comment_stream", {"title": "What customers say this month", "period": "30", "count": 6, "band": ""}),
    ("breakdown", {"title": "NPS by product", "period": "90", "by": "product", "display": "bars", "limit": 8}),
]

TITLES_RU = {
    "Brand NPS, last 90 days": "NPS бренда за 90 дней",
    "Who recommends us": "Кто нас рекомендует",
    "NPS month by month": "NPS по месяцам",
    "What detractors talk about": "О чём говорят критики",
    "What customers say this month": "Что клиенты говорят в этом месяце",
    "NPS by product": "NPS по товарам",
}


def load(stdout):
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is not None:
        present = {block.block_type for block in home.body}
        missing = [(name, value) for name, value in HOME_BLOCKS if name not in present]
        if missing:
            # Put the widgets first, in order, keeping the editors' own content after them.
            kept = [(block.block_type, block.value) for block in home.body if block.block_type != "headline_score"]
            existing_headline = [(b.block_type, b.value) for b in home.body if b.block_type == "headline_score"]
            widgets = [
                existing_headline[0] if name == "headline_score" and existing_headline else (name, value)
                for name, value in HOME_BLOCKS if name not in present or name == "headline_score"
            ]
            home.body = widgets + kept
            home.save_revision().publish()
            stdout.write(f"nps_widgets: {len(missing)} live widgets added to the home page")
            from npshub.pages.translating import translate

            translate(home, "ru", TITLES_RU)  # the translation gets the widgets, titled in Russian
    screen, created = Screen.objects.get_or_create(
        name="Boardroom screen", room="3rd floor boardroom", defaults={"period_days": 90},
    )
    from django.conf import settings

    base = settings.NPSHUB_BASE_URL.rstrip("/")
    stdout.write(f"nps_widgets: meeting-room screen {'created' if created else 'ready'}: {base}{screen.get_absolute_url()}")
    lobby, created = Screen.objects.get_or_create(name="Lobby screen", room="Ground floor lobby",
                                                  defaults={"period_days": 90, "slide_seconds": 10})
    if not lobby.slides.exists():
        video = demo_video()
        for order, (kind, seconds) in enumerate(LOBBY_PLAYLIST):
            if kind != "video" or video is not None:
                ScreenSlide.objects.create(screen=lobby, sort_order=order, kind=kind, seconds=seconds,
                                           video=video if kind == "video" else None)
    stdout.write(f"nps_widgets: screen with a video playlist {'created' if created else 'ready'}: "
                 f"{base}{lobby.get_absolute_url()}")


# The lobby screen's playlist: (kind, seconds); the video loops for its 8 seconds.
LOBBY_PLAYLIST = [("video", 8), ("score", 12), ("comments", 10), ("video", None), ("trend", 10), ("news", 10)]
DEMO_VIDEO = Path(__file__).parent / "demo_media" / "welcome.webm"


def demo_video():
    """The demo video (4 s, 30 KB, WebM), uploaded once to the media library."""
    from django.core.files import File
    from wagtail.models import Collection
    from wagtailmedia.models import Media

    media = Media.objects.filter(title="NPS Hub welcome loop").first()
    if media is None and DEMO_VIDEO.exists():
        with DEMO_VIDEO.open("rb") as handle:
            media = Media(title="NPS Hub welcome loop", type="video", duration=4, width=640, height=360,
                          collection=Collection.get_first_root_node())
            media.file.save("welcome.webm", File(handle), save=False)
            media.save()
    return media
