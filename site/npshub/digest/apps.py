from celery.schedules import crontab
from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "npshub.digest"
    label = "digest"
    verbose_name = "Digest and email"

    # Collected by npshub.celery at beat start-up.
    beat_schedule = {
        "digest-monthly": {
            "task": "npshub.digest.tasks.send_monthly_digest",
            "schedule": crontab(minute=0, hour=9, day_of_month=1),
        },
        "digest-weekly-results": {
            "task": "npshub.digest.tasks.send_weekly_results",
            "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
        },
        "digest-teams-weekly": {
            "task": "npshub.digest.tasks.post_weekly_to_teams",
            "schedule": crontab(minute=5, hour=9, day_of_week="mon"),
        },
        "digest-recover-stuck": {
            "task": "npshub.digest.tasks.resume_mailings",
            "schedule": 300.0,
        },
    }

    def ready(self):
        from npshub import metrics
        from npshub.digest import signal_handlers  # noqa: F401
        from npshub.pages.education import user_progress

        metrics.provide("education.user_progress", user_progress)
