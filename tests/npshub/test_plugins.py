"""The plugin mechanism: discovery through entry points, NPSHUB_PLUGINS, and what disabling
removes. Runs with other plugin sets happen in a child pytest, since INSTALLED_APPS is fixed
at start-up."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings

from npshub import plugins
from npshub.pages.models import HomePage

ROOT = Path(__file__).resolve().parents[2]
CHECK = Path(__file__).parent / "plugin_toggle" / "check_plugin_set.py"


def test_builtin_plugins_register_through_entry_points():
    assert {"nps_widgets", "callbacks", "rewards", "plans"} <= set(plugins.available())
    assert {plugin.label for plugin in plugins.get_plugins()} == {"nps_widgets", "callbacks", "rewards", "plans"}


def test_plugins_contribute_blocks_routes_and_settings(client, django_user_model):
    assert "headline_score" in HomePage.body.field.stream_block.child_blocks
    assert settings.CALLBACKS_MAX_SCORE == 6  # a declared default
    user = django_user_model.objects.create_user("u1", password="x")
    client.force_login(user)
    assert client.get("/api/v1/rewards/me/").json()["balance"] == 0


@pytest.mark.parametrize(("enabled", "expected"), [("", ""), ("nps_widgets", "nps_widgets")])
def test_disabling_plugins_removes_their_parts_and_the_site_still_serves(enabled, expected, tmp_path):
    env = dict(os.environ, NPSHUB_PLUGINS=enabled, EXPECT_PLUGINS=expected,
               NPSHUB_TEST_DB=str(tmp_path / "child.sqlite3"),
               NPSHUB_TEST_DB_NAME=f"test_npshub_child_{os.getpid()}")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", str(CHECK), "-q", "-p", "no:cacheprovider", "--create-db"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "passed" in result.stdout


def test_broken_plugin_is_reported_by_name(tmp_path):
    package = tmp_path / "broken_plugin"
    package.mkdir()
    (package / "__init__.py").write_text("import module_that_does_not_exist\n")
    info = tmp_path / "broken_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-plugin\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text(textwrap.dedent("""
        [npshub.plugins]
        broken = broken_plugin
    """))
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    env.pop("NPSHUB_PLUGINS", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "NPS Hub plugin 'broken' (module 'broken_plugin') failed to import" in result.stderr
    assert "module_that_does_not_exist" in result.stderr
