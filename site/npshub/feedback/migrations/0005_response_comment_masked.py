"""Response.comment_masked: the comment with personal data masked, stored once so that employees
read and search only the masked text. Existing rows are filled in batches of BATCH."""

from django.db import migrations, models

BATCH = 5000


def fill_comment_masked(apps, schema_editor):
    from npshub.feedback.bulk import update_rows  # COPY + UPDATE ... FROM on PostgreSQL
    from npshub.feedback.masking import mask_pii

    Response = apps.get_model("feedback", "Response")
    rows = Response.objects.exclude(comment="").order_by("pk")
    last_pk = 0
    while True:
        batch = list(rows.filter(pk__gt=last_pk).values_list("pk", "comment")[:BATCH])
        if not batch:
            break
        update_rows(Response, [{"pk": pk, "comment_masked": mask_pii(comment)} for pk, comment in batch],
                    ["comment_masked"])
        last_pk = batch[-1][0]


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0004_rollup_dimension_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="response",
            name="comment_masked",
            field=models.TextField(
                blank=True, editable=False, verbose_name="comment (personal data masked)",
                help_text="The comment as employees read and search it: phones, e-mails and card numbers masked.",
            ),
        ),
        migrations.RunPython(fill_comment_masked, migrations.RunPython.noop, elidable=True),
    ]
