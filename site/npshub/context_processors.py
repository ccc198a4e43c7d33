from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.db.models import Q
from wagtail.models import Page, Site

from npshub import plugins, theme
from npshub.pages.i18n import in_reader_locale
from npshub.people import roles


def _plugin_nav(user_roles):
    entries = []
    for label, url_name, *needed in plugins.plugin_nav():
        # An optional third element names the roles the entry is for (any of them).
        if needed and not user_roles & set(needed[0]):
            continue
        try:
            entries.append({"label": label, "url": reverse(url_name)})
        except NoReverseMatch:
            continue
    return entries


def _sections(request):
    """The menu: the home page's sections in the reader's language (untranslated ones in the
    default language, marked with it)."""
    site = Site.find_for_request(request)
    if site is None:
        return []
    homes = site.root_page.get_translations(inclusive=True)
    under = Q()
    for home in homes.only("path"):
        under |= Q(path__startswith=home.path)
    sections = Page.objects.live().in_menu().filter(under, depth=site.root_page.depth + 1)
    return [
        {"title": page.title, "url": page.url, "lang": page.other_language}
        for page in in_reader_locale(sections.order_by("path").only("title", "url_path", "locale", "translation_key"))
    ]


def hub(request):
    user = getattr(request, "user", None)
    user_roles = roles.user_roles(user) if user else set()
    return {
        "theme_tokens": theme.tokens(),
        "theme_css": theme.css_variables(),
        "plugin_nav": _plugin_nav(user_roles),
        "plugin_css": plugins.plugin_assets()[0],
        "plugin_js": plugins.plugin_assets()[1],
        "nav_sections": _sections(request),
        "user_roles": user_roles,
        "sso_enabled": settings.SSO_ENABLED,
        "local_login": settings.LOCAL_LOGIN,
    }
