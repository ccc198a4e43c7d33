"""The demo's pulling source: a partner review site's JSON feed (two pages with a next link),
served by the site itself as static files, pulled hourly by beat (`make run` runs beat) or at
once with `python manage.py pull_source partner-reviews` / Admin → Feedback → Pulls → Pull now."""

from django.conf import settings

from npshub.feedback.models import Source, SourcePull

SLUG = "partner-reviews"
MAPPING = {"_items": "data.reviews", "external_id": "review_id", "submitted_at": "posted", "score": "stars_nps",
           "comment": "body", "language": "lang", "channel": "shop.channel", "product": "shop.product"}


def load_pull(stdout):
    source, created = Source.objects.get_or_create(slug=SLUG, defaults={
        "name": "Partner review site (pulled)", "kind": Source.Kind.MARKETPLACE, "field_mapping": MAPPING})
    SourcePull.objects.get_or_create(source=source, defaults={
        "kind": SourcePull.Kind.JSON, "every_minutes": 60, "next_path": "links.next",
        "url": f"{settings.NPSHUB_BASE_URL}{settings.STATIC_URL}feedback/demo/partner-reviews-1.json",
        "cursor_param": "since", "cursor_field": "submitted_at"})
    if created:
        stdout.write(f"Demo pull: source '{SLUG}' reads {settings.NPSHUB_BASE_URL}{settings.STATIC_URL}"
                     "feedback/demo/partner-reviews-1.json hourly (python manage.py pull_source partner-reviews)")
