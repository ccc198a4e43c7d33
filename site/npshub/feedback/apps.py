from celery.schedules import crontab
from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "npshub.feedback"
    label = "feedback"
    verbose_name = "Customer feedback"

    # Collected by npshub.celery at beat start-up.
    beat_schedule = {
        "feedback-purge-contacts": {"task": "feedback.purge_contacts", "schedule": crontab(minute=20, hour=3)},
    }
