"""Texts of records that other rows point at, in the reader's language.

Store items, badges, challenges, topics and playbooks are referenced by foreign keys (redemptions,
awards, tagged responses, playbook runs) and carry state (stock, awards, ``reached_at``, the unique
playbook per segment, the topic's keyword rules). Wagtail's ``TranslatableMixin`` would make each
translation a separate row with its own id and its own copy of that state: the Russian store item
would have its own stock, a badge would be awarded once per language, a response would be tagged
with either the English or the Russian topic. So these records keep one row, and each text the
reader sees has a companion field per extra language (``name`` + ``name_ru``) edited side by side.

    translated(item, "name")          # name_ru for a Russian reader when filled, else name
    class RewardItem(TranslatedFields, models.Model): translated_fields = ("name", "description")
    item.tr.name                      # the same, handy in templates: {{ item.tr.name }}
"""

from django.conf import settings
from django.utils import translation


def default_language():
    return settings.LANGUAGE_CODE.split("-")[0]


def extra_languages():
    """The languages that get a companion field (all but the default one)."""
    return [code for code, _name in settings.LANGUAGES if code != default_language()]


def translated(obj, field, language=None):
    """``obj.<field>_<language>`` when filled, else ``obj.<field>`` (the default-language text)."""
    language = (language or translation.get_language() or default_language()).split("-")[0].lower()
    if language != default_language():
        value = getattr(obj, f"{field}_{language}", "")
        if value:
            return value
    return getattr(obj, field)


class _Reader:
    def __init__(self, obj, language=None):
        self._obj, self._language = obj, language

    def __getattr__(self, field):
        if field.startswith("_") or field not in getattr(self._obj, "translated_fields", ()):
            raise AttributeError(field)
        return translated(self._obj, field, self._language)

    def __getitem__(self, field):  # for {{ obj.tr|... }} lookups from templates
        try:
            return getattr(self, field)
        except AttributeError:
            raise KeyError(field) from None


class TranslatedFields:
    """Mixin: ``translated_fields`` names the texts; ``obj.tr.<field>`` reads them in the active language."""

    translated_fields = ()

    @property
    def tr(self):
        return _Reader(self)

    def in_language(self, language):
        return _Reader(self, language)
