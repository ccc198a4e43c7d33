"""Helpers for browser tests (importable; conftest.py only holds fixtures)."""

import os
from pathlib import Path

from content.company import DEMO_PASSWORD

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORTS = {"laptop": (1366, 800), "phone": (390, 844), "tv": (1920, 1080)}


def sign_in(page, base_url, username, password=DEMO_PASSWORD, next_path="/"):
    """Sign in through the login form, as a person does; ends on ``next_path``."""
    page.goto(f"{base_url}{next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("domcontentloaded")


def shots(tmp_path):
    """Where screenshots go: NPSHUB_SHOTS to keep them for a look, else the test's temp folder."""
    folder = Path(os.environ.get("NPSHUB_SHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
