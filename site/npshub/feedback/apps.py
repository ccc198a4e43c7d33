from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "npshub.feedback"
    label = "feedback"
    verbose_name = "Customer feedback"
