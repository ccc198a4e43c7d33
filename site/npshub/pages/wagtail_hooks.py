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
