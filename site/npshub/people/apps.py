from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PeopleConfig(AppConfig):
    name = "npshub.people"
    label = "people"
    verbose_name = "People"

    def ready(self):
        from npshub.people import roles, signal_handlers  # noqa: F401

        post_migrate.connect(roles.ensure_groups_after_migrate, dispatch_uid="people.ensure_groups")
