"""Plugin discovery and registry.

A plugin is a Django app that registers itself in the ``npshub.plugins`` entry-point group and
declares what it adds in an inner ``NpsHubPluginMeta`` class of its AppConfig::

    class NpsHubPluginMeta:
        name = "Rewards"
        version = "1.0"
        description = "Points, badges and the rewards store."
        blocks = "rewards.blocks.BLOCKS"      # [(name, Block instance)] for page StreamFields
        api = "rewards.api.register"          # register(router) adds /api/v1/ routes
        urls = "rewards.urls"                 # site URL patterns (module with urlpatterns)
        nav = [("Rewards", "rewards:store")]  # site navigation: (label, URL name[, roles])
        settings = {"REWARDS_X": 1}           # setting defaults, overridable from settings
        demo = "rewards.demo.load"            # load(stdout) adds demo data, idempotent
        css = ["rewards/rewards.css"]         # static files every page loads (blocks can be anywhere)
        js = ["rewards/rewards.js"]
        beat = {"rewards-check": {"task": "rewards.check", "schedule": 3600}}  # Celery beat entries
        page_sections = {"home": "rewards.sections.home"}  # a piece of a core page: see PAGE_SECTIONS

Every attribute but ``name`` is optional. Admin views come from the app's ``wagtail_hooks.py``
and Celery tasks from its ``tasks.py``; both disappear with the app when it is disabled.

``discover()`` runs from settings (before Django is set up) to decide INSTALLED_APPS;
everything else runs once apps are ready. The core never imports a plugin by name.
"""

import importlib
import traceback
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import entry_points

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

ENTRY_POINT_GROUP = "npshub.plugins"


class PluginError(ImproperlyConfigured):
    """A plugin could not be loaded; the message names it."""


def available():
    """{name: module} for every plugin registered in the entry-point group."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def discover(enabled=None):
    """Module names of the enabled plugins, checked to import; for INSTALLED_APPS.

    ``enabled`` is the list from NPSHUB_PLUGINS, or None for every registered plugin.
    """
    registered = available()
    if enabled is None:
        names = sorted(registered)
    else:
        unknown = [name for name in enabled if name not in registered]
        if unknown:
            raise PluginError(
                f"NPSHUB_PLUGINS names unknown plugin(s): {', '.join(unknown)}. "
                f"Registered plugins: {', '.join(sorted(registered)) or 'none'}."
            )
        names = list(enabled)
    modules = []
    for name in names:
        module = registered[name]
        try:
            importlib.import_module(module)
        except Exception as exc:
            raise PluginError(
                f"NPS Hub plugin '{name}' (module '{module}') failed to import: "
                f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
            ) from exc
        modules.append(module)
    return modules


# Places on the site's pages where plugins add a section of their own, and what each section
# function receives. A section function is ``fn(request, **kwargs)`` and returns HTML (a string
# rendered by the plugin's own template, escaped there) or "" to add nothing. The page renders them
# with ``{% load hub_sections %}{% plugin_sections "<place>" key=value %}``, in plugin order.
PAGE_SECTIONS = {
    "home": "the home page, under its introduction; kwargs: none",
    "team": "a team's page; kwargs: team (people.Team)",
}


@dataclass
class Plugin:
    label: str
    module: str
    name: str
    version: str = ""
    description: str = ""
    blocks: list = field(default_factory=list)
    api: object = None
    urls: object = None
    nav: list = field(default_factory=list)
    settings: dict = field(default_factory=dict)
    demo: object = None
    css: list = field(default_factory=list)
    js: list = field(default_factory=list)
    page_sections: dict = field(default_factory=dict)


def _page_sections(label, meta):
    declared = dict(getattr(meta, "page_sections", {}) or {})
    unknown = sorted(set(declared) - set(PAGE_SECTIONS))
    if unknown:
        raise PluginError(
            f"NPS Hub plugin '{label}' declares page sections for unknown place(s) {', '.join(unknown)}; "
            f"places: {', '.join(PAGE_SECTIONS)}."
        )
    sections = {}
    for place, path in declared.items():
        try:
            sections[place] = import_string(path)
        except Exception as exc:
            raise PluginError(
                f"NPS Hub plugin '{label}' declares page_sections[{place!r}] = {path!r}, which failed to load: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    return sections


def _resolve(label, meta, attribute):
    path = getattr(meta, attribute, None)
    if path is None:
        return None
    try:
        return import_string(path) if attribute != "urls" else importlib.import_module(path)
    except Exception as exc:
        raise PluginError(
            f"NPS Hub plugin '{label}' declares {attribute} = {path!r}, which failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _build(app_config):
    meta = app_config.NpsHubPluginMeta
    label = app_config.label
    return Plugin(
        label=label,
        module=app_config.name,
        name=meta.name,
        version=getattr(meta, "version", ""),
        description=getattr(meta, "description", ""),
        blocks=list(_resolve(label, meta, "blocks") or []),
        api=_resolve(label, meta, "api"),
        urls=_resolve(label, meta, "urls"),
        nav=list(getattr(meta, "nav", [])),
        settings=dict(getattr(meta, "settings", {})),
        demo=_resolve(label, meta, "demo"),
        css=list(getattr(meta, "css", [])),
        js=list(getattr(meta, "js", [])),
        page_sections=_page_sections(label, meta),
    )


@cache
def get_plugins():
    """The enabled plugins, in INSTALLED_APPS order."""
    from django.apps import apps

    return [
        _build(config)
        for config in apps.get_app_configs()
        if hasattr(config, "NpsHubPluginMeta")
    ]


def apply_setting_defaults():
    """Give each plugin's declared setting defaults to django.conf.settings, unless set."""
    from django.conf import settings

    for plugin in get_plugins():
        for key, value in plugin.settings.items():
            if not hasattr(settings, key):
                setattr(settings, key, value)


def plugin_blocks():
    return [block for plugin in get_plugins() for block in plugin.blocks]


def plugin_assets():
    """(css paths, js paths) of every enabled plugin, for the base template."""
    enabled = get_plugins()
    return [path for p in enabled for path in p.css], [path for p in enabled for path in p.js]


def plugin_nav():
    return [entry for plugin in get_plugins() for entry in plugin.nav]


def page_sections(place):
    """The enabled plugins' section functions for ``place`` (a key of PAGE_SECTIONS)."""
    if place not in PAGE_SECTIONS:
        raise ValueError(f"Unknown page section place {place!r}; places: {', '.join(PAGE_SECTIONS)}.")
    return [plugin.page_sections[place] for plugin in get_plugins() if place in plugin.page_sections]
