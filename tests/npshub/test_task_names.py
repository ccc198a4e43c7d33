"""Celery task names follow one rule, ``<app label>.<function name>``, and every beat entry (the
core's and the enabled plugins' NpsHubPluginMeta.beat) names a registered task."""

from django.apps import apps

from npshub import plugins
from npshub.celery import app, collect_beat_schedule


def _label_of(module):
    config = apps.get_containing_app_config(module)
    return config.label if config else None


def test_every_task_is_named_app_label_dot_function():
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert ours
    wrong = {name: f"{_label_of(task.__module__)}.{task.run.__name__}" for name, task in ours.items()
             if name != f"{_label_of(task.__module__)}.{task.run.__name__}"}
    assert wrong == {}


def test_beat_reads_the_enabled_plugins_schedules_and_names_real_tasks():
    app.loader.import_default_modules()
    schedule = collect_beat_schedule()
    for plugin in plugins.get_plugins():
        assert set(plugin.beat) <= set(schedule)
    assert schedule["digest-monthly"]["task"] == "digest.send_monthly_digest"  # a core app's own schedule
    assert sorted(entry["task"] for entry in schedule.values() if entry["task"] not in app.tasks) == []
