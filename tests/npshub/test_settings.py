"""Bad configuration fails at start-up with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def start(env_changes):
    env = {k: v for k, v in os.environ.items() if k not in env_changes or env_changes[k] is not None}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_valid_configuration_starts():
    assert start({}).returncode == 0


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SECRET_KEY": None, "DJANGO_DEBUG": "0"}, "SECRET_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"NPSHUB_PLUGINS": "rewards,teleporter"}, "teleporter"),
        ({"NPSHUB_THEME": "missing-theme"}, "NPSHUB_THEME"),
        ({"CELERY_TASK_TIME_LIMIT": "soon"}, "CELERY_TASK_TIME_LIMIT"),
    ],
)
def test_bad_setting_is_named(changes, named):
    result = start(changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr or "PluginError" in result.stderr
    assert named in result.stderr


def test_debug_is_off_by_default():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env={**{k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}, "SECRET_KEY": "x"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "False"
