"""Scheduled pulls with real parts: a local HTTP server process (JSON pages, CSV, XLSX, a feed
that answers 500, a Teams webhook), a real SMTP server process, and a second PostgreSQL database."""

import io
import json
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from npshub.digest.models import TeamsChannel
from npshub.feedback.models import PullRun, Response, SourcePull
from npshub.feedback.pulls import runner
from tests import factories as f
from tests.intranet.feed import feed_server  # noqa: F401 (fixture)
from tests.npshub.digest.conftest import smtp_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
MAPPING = {"_items": "data.reviews", "external_id": "id", "submitted_at": "created", "score": "rating",
           "comment": "text", "product": "tags.0"}


def review(n, day, score=9, **extra):
    return {"id": f"rv-{n}", "created": f"2026-03-{day:02d}T10:00:00+00:00", "rating": score,
            "text": f"Review {n}", "tags": ["loyalty-card"], **extra}


def json_pull(feed_server, slug="reviews", **config):
    source = f.source(slug, field_mapping=MAPPING)
    defaults = {"kind": "json", "url": f"{feed_server.url}/reviews", "next_path": "links.next",
                "cursor_param": "since", "cursor_field": "submitted_at", "headers_env": {"Authorization": "FEED_TOKEN"}}
    return SourcePull.objects.create(source=source, **{**defaults, **config})


def pull(slug):
    out = io.StringIO()
    call_command("pull_source", slug, stdout=out)
    return out.getvalue()


def test_json_feed_pulled_twice_stores_each_response_once_and_asks_only_for_newer(feed_server, monkeypatch):
    monkeypatch.setenv("FEED_TOKEN", "Bearer feed-secret")
    feed_server.set_state(require_auth="Bearer feed-secret", page_size=2,
                          reviews=[review(n, n) for n in range(1, 7)])
    json_pull(feed_server)
    output = pull("reviews")
    assert "created: 6, duplicates: 0, updated: 0, rejected: 0" in output
    first = feed_server.requests("/reviews")
    assert len(first) == 3 and "since" not in first[0]["query"]  # three pages, from the beginning
    assert all(r["authorization"] == "Bearer feed-secret" for r in first)
    assert Response.objects.filter(source__slug="reviews").count() == 6
    assert Response.objects.get(external_id="rv-3").product == "loyalty-card"

    # One new page appears; the second run asks only for what is newer than the newest pulled.
    state = {"require_auth": "Bearer feed-secret", "page_size": 2,
             "reviews": [review(n, n) for n in range(1, 7)] + [review(7, 20), review(8, 21, score=2)]}
    feed_server.set_state(**state)
    feed_server.forget_requests()
    output = pull("reviews")
    assert "created: 2, duplicates: 0, updated: 0, rejected: 0" in output
    second = feed_server.requests("/reviews")
    assert len(second) == 1 and second[0]["query"]["since"] == "2026-03-06T10:00:00+00:00"
    assert Response.objects.filter(source__slug="reviews").count() == 8
    runs = list(PullRun.objects.order_by("started_at"))
    assert [(r.status, r.created, r.trigger) for r in runs] == [("ok", 6, "command"), ("ok", 2, "command")]
    assert runs[1].cursor_before == "2026-03-06T10:00:00+00:00" and runs[1].cursor_after == "2026-03-21T10:00:00+00:00"
    assert SourcePull.objects.get().cursor == "2026-03-21T10:00:00+00:00"


def test_bad_items_are_rejected_with_their_place_and_the_good_ones_go_in(feed_server, monkeypatch):
    monkeypatch.setenv("FEED_TOKEN", "x")
    feed_server.set_state(page_size=2, reviews=[review(1, 1), review(2, 2, score=11), review(3, 3, rating=None)])
    json_pull(feed_server)
    output = pull("reviews")
    assert "created: 1, duplicates: 0, updated: 0, rejected: 2" in output
    assert "page 1, item 2: score must be between 0 and 10, not 11" in output
    assert "page 2, item 1: score is required" in output
    run = PullRun.objects.get()
    assert run.status == "ok" and run.rejections[0] == {"at": "page 1, item 2",
                                                         "reason": "score must be between 0 and 10, not 11"}


@pytest.mark.parametrize("route,param", [("paged", "page_param"), ("offset", "offset_param")])
def test_page_number_and_offset_pagination(feed_server, monkeypatch, route, param):
    monkeypatch.setenv("FEED_TOKEN", "x")
    feed_server.set_state(page_size=2, reviews=[review(n, n) for n in range(1, 6)])
    mapping = {**MAPPING, "_items": "items"}
    source = f.source(f"paged-{route}", field_mapping=mapping)
    SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/{route}",
                              **{param: "page" if route == "paged" else "offset"})
    assert "created: 5" in pull(source.slug)
    asked = [r["query"] for r in feed_server.requests(f"/{route}")]
    expected = [{"page": "1"}, {"page": "2"}, {"page": "3"}, {"page": "4"}] if route == "paged" else \
        [{"offset": "0"}, {"offset": "2"}, {"offset": "4"}, {"offset": "5"}]
    assert asked == expected  # until an empty page


CSV = (
    "external_id,submitted_at,score,comment,product\n"
    "c-1,2026-03-01T09:00:00,10,Great staff,card\n"
    "c-2,not-a-date,7,,card\n"
    "c-3,2026-03-02T09:00:00,=cmd|' /C calc'!A0,Formula,card\n"
    "c-4,2026-03-03T09:00:00,3,Slow delivery,card\n"
)


