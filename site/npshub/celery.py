import os

from celery import Celery
from celery.signals import beat_embedded_init, beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "npshub.settings")

app = Celery("npshub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_filesystem_broker_folders(sender, **kwargs):
    """kombu's filesystem transport expects its folders to exist."""
    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            os.makedirs(options[key], exist_ok=True)
    backend = sender.conf.result_backend or ""
    if backend.startswith("file://"):
        os.makedirs(backend.removeprefix("file://"), exist_ok=True)


def collect_beat_schedule():
    """Scheduled tasks declared by installed apps: a core AppConfig's ``beat_schedule`` dict, and the
    enabled plugins' ``NpsHubPluginMeta.beat`` (through the plugin registry). Disabled plugins'
    schedules disappear with them. The one place beat entries are read."""
    from django.apps import apps

    from npshub.plugins import plugin_beat

    schedule = {}
    for config in apps.get_app_configs():
        schedule.update(getattr(config, "beat_schedule", {}))
    schedule.update(plugin_beat())
    return schedule


@beat_init.connect
@beat_embedded_init.connect
def _install_beat_schedule(sender, **kwargs):
    # Runs once Django is set up. Celery's beat service has already built its scheduler from the
    # configuration by then (Service.start reads it before sending beat_init), so the entries are
    # merged into that scheduler too, or beat would run none of them.
    app.conf.beat_schedule = {**(app.conf.beat_schedule or {}), **collect_beat_schedule()}
    scheduler = getattr(sender, "scheduler", None)
    if scheduler is not None:
        scheduler.merge_inplace(app.conf.beat_schedule)
