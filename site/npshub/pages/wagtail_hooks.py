"""Admin fixes for the languages work."""

from django.utils.translation import gettext_lazy
from wagtail import hooks


@hooks.register("construct_reports_menu")
def translations_report_in_the_readers_language(request, menu_items):
    """wagtail-localize labels its "Translations" report with ``gettext`` when Wagtail first builds
    the (cached, process-wide) reports menu, so the first admin user's language stuck for everyone
    (a Russian "Переводы" for English readers). Give it a lazy label: each reader's language."""
    for item in menu_items:
        if type(item).__name__ == "TranslationsReportMenuItem":
            item.label = gettext_lazy("Translations")


@hooks.register("construct_help_menu")
def whats_new_in_the_readers_language(request, menu_items):
    """Wagtail builds its "What's new in Wagtail 8" item once per process, in the language of the first
    admin request (its label is formatted eagerly), so an English editor could read it in Russian after
    a Russian one opened the admin. Each request gets a copy labelled in its own language."""
    import copy

    from django.utils.translation import gettext
    from wagtail.utils.version import get_main_version

    version = get_main_version(include_patch=False)
    for index, item in enumerate(menu_items):
        if item.name.startswith("whats-new-in-wagtail-"):
            menu_items[index] = copy.copy(item)
            menu_items[index].label = gettext("What's new in Wagtail %(version)s") % {"version": version}
