from celery.schedules import crontab
from django.apps import AppConfig
from django.conf import settings


class FeedbackConfig(AppConfig):
    name = "npshub.feedback"
    label = "feedback"
    verbose_name = "Customer feedback"

    @property
    def beat_schedule(self):  # collected by npshub.celery at beat start-up
        return {
            "feedback-purge-contacts": {"task": "feedback.purge_contacts", "schedule": crontab(minute=20, hour=3)},
            "feedback-run-due-pulls": {"task": "feedback.run_due_pulls", "schedule": float(settings.PULL_BEAT_SECONDS)},
        }

    def ready(self):
        from npshub.api.schema import name_enum

        # Two choice sets share the field name "kind": name each in the OpenAPI schema.
        name_enum("SourceKindEnum", "npshub.feedback.models.Source.Kind")
        name_enum("PullKindEnum", "npshub.feedback.models.SourcePull.Kind")
