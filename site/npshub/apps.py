from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "npshub"
    label = "npshub"
    verbose_name = "NPS Hub core"

    def ready(self):
        from npshub import plugins, spreadsheet

        plugins.apply_setting_defaults()
        spreadsheet.install()  # formula injection: one rule for the admin's exports and ours
