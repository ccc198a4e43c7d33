from celery.schedules import crontab
from django.apps import AppConfig


class DigestConfig(AppConfig):
    name = "npshub.digest"
    label = "digest"
    verbose_name = "Digest and email"

    # Collected by npshub.celery at beat start-up.
    beat_schedule = {
        "digest-monthly": {
            "task": "digest.send_monthly_digest",
            "schedule": crontab(minute=0, hour=9, day_of_month=1),
        },
        "digest-weekly-results": {
            "task": "digest.send_weekly_results",
            "schedule": crontab(minute=0, hour=9, day_of_week="mon"),
        },
        "digest-teams-weekly": {
            "task": "digest.post_weekly_to_teams",
            "schedule": crontab(minute=5, hour=9, day_of_week="mon"),
        },
        "digest-channel-posts": {
            "task": "digest.publish_channel_posts",
            "schedule": 60.0,
        },
        "digest-recover-stuck": {
            "task": "digest.resume_mailings",
            "schedule": 300.0,
        },
    }

    def ready(self):
        from npshub import metrics
        from npshub.digest import signal_handlers  # noqa: F401
        from npshub.pages.education import user_progress

        metrics.provide("education.user_progress", user_progress)
