"""Retire the per-field Russian copies: each page's ``title_ru`` / ``intro_ru`` becomes its Russian
translation (wagtail-localize: the Russian texts are stored as translations of the title and intro
segments, every other segment keeps the English text until an editor translates it), then the
columns go."""

from django.db import migrations

MODELS = ("newspage", "lessonpage", "guidebookpage", "digestpage")


def to_translations(apps, schema_editor):
    from django.conf import settings

    Locale = apps.get_model("wagtailcore", "Locale")
    for code, _name in settings.WAGTAIL_CONTENT_LANGUAGES:  # editors translate into every content language
        Locale.objects.get_or_create(language_code=code)
    rows = []
    for name in MODELS:
        model = apps.get_model("pages", name)
        rows += list(model.objects.exclude(title_ru="", intro_ru="").values_list("pk", "title", "title_ru", "intro", "intro_ru"))
    if not rows:
        return  # a fresh database: nothing to move (and the live models below need not match it)
    # wagtail-localize's translation machinery works on the live models; at this point they match
    # the tables except for the two columns this migration removes next.
    from wagtail.models import Page

    from npshub.pages.translating import translate

    for pk, title, title_ru, intro, intro_ru in rows:
        strings = {text: russian for text, russian in ((title, title_ru), (intro, intro_ru)) if text and russian}
        page = Page.objects.get(pk=pk).specific
        translate(page, "ru", strings, publish=page.live)


class Migration(migrations.Migration):
    atomic = False  # the data step runs in its own transaction before the columns are dropped (PostgreSQL)

    dependencies = [
        ("pages", "0003_education_guidebook_articles_digest"),
        ("wagtail_localize", "0016_rename_page_revision_translationlog_revision"),
    ]

    operations = [
        migrations.RunPython(to_translations, migrations.RunPython.noop, atomic=True),
        *[
            migrations.RemoveField(model_name=model, name=field)
            for model in MODELS for field in ("title_ru", "intro_ru")
        ],
    ]
