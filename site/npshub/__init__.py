"""NPS Hub core: settings, URLs, the Celery app, the plugin registry and domain events."""

from npshub.celery import app as celery_app

__all__ = ["celery_app"]
