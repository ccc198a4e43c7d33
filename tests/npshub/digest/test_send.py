import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from npshub.digest import tracking
from npshub.digest.models import EmailPreference, Mailing, SendLog
from npshub.pages.models import ArticlePage, DigestPage, SectionPage
from tests.npshub.digest.conftest import html_part, text_part

pytestmark = pytest.mark.django_db


def make_issue(**fields):
    from content.digest import ensure_digest_section

    section = ensure_digest_section()
    issue = section.add_child(instance=DigestPage(
        title=fields.pop("title", "November digest"), month=timezone.localdate(), intro="Dear colleagues, a big month.",
        **fields))
    return issue


def team_responses(team_slug, scores_now, scores_before, comment=""):
    """Responses for a team this month and last month, so its NPS and change are known."""
    import datetime

    from npshub.feedback.models import Response, Source

    source, _ = Source.objects.get_or_create(slug="digest-test", defaults={"name": "Digest test"})
    # This month in the site time zone, and later than any demo answer, so the team's comment is the newest
    # one; "before" mid-way through the previous month whatever the day (the 1st too).
    month_start = timezone.localtime().replace(day=1, hour=12, minute=0, second=0, microsecond=0)
    now = max(timezone.now(), month_start + datetime.timedelta(days=1))
    before = month_start - datetime.timedelta(days=15)
    rows = [(now, s, comment) for s in scores_now] + [(before, s, "") for s in scores_before]
    Response.objects.bulk_create([
        Response(source=source, external_id=f"{team_slug}-{i}", submitted_at=at, score=score, team=team_slug, comment=text)
        for i, (at, score, text) in enumerate(rows)
    ])
    from npshub.feedback import rollups

    rollups.rebuild()


def send(issue=None):
    out = io.StringIO()
    call_command("send_digest", *([str(issue.pk)] if issue else []), stdout=out)
    return out.getvalue()


def test_digest_reaches_everyone_once_personalised(demo, smtp_server):
    User = get_user_model()
    articles = SectionPage.objects.filter(locale__language_code="en").get(slug="articles")
    articles.add_child(instance=ArticlePage(title="Hostile <img src=x onerror=alert(1)>", intro="About <b>NPS</b>",
                                            date=timezone.localdate()))
    employee = User.objects.get(username="employee")
    team = employee.profile.team
    # This month 3 promoters, 1 detractor (NPS 50); last month 1 promoter, 1 detractor (NPS 0): +50.
    team_responses(team.slug, [10, 9, 10, 2], [10, 3],
                   comment="Great help, call me on +7 916 123-45-67 or ann@example.com <script>x</script>")
    issue = make_issue()
    from npshub.pages.translating import translate

    translate(issue, "ru", {"November digest": "Ноябрьский дайджест",
                            "Dear colleagues, a big month.": "Дорогие коллеги, насыщенный месяц."})
    audience = User.objects.filter(is_active=True).exclude(email="")
    output = send(issue)
    assert f"sent {audience.count()} / skipped 0 / failed 0" in output
    messages = smtp_server.messages()
    assert len(messages) == audience.count()
    assert sorted(m["To"].addresses[0].addr_spec for m in messages) == sorted(audience.values_list("email", flat=True))
    by_to = {m["To"].addresses[0].addr_spec: m for m in messages}
    message = by_to[employee.email]
    html, text = html_part(message), text_part(message)
    assert f"Hi {employee.first_name}," in html and f"Hi {employee.first_name}," in text
    from npshub.digest.highlights import nps_change

    figures = nps_change(issue.month_start, issue.month_end, team=team.slug)
    nps, change = f"{figures['nps']:.1f}", f"{figures['change']:+.1f}"
    assert f"Your team <b>{team.name}</b>: NPS <b>{nps}</b>" in html, html[html.find("For you"):][:1500]
    assert f"({change} vs previous period)" in html
    assert f"Your team {team.name}: NPS {nps} ({change} vs previous period)" in text
    # A customer comment from the employee's department: masked, escaped.
    assert "[phone]" in html and "[e-mail]" in html and "916 123" not in html and "ann@example.com" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>x" not in html
    assert "Hostile &lt;img src=x onerror=alert(1)&gt;" in html and "<img src=x" not in html
    assert "%%NPSHUB_" not in html and "%%NPSHUB_" not in text
    # CX admins also read the awareness index and its change (npshub.reach); nobody else does.
    from npshub.reach.awareness import summary

    admin_mail = by_to[User.objects.get(username="cxadmin").email]
    index = f"{summary()['index']:.1f}%"
    assert f"Awareness index (CX admins): {index} of employees know NPS" in text_part(admin_mail)
    assert "Awareness index" not in html and "Awareness index" not in text
    # Headers: one-click unsubscribe, a stable Message-ID per recipient.
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.match(r"<http://[^>]+/t/u/\d+-\w+/digest/>", message["List-Unsubscribe"])
    # Russian-speaking colleague gets the Russian email.
    caller = User.objects.get(username="caller")
    assert caller.profile.language == "ru" and '<html lang="ru"' in html_part(by_to[caller.email])
    # ... rendered from the issue's Russian translation: subject, title and editor's note.
    russian = by_to[caller.email]
    assert russian["Subject"] == "Ноябрьский дайджест" and message["Subject"] == "November digest"
    assert "Дорогие коллеги, насыщенный месяц." in html_part(russian) and "November digest" not in html_part(russian)
    assert "Дорогие коллеги" not in html
    # Re-running sends nothing more.
    output = send(issue)
    assert f"sent 0 / skipped {audience.count()} / failed 0" in output
    assert len(smtp_server.files()) == audience.count()


