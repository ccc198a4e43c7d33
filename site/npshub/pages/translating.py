"""Translating pages and snippets from code, the way editors do in the admin (wagtail-localize).

Used by the data migration that retired the ``*_ru`` fields and by the demo loaders (core and
plugins). The source object's text is split into segments by wagtail-localize; ``strings`` maps a
segment's source text to its translation, which is stored as a manual translation in
wagtail-localize's translation memory. A segment without an entry keeps the source text (as a
translator's "not translated yet"), so a later "Sync translated pages" in the admin keeps every
translation and only picks up what changed in the source.

    translate(page, "ru", {"Learn NPS": "Всё об NPS", "<b>Hello</b> world": "<b>Привет</b>, мир"})
"""

from django.db import transaction
from wagtail.models import Locale, Page, Revision
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource


def locale(language):
    return Locale.objects.get_or_create(language_code=language)[0]


@transaction.atomic
def translate(instance, language, strings=None, publish=True):
    """Create or update ``instance``'s translation into ``language``; returns the translated object.

    Pages are translated after their ancestors (an untranslated ancestor is translated first, in
    the source language), so the translated page sits in the same place of the other tree."""
    target = locale(language)
    if instance.locale_id == target.pk:
        return instance
    if isinstance(instance, Page):
        parent = instance.get_parent()
        if parent.depth > 1 and not parent.has_translation(target):
            translate(parent.specific, language, strings, publish=publish)
    source, created = TranslationSource.get_or_create_from_instance(instance)
    if not created:
        source.update_from_db()
    translation, _new = Translation.objects.get_or_create(
        source=source, target_locale=target, defaults={"enabled": True})
    strings = strings or {}
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = strings.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string, locale=target, context=segment.context,
                defaults={"data": text, "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL},
            )
        elif not StringTranslation.objects.filter(translation_of=segment.string, locale=target, context=segment.context).exists():
            # Translation memory: the same text translated before in another place (a block that got a
            # new id when another app rebuilt the body) keeps its translation.
            known = StringTranslation.objects.filter(translation_of=segment.string, locale=target).first()
            if known is not None:
                StringTranslation.objects.create(
                    translation_of=segment.string, locale=target, context=segment.context, data=known.data,
                    translation_type=known.translation_type)
    if not isinstance(instance, Page):
        translation.save_target(publish=publish)
        return instance.get_translation(target)
    # wagtail-localize publishes a page translation on commit, from the page object it held when it
    # saved the revision: inside a longer transaction (a migration, the demo loader) that would
    # write back a stale child count once children were added. Save a draft, publish it now.
    translation.save_target(publish=False)
    translated = instance.get_translation(target)
    if publish:
        Revision.objects.get(pk=translated.latest_revision_id).publish()
        translated.refresh_from_db()
    return translated


def untranslated(instance, language, strings):
    """Source texts of ``instance`` that ``strings`` does not translate (demo content checks)."""
    source, _created = TranslationSource.get_or_create_from_instance(instance)
    return [segment.string.data for segment in StringSegment.objects.filter(source=source).select_related("string")
            if segment.string.data not in strings]
