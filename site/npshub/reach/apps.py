from django.apps import AppConfig


class ReachConfig(AppConfig):
    """Reach: the awareness index, usage analytics and the embeddable score (README "Reach")."""

    name = "npshub.reach"
    label = "reach"
    verbose_name = "Reach and awareness"

    def ready(self):
        from npshub import metrics
        from npshub.reach import awareness, signal_handlers  # noqa: F401

        metrics.provide("reach.awareness", awareness.summary)
