"""`load_demo` says what it is doing: a line per stage with its time, the responses batch by batch;
nothing with --verbosity 0."""

import io
import itertools

import pytest
from django.core.management import call_command

from content.management.commands import load_demo
from content.responses import load_responses
from npshub import plugins

pytestmark = pytest.mark.django_db


def test_stages_with_their_time_and_quiet_with_verbosity_0(monkeypatch):
    quiet = io.StringIO()
    call_command("load_demo", responses=300, verbosity=0, stdout=quiet)
    assert quiet.getvalue() == ""

    ticks = itertools.count(0.0, 1.0)  # every clock reading one second later: each stage takes 1.0 s
    monkeypatch.setattr(load_demo, "clock", lambda: next(ticks))
    out = io.StringIO()
    call_command("load_demo", responses=300, quiet_logins=True, stdout=out)
    lines = out.getvalue().splitlines()
    names = ["company and pages", "topics", "responses", "reference labels", "pull", "digest and translations",
             "Teams channel posts", "reach history", "rollups", *[f"plugin {p.label}" for p in plugins.get_plugins() if p.demo]]
    assert [line for line in lines if line.startswith("[")] == [
        f"[{n}/{len(names)}] {name}: 1.0 s" for n, name in enumerate(names, 1)
    ]
    assert lines[-1] == f"Demo loaded in {2 * len(names) + 1}.0 s"
    # Each stage's own counts come before its line (304: the callbacks demo adds a customer journey and a turnaround).
    assert lines.index("responses: 304 demo responses already loaded") == lines.index(f"[3/{len(names)}] responses: 1.0 s") - 1


def test_responses_report_every_batch():
    from content.pages import ensure_wagtail_roots

    ensure_wagtail_roots()
    from django.core.management.base import OutputWrapper

    out = io.StringIO()
    assert load_responses(250, OutputWrapper(out), batch_size=100) == 250
    assert out.getvalue().splitlines() == [
        "responses: 100/250 (100 new)",
        "responses: 200/250 (200 new)",
        "responses: 250 new demo responses (250 in all)",
    ]