def test_unsubscribe_is_honoured(demo, smtp_server, client):
    User = get_user_model()
    employee = User.objects.get(username="employee")
    token = tracking.sign("user", employee.pk)
    assert client.get(f"/t/u/{token}/digest/").status_code == 200  # GET only asks
    assert not EmailPreference.objects.filter(user=employee, digest=False).exists()
    response = client.post(f"/t/u/{token}/digest/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert EmailPreference.objects.get(user=employee).digest is False
    assert client.post(f"/t/u/{token[:-1]}x/digest/").status_code == 404
    issue = make_issue()
    output = send(issue)
    assert employee.email not in {m["To"].addresses[0].addr_spec for m in smtp_server.messages()}
    assert SendLog.objects.get(recipient=employee, mailing__issue=issue).status == SendLog.OPTED_OUT
    assert "skipped 1 " in output


def test_tracking_pixel_and_click_signed(demo, smtp_server, client):
    issue = make_issue()
    send(issue)
    message = smtp_server.messages()[0]
    html = html_part(message)
    pixel = re.search(r'src="http://[^/]+(/t/o/[^"]+\.gif)"', html).group(1)
    click = re.search(r'href="http://[^/]+(/t/c/[^"]+/\d+/)"', html).group(1)
    assert client.get(pixel).status_code == 200
    log = SendLog.objects.get(email=message["To"].addresses[0].addr_spec, mailing__issue=issue)
    assert log.opened_at and log.open_count == 1
    response = client.get(click)
    assert response.status_code == 302 and response["Location"].startswith("http")
    log.refresh_from_db()
    assert log.clicked_at and log.click_count == 1
    # Tampered tokens and unknown links are refused.
    tampered = re.sub(r"/t/o/(\d+)-", lambda m: f"/t/o/{int(m.group(1)) + 1}-", pixel)
    assert client.get(tampered).status_code == 404
    assert client.get(pixel.replace(".gif", "0.gif")).status_code == 404
    assert client.get(re.sub(r"/\d+/$", "/999/", click)).status_code == 404


def test_bounce_recorded_and_temporary_failure_retried(demo, tmp_path, settings):
    from tests.npshub.digest.conftest import start_smtp_server

    User = get_user_model()
    bounce, flaky = User.objects.filter(is_active=True).exclude(email="").order_by("pk")[:2]
    server = start_smtp_server(tmp_path, "--refuse", bounce.email, "--tempfail", flaky.email)
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.DIGEST_RETRY_BACKOFF = "127.0.0.1", server.port, 0
    try:
        issue = make_issue()
        output = send(issue)
        total = User.objects.filter(is_active=True).exclude(email="").count()
        assert f"sent {total - 1} / skipped 0 / failed 1" in output
        failed = SendLog.objects.get(recipient=bounce, mailing__issue=issue)
        assert failed.status == SendLog.FAILED and failed.error.startswith("550")
        retried = SendLog.objects.get(recipient=flaky, mailing__issue=issue)
        assert retried.status == SendLog.SENT and retried.attempts == 2
        assert len(server.files()) == total - 1
        assert Mailing.objects.get(issue=issue).finished_at is not None
    finally:
        server.stop()
