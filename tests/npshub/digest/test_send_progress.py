"""`send_digest` reports progress while the workers send, not silence until the end."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from npshub.digest import tasks
from npshub.digest.management.commands import send_digest
from npshub.digest.mailing import set_preference
from npshub.digest.models import SendLog
from npshub.pages.models import HomePage
from tests import factories as f
from tests.npshub.digest.test_send import make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue():
    from content.pages import ensure_wagtail_roots

    from wagtail.models import Site

    home = ensure_wagtail_roots().add_child(instance=HomePage(title="Hub", slug="hub"))
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return make_issue(title="November digest")


@pytest.fixture
def workers(monkeypatch):
    """Stand-in workers: each wait of the command handles the next three rows (every third one a bounce)."""
    monkeypatch.setattr(tasks, "enqueue", lambda mailing: 0)
    handled = []

    def wait(command):
        rows = SendLog.objects.filter(status=SendLog.PENDING).order_by("pk")[:3]
        for row in rows:
            handled.append(row.pk)
            row.status = SendLog.FAILED if len(handled) % 3 == 0 else SendLog.SENT
            row.sent_at = timezone.now() if row.status == SendLog.SENT else None
            row.save()

    monkeypatch.setattr(send_digest.Command, "wait", wait)
    return handled


def run(issue, *args):
    out = io.StringIO()
    call_command("send_digest", str(issue.pk), *args, stdout=out)
    return out.getvalue().splitlines()


def test_progress_lines_as_recipients_are_handled(issue, workers):
    people = [f.user("employee") for _ in range(10)]
    set_preference(people[0], "digest", False)  # unsubscribed: skipped
    assert run(issue, "--progress-every", "4") == [
        "Sending “November digest” (10 in the audience)",
        "  7/10 handled: 4 sent, 1 skipped, 2 failed",
        "sent 6 / skipped 1 / failed 3",
    ]


def test_a_line_at_every_step_when_asked(issue, workers):
    for _ in range(7):
        f.user("employee")
    assert run(issue, "--progress-every", "1") == [
        "Sending “November digest” (7 in the audience)",
        "  3/7 handled: 2 sent, 0 skipped, 1 failed",
        "  6/7 handled: 4 sent, 0 skipped, 2 failed",
        "sent 5 / skipped 0 / failed 2",
    ]


def test_quiet_with_verbosity_0(issue, workers):
    for _ in range(5):
        f.user("employee")
    assert run(issue, "--progress-every", "1", "--verbosity", "0") == []
    assert SendLog.objects.filter(status__in=SendLog.TERMINAL).count() == 5
