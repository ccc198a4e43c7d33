"""The demo page tree: the hub home page and its sections."""

from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site

from npshub.pages.models import ArticlePage, HomePage, SectionPage

HOME_BODY = [
    {"type": "heading", "value": {"text": "Why every one of us owns the score", "level": "h2"}},
    {"type": "paragraph", "value": (
        "<p>Net Promoter Score asks our customers one question: <b>how likely are you to recommend us "
        "to a friend?</b> Every shift in a store, every parcel, every call moves it. Here you see it live, "
        "read what customers say, and call back the ones we let down.</p>")},
]

SECTIONS = [  # (slug, title, intro)
    ("learn", "Learn NPS", "<p>What NPS is, why it matters to your department, and how to move a detractor.</p>"),
    ("guide-book", "Brand guide book", "<p>Our visual identity and tone of voice.</p>"),
    ("articles", "Articles", "<p>Stories and lessons written by colleagues across the company.</p>"),
]

ARTICLES = [  # (slug, title, intro, body, author username)
    ("the-call-that-changed-my-week", "The call that changed my week",
     "A store manager on calling back a customer whose kettle broke on day one.",
     "<p>I almost didn't call. Then she told me it was a gift for her mother, and I understood why a "
     "broken lid mattered so much. We replaced it the same day, and she changed her score to a nine.</p>",
     "manager"),
    ("what-detractors-taught-us-about-delivery", "What detractors taught us about delivery",
     "Three months of comments, one clear pattern, and what the logistics team did about it.",
     "<p>One in four detractor comments mentioned a late courier. We moved the evening delivery slot "
     "and the share of delivery complaints halved within a quarter.</p>", "cxadmin"),
]


def ensure_wagtail_roots():
    """The locale, root page and root collection Wagtail's migrations create; a flushed
    database (`manage.py flush`, transactional tests) lacks them."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Collection

    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:
        Locale.objects.get_or_create(language_code=code)
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(
            title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page)
        ))
    return root


def load_pages(stdout):
    root = ensure_wagtail_roots()
    home = HomePage.objects.filter(locale=Locale.get_default()).first()
    if home is None:
        home = root.add_child(instance=HomePage(
            title="Our customers, our score", slug="hub",
            intro="The brand's Net Promoter Score, live, and what customers are telling us today.",
            body=HOME_BODY,
        ))
        # Drop Wagtail's default welcome page, as bakerydemo does, and point the site at the hub.
        Page.objects.filter(depth=2).exclude(pk=home.pk).exclude(content_type__model="homepage").delete()
        site = Site.objects.filter(is_default_site=True).first()
        if site:
            site.root_page, site.site_name = home, "NPS Hub"
            site.save()
        else:
            Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="NPS Hub")
    created = 0
    sections = {}
    for slug, title, intro in SECTIONS:
        section = home.get_children().filter(slug=slug).first()
        if section is None:
            section = home.add_child(instance=SectionPage(title=title, slug=slug, intro=intro, show_in_menus=True))
            created += 1
        sections[slug] = section.specific
    User = get_user_model()
    for slug, title, intro, body, author in ARTICLES:
        if not sections["articles"].get_children().filter(slug=slug).exists():
            sections["articles"].add_child(instance=ArticlePage(
                title=title, slug=slug, intro=intro, author=User.objects.filter(username=author).first(),
                body=[{"type": "paragraph", "value": body}],
            ))
            created += 1
    stdout.write(f"pages: {created} new")
    from content.articles import load_articles
    from content.guidebook import load_guidebook
    from content.lessons import load_lessons
    from content.news import load_news

    load_news(home, stdout)
    load_lessons(sections["learn"], stdout)
    load_guidebook(sections["guide-book"], stdout)
    load_articles(sections["articles"], stdout)
    return home
