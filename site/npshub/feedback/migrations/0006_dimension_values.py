"""Dimension values as reference records with a label per language; the values already in the
data get their record (labelled with the slug until a CX admin names them)."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


def existing_values(apps, schema_editor):
    from django.conf import settings

    Response = apps.get_model("feedback", "Response")
    Source = apps.get_model("feedback", "Source")
    DimensionValue = apps.get_model("feedback", "DimensionValue")
    Locale = apps.get_model("wagtailcore", "Locale")
    locale = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)[0]
    rows = []
    for dimension in ("segment", "product", "channel", "region", "team"):
        values = Response.objects.exclude(**{dimension: ""}).values_list(dimension, flat=True).distinct()
        rows += [DimensionValue(dimension=dimension, slug=slug, label=slug, locale=locale) for slug in values]
    rows += [DimensionValue(dimension="source", slug=slug, label=name, locale=locale)
             for slug, name in Source.objects.values_list("slug", "name")]
    DimensionValue.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ('feedback', '0005_response_comment_masked'),
        ('wagtailcore', '0098_apitoken'),
    ]

    operations = [
        migrations.CreateModel(
            name='DimensionValue',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('translation_key', models.UUIDField(default=uuid.uuid4, editable=False)),
                ('dimension', models.CharField(choices=[('product', 'Product'), ('region', 'Region'), ('segment', 'Segment'), ('channel', 'Channel'), ('team', 'Team'), ('source', 'Source')], max_length=20, verbose_name='dimension')),
                ('slug', models.CharField(help_text='As it arrives in the data; never changes.', max_length=100, verbose_name='value (slug)')),
                ('label', models.CharField(help_text='What people read instead of the slug.', max_length=150, verbose_name='label')),
                ('locale', models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='wagtailcore.locale', verbose_name='locale')),
            ],
            options={
                'verbose_name': 'dimension value',
                'verbose_name_plural': 'dimension values',
                'ordering': ['dimension', 'slug'],
                'abstract': False,
                'constraints': [models.UniqueConstraint(fields=('dimension', 'slug', 'locale'), name='feedback_dimension_value_once')],
                'unique_together': {('translation_key', 'locale')},
            },
        ),
        migrations.RunPython(existing_values, migrations.RunPython.noop),
    ]
