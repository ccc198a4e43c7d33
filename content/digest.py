"""The demo digest: a Digest section and this month's issue (not sent: an editor sends it)."""

from django.utils import timezone
from wagtail.models import Locale

from npshub.pages.models import DigestPage, HomePage, SectionPage


def ensure_digest_section():
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    section = home.get_children().filter(slug="digest").first()
    if section is None:
        section = home.add_child(instance=SectionPage(
            title="Digest", slug="digest", show_in_menus=True,
            intro="<p>The monthly digest: the month's articles, our score, and what customers said.</p>",
        ))
    return section.specific


def load_digest(stdout):
    section = ensure_digest_section()
    today = timezone.localdate()
    slug = f"digest-{today:%Y-%m}"
    created = 0
    if not section.get_children().filter(slug=slug).exists():
        section.add_child(instance=DigestPage(
            title=f"NPS digest, {today:%B %Y}", slug=slug, month=today,
            intro="This month we called back more customers than ever. Here is what they told us, how our score "
                  "moved, and the stories colleagues wrote.",
        ))
        created = 1
    stdout.write(f"digest: {created} new")
    return section.get_parent().specific
