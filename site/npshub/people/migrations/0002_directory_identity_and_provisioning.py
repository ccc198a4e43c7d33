import uuid

from django.conf import settings
from django.db import migrations, models

import npshub.people.models


def give_existing_profiles_a_scim_id(apps, schema_editor):
    Profile = apps.get_model("people", "Profile")
    for profile in Profile.objects.filter(scim_id__isnull=True).only("pk"):
        Profile.objects.filter(pk=profile.pk).update(scim_id=uuid.uuid4().hex)


class Migration(migrations.Migration):

    dependencies = [
        ("people", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="profile",
            name="sso_subject",
            field=models.CharField(blank=True, editable=False, max_length=255, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="profile",
            name="scim_id",
            field=models.CharField(editable=False, max_length=64, null=True, unique=True),
        ),
        migrations.RunPython(give_existing_profiles_a_scim_id, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="profile",
            name="scim_id",
            field=models.CharField(
                default=npshub.people.models._new_directory_id, editable=False, max_length=64, null=True, unique=True
            ),
        ),
        migrations.AddField(
            model_name="profile",
            name="scim_external_id",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.CreateModel(
            name="DirectoryGroup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("scim_id", models.CharField(default=npshub.people.models._new_directory_id, editable=False,
                                             max_length=64, unique=True)),
                ("display_name", models.CharField(max_length=255, verbose_name="name")),
                ("external_id", models.CharField(blank=True, max_length=255, verbose_name="external id")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("members", models.ManyToManyField(blank=True, related_name="directory_groups",
                                                   to=settings.AUTH_USER_MODEL)),
            ],
            options={"ordering": ["display_name"], "verbose_name": "directory group"},
        ),
        migrations.CreateModel(
            name="ProvisioningToken",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100, verbose_name="name")),
                ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                ("prefix", models.CharField(editable=False, max_length=8, verbose_name="starts with")),
                ("active", models.BooleanField(default=True, verbose_name="active")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("last_used_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={"ordering": ["name"], "verbose_name": "SCIM token"},
        ),
    ]