def test_csv_and_xlsx_files_at_a_url(feed_server, tmp_path):
    feed_server.put_file("export.csv", CSV.encode())
    source = f.source("csv-export")
    SourcePull.objects.create(source=source, kind="csv", url=f"{feed_server.url}/files/export.csv")
    output = pull("csv-export")
    assert "created: 2, duplicates: 0, updated: 0, rejected: 2" in output
    assert "line 3: submitted_at is not an ISO 8601 date and time" in output
    assert "created: 0, duplicates: 2" in pull("csv-export")

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["external_id", "submitted_at", "score", "comment"])
    sheet.append(["x-1", timezone.now().replace(microsecond=0, tzinfo=None), 9, "From a spreadsheet"])
    sheet.append(["x-2", "2026-03-04T10:00:00", 12, "Out of range"])
    book.save(tmp_path / "export.xlsx")
    feed_server.put_file("export.xlsx", (tmp_path / "export.xlsx").read_bytes())
    xlsx = f.source("xlsx-export")
    SourcePull.objects.create(source=xlsx, kind="csv", url=f"{feed_server.url}/files/export.xlsx")
    output = pull("xlsx-export")
    assert "created: 1, duplicates: 0, updated: 0, rejected: 1" in output and "line 3: score" in output
    assert Response.objects.get(source=xlsx).comment == "From a spreadsheet"
    feed_server.put_file("export.xlsx", b"PK\x03\x04 not really a workbook")
    with pytest.raises(CommandError, match="not a readable XLSX file"):
        pull("xlsx-export")


def test_a_failing_feed_is_recorded_retried_with_back_off_and_alerts_cx_admins_once(
        feed_server, smtp_server, settings):
    admin = f.user("cx_admin", email="cx.lead@corp.example", language="ru")
    f.user("employee", email="someone@corp.example")
    TeamsChannel.objects.create(name="CX ops", webhook_url=f"{feed_server.url}/teams", post_alerts=True,
                                post_digest=False, post_weekly=False)
    TeamsChannel.objects.create(name="All staff", webhook_url=f"{feed_server.url}/teams-all", post_alerts=False)
    settings.PULL_RETRY_BACKOFF = 60
    source = f.source("broken-feed", field_mapping={**MAPPING, "_items": "items"})
    SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/broken", every_minutes=30)
    backoffs = []
    for attempt in range(1, 4):
        before = timezone.now()
        with pytest.raises(CommandError, match="HTTP 500"):
            pull("broken-feed")
        state = SourcePull.objects.get()
        assert state.consecutive_failures == attempt and state.running_since is None
        backoffs.append(round((state.next_run_at - before).total_seconds() / 60))
        if attempt < 3:
            assert smtp_server.files() == []
    assert backoffs == [1, 2, 4]
    runs = PullRun.objects.filter(pull__source=source)
    assert [r.status for r in runs] == ["failed"] * 3 and all("HTTP 500" in r.error for r in runs)
    messages = [m for m in smtp_server.messages() if m["To"] == admin.email]
    assert len(smtp_server.files()) == 1 and len(messages) == 1
    assert "broken-feed".replace("-", " ").title() in messages[0]["Subject"]
    assert "3" in messages[0]["Subject"] and "подряд" in messages[0]["Subject"]  # in the admin's language
    posts = feed_server.teams_posts()
    assert len(posts) == 1 and "failed 3 times in a row" in json.dumps(posts[0], ensure_ascii=False)
    # A fourth failure does not alert again; a success resets the count.
    with pytest.raises(CommandError):
        pull("broken-feed")
    assert len(smtp_server.files()) == 1 and len(feed_server.teams_posts()) == 1
    SourcePull.objects.filter(source=source).update(url=f"{feed_server.url}/offset", offset_param="offset")
    feed_server.set_state(reviews=[])
    pull("broken-feed")
    assert SourcePull.objects.get().consecutive_failures == 0


def test_a_running_pull_is_never_run_twice_and_a_dead_workers_lock_expires(feed_server, settings):
    source = f.source("locked", field_mapping={**MAPPING, "_items": "items"})
    pull_row = SourcePull.objects.create(source=source, kind="json", url=f"{feed_server.url}/offset",
                                         offset_param="offset", running_since=timezone.now(), lock_token="other")
    feed_server.set_state(reviews=[review(1, 1)])
    with pytest.raises(CommandError, match="running already"):
        pull("locked")
    assert runner.run(pull_row.pk) is None and not PullRun.objects.exists()
    assert SourcePull.objects.get(pk=pull_row.pk).lock_token == "other"
    dead = PullRun.objects.create(pull=pull_row, trigger="schedule", started_at=timezone.now() - timedelta(hours=2))
    SourcePull.objects.filter(pk=pull_row.pk).update(
        running_since=timezone.now() - timedelta(seconds=settings.PULL_LOCK_TIMEOUT + 1))
    assert runner.run(pull_row.pk).status == "ok"
    dead.refresh_from_db()
    assert dead.status == "failed" and dead.error.startswith("interrupted")


def test_beat_task_runs_only_due_pulls(feed_server):
    from npshub.feedback.tasks import run_due_pulls

    feed_server.set_state(reviews=[review(1, 1)])
    due = SourcePull.objects.create(source=f.source("due", field_mapping={**MAPPING, "_items": "items"}), kind="json",
                                    url=f"{feed_server.url}/offset", offset_param="offset")
    SourcePull.objects.create(source=f.source("later"), kind="json", url=f"{feed_server.url}/offset",
                              offset_param="offset", next_run_at=timezone.now() + timedelta(minutes=5))
    SourcePull.objects.create(source=f.source("off"), kind="json", url=f"{feed_server.url}/offset",
                              offset_param="offset", active=False)
    assert run_due_pulls() == [due.pk]
    due.refresh_from_db()
    assert due.runs.get().trigger == "schedule" and due.next_run_at > timezone.now() + timedelta(minutes=59)
    assert run_due_pulls() == []
