"""Pages in the reader's language: the one home for choosing between a page's translations.

Wagtail keeps one page tree per locale (``WAGTAIL_I18N_ENABLED``); editors translate with
wagtail-localize. URLs are the same in every language: the site's root page resolves to its
translation in the active language (Wagtail's ``Page.route_for_request``), so ``/learn/what-is-nps/``
is the Russian lesson for a Russian reader and the English one for an English reader, and links
people bookmarked keep working whatever language they read in.

    in_reader_locale(NewsPage.objects.live())  → one page per translation group, the reader's
                                                 translation where there is one, else the default's
    canonical(lesson)                          → the default-locale page (progress, events, mailings)
    route_with_fallback(home, request, path)   → a page not translated yet is served from the
                                                 other tree (the template shows a note), never a 404
"""

from django.http import Http404
from wagtail.models import Locale
from wagtail_localize.fields import SynchronizedField

# Page types set ``override_translatable_fields = SAME_URL``: a translation keeps the source's slug,
# so a page has one URL in every language (translators are not offered the slug).
SAME_URL = [SynchronizedField("slug")]


def active_locale():
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def in_reader_locale(pages):
    """One page per translation group from ``pages`` (a queryset or list, any locales), keeping
    their order: the reader's translation where it exists, else the default locale's. A page not in
    the reader's language gets ``other_language`` (its language code, for a ``lang`` attribute)."""
    active, default = active_locale(), Locale.get_default()
    if hasattr(pages, "filter") and not pages.query.is_sliced:
        pages = pages.filter(locale_id__in={active.pk, default.pk})
    rows = list(pages)
    chosen = {}
    for page in rows:
        current = chosen.get(page.translation_key)
        if current is None or (page.locale_id == active.pk and current.locale_id != active.pk):
            chosen[page.translation_key] = page
    result = [page for page in rows if chosen.get(page.translation_key) is page]
    codes = {active.pk: active.language_code, default.pk: default.language_code}
    for page in result:
        page.other_language = "" if page.locale_id == active.pk else codes.get(page.locale_id, "")
    return result


def in_language(page, language):
    """The live translation of ``page`` in ``language`` (a mailing renders each language from its
    own translation), else the page itself."""
    translated = page.get_translations(inclusive=True).filter(locale__language_code=language).live().first()
    return translated.specific if translated is not None else page


def canonical(page):
    """The page in the default locale (what progress, events and mailings are keyed on)."""
    default = Locale.get_default()
    if page.locale_id == default.pk:
        return page
    return page.get_translation_or_none(default) or page


def route_with_fallback(home, request, path_components, route):
    """Route in the reader's tree; where the page has no translation yet, route in the other
    locales' trees (default first). ``route`` is the plain routing of a home page."""
    try:
        return route(home, request, path_components)
    except Http404:
        default = Locale.get_default()
        others = sorted(home.get_translations().live().specific(), key=lambda page: page.locale_id != default.pk)
        for other in others:
            try:
                return route(other, request, path_components)
            except Http404:
                continue
        raise
