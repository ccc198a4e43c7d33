"""The admin home: the core's panels (plugins add theirs from their own wagtail_hooks.py) and avatars
from the profile or initials, never from an outside server (WAGTAIL_GRAVATAR_PROVIDER_URL = None)."""

from wagtail import hooks

from npshub import admin_home


@hooks.register("construct_homepage_panels")
def core_home_panels(request, panels):
    for panel_class in admin_home.CORE_PANELS:
        admin_home.add_panel(request, panels, panel_class)


@hooks.register("get_avatar_url")
def profile_or_initials_avatar(user, size):
    return admin_home.avatar_url(user, size)
