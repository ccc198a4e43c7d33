from django.conf import settings
from django.urls import NoReverseMatch, reverse
from wagtail.models import Site

from npshub import plugins, theme
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
    site = Site.find_for_request(request)
    if site is None:
        return []
    return [
        {"title": page.title, "url": page.url}
        for page in site.root_page.get_children().live().in_menu().only("title", "url_path")
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
