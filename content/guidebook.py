"""Demo brand guide book: the token-driven page, with the theme's logo as a downloadable document."""

from django.conf import settings
from django.core.files.base import ContentFile

from npshub.pages.models import GuideBookPage

LOGO_USAGE = (
    "<ul><li>Use the logo on the deep navy header colour or on white; never on a photo without a dark overlay.</li>"
    "<li>Keep clear space around the logo at least the height of the dot.</li>"
    "<li>Never stretch, recolour or add effects to the logo.</li>"
    "<li>Minimum width: 120 px on screens, 30 mm in print.</li></ul>"
)
TONE = (
    "<p>We speak like a helpful colleague: <b>clear, warm and direct</b>.</p>"
    "<ul><li><b>Plain words.</b> “We'll call you back today”, not “Your request has been escalated”.</li>"
    "<li><b>Own it.</b> When we get it wrong, we say so first and then say what we are doing about it.</li>"
    "<li><b>Numbers with meaning.</b> “NPS rose 4 points: fewer late deliveries” beats a bare figure.</li>"
    "<li><b>Customers' words are theirs.</b> Quote them faithfully, never with their names or contact details.</li></ul>"
)


def _logo_document():
    from wagtail.documents.models import Document

    from npshub import theme

    existing = Document.objects.filter(title="Logo (SVG)").first()
    if existing:
        return existing
    path = settings.THEME_DIR / "static" / theme.tokens()["logo"]["path"]
    if not path.is_file():
        return None
    document = Document(title="Logo (SVG)")
    document.file.save("logo.svg", ContentFile(path.read_bytes()), save=True)
    return document


def load_guidebook(section, stdout):
    created = 0
    if not section.get_children().filter(slug="visual-identity").exists():
        logo = _logo_document()
        downloads = [{"type": "download", "value": {"document": logo.pk, "description": "Vector logo for screens and print"}}] if logo else []
        section.add_child(instance=GuideBookPage(
            title="Visual identity", slug="visual-identity",
            intro="Our colours, type, logo and voice. Every colour and size on this page comes straight from the "
                  "theme the site and the emails use, so it is always current.",
            logo_usage=LOGO_USAGE, tone_of_voice=TONE, downloads=downloads,
        ))
        created = 1
    stdout.write(f"guide book: {created} new")
