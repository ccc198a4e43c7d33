from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "npshub.pages"
    label = "pages"
    verbose_name = "Pages"
