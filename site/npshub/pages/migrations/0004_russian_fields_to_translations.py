"""Retire the per-field Russian copies: each page's ``title_ru`` / ``intro_ru`` becomes its Russian
translation (wagtail-localize: the Russian texts are stored as translations of the title and intro
segments, every other segment keeps the English text until an editor translates it), then the
columns go."""

from django.db import migrations
import wagtail.fields

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
        # Optional block texts default to "" (wagtail-localize cannot extract a missing value).
        migrations.AlterField(
            model_name='guidebookpage',
            name='downloads',
            field=wagtail.fields.StreamField([('download', 2)], blank=True, block_lookup={0: ('wagtail.documents.blocks.DocumentChooserBlock', (), {}), 1: ('wagtail.blocks.CharBlock', (), {'default': '', 'max_length': 200, 'required': False}), 2: ('wagtail.blocks.StructBlock', [[('document', 0), ('description', 1)]], {})}, verbose_name='downloads'),
        ),
        migrations.AlterField(
            model_name='lessonpage',
            name='quiz',
            field=wagtail.fields.StreamField([('question', 5)], blank=True, block_lookup={0: ('wagtail.blocks.CharBlock', (), {'max_length': 300}), 1: ('wagtail.blocks.CharBlock', (), {'max_length': 200}), 2: ('wagtail.blocks.ListBlock', (1,), {'max_num': 6, 'min_num': 2}), 3: ('wagtail.blocks.IntegerBlock', (), {'help_text': 'Number of the right choice, from 1.', 'max_value': 6, 'min_value': 1}), 4: ('wagtail.blocks.TextBlock', (), {'default': '', 'help_text': 'Shown after answering.', 'required': False}), 5: ('wagtail.blocks.StructBlock', [[('question', 0), ('choices', 2), ('correct', 3), ('explanation', 4)]], {})}, verbose_name='quiz'),
        ),
    ]
