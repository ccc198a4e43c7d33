"""Ingestion through the CLI and the service: bad rows rejected with position and reason while
good rows go in, duplicates recognised, changes recorded, HTML stripped, contacts kept apart."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from npshub import events
from npshub.feedback import ingest
from npshub.feedback.filters import StatsFilter
from npshub.feedback.models import CustomerContact, Response, ResponseChange, Source
from npshub.feedback.records import COMMENT_MAX_LENGTH, Rejected, clean
from npshub.feedback.stats import summary

pytestmark = pytest.mark.django_db

HEADER = ("external_id,submitted_at,score,comment,segment,product,channel,region,team,customer_name,"
          "customer_phone,customer_email,callback_consent,data_consent,language")


def write_csv(tmp_path, lines, name="responses.csv", raw_tail=b""):
    path = tmp_path / name
    path.write_bytes(("\n".join([HEADER, *lines]) + "\n").encode() + raw_tail)
    return path


def run_import(path, *args):
    out = io.StringIO()
    call_command("import_responses", str(path), *args, stdout=out)
    return out.getvalue()


def test_bad_rows_are_rejected_with_line_and_reason_while_good_rows_go_in(tmp_path):
    long_comment = "x" * (COMMENT_MAX_LENGTH + 1)
    path = write_csv(tmp_path, [
        "ok-1,2026-03-01T10:00:00,9,Lovely,new,kettle,online,moscow,webshop,,,,,,en",      # line 2
        "bad-score,2026-03-01T10:00:00,11,,,,,,,,,,,,",                                     # line 3
        "half,2026-03-01T10:00:00,7.5,,,,,,,,,,,,",                                         # line 4
        "words,2026-03-01T10:00:00,seven,,,,,,,,,,,,",                                      # line 5
        "no-date,,5,,,,,,,,,,,,",                                                           # line 6
        "bad-date,31/02/2026,5,,,,,,,,,,,,",                                                # line 7
        ",2026-03-01T10:00:00,5,missing id,,,,,,,,,,,",                                     # line 8
        "no-score,2026-03-01T10:00:00,,,,,,,,,,,,,",                                        # line 9
        f"too-long,2026-03-01T10:00:00,5,{long_comment},,,,,,,,,,,",                        # line 10
        "bad-bool,2026-03-01T10:00:00,5,,,,,,,,,,perhaps,,",                                # line 11
        "bad-mail,2026-03-01T10:00:00,5,,,,,,,,,not-an-email,,,",                           # line 12
        "ok-2,2026-03-01,0,,,,,,,,,,no,0,ru",                                               # line 13
    ], raw_tail=b"bad-utf8,2026-03-01T10:00:00,4,caf\xe9,,,,,,,,,,,\n")                      # line 14
    output = run_import(path, "--source", "survey", "--no-progress")

    assert "created: 2, duplicates: 0, updated: 0, rejected: 11" in output
    expected = {
        3: "score must be between 0 and 10, not 11",
        4: "score must be a whole number 0..10, not '7.5'",
        5: "score must be a whole number 0..10, not 'seven'",
        6: "submitted_at is required",
        7: "submitted_at is not an ISO 8601 date and time: '31/02/2026'",
        8: "external_id is required",
        9: "score is required",
        10: f"comment is longer than {COMMENT_MAX_LENGTH} characters",
        11: "callback_consent must be true/false/yes/no/1/0, not 'perhaps'",
        12: "customer_email is not a valid e-mail address",
        14: "not valid UTF-8 text",
    }
    for line, reason in expected.items():
        assert f"line {line}: {reason}" in output
    assert set(Response.objects.values_list("external_id", flat=True)) == {"ok-1", "ok-2"}
    zero = Response.objects.get(external_id="ok-2")
    assert zero.score == 0 and zero.language == "ru" and zero.callback_consent is False
    # Naive times are in the site time zone (Europe/Moscow by default).
    assert zero.submitted_at == datetime.datetime(2026, 3, 1, tzinfo=ZoneInfo("Europe/Moscow"))
    assert Source.objects.get(slug="survey").name == "Survey"  # created when new

    with open(f"{path}.rejected.csv", encoding="utf-8", errors="surrogateescape", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == ["line", "reason", "external_id", "submitted_at"]
    assert [int(row[0]) for row in rows[1:]] == sorted(expected)
    assert rows[1][2:5] == ["bad-score", "2026-03-01T10:00:00", "11"]
    # The bad bytes are written back as they came, for the sender to fix.
    assert b"caf\xe9" in (tmp_path / "responses.csv.rejected.csv").read_bytes()


def test_reimport_counts_duplicates_and_records_changes(tmp_path):
    lines = [
        "r-1,2026-03-01T10:00:00,3,The courier was late,,,,,,Anna Orlova,+7 916 123-45-67,anna@example.net,yes,yes,en",
        "r-2,2026-03-02T10:00:00,10,Great,,,,,,,,,,,en",
    ]
    assert "created: 2, duplicates: 0, updated: 0" in run_import(write_csv(tmp_path, lines), "--source", "shop")
    assert "created: 0, duplicates: 2, updated: 0" in run_import(write_csv(tmp_path, lines), "--source", "shop")
    assert not (tmp_path / "responses.csv.rejected.csv").exists()

    lines[0] = lines[0].replace("The courier was late", "The courier was late and rude")
    output = run_import(write_csv(tmp_path, lines), "--source", "shop")
    assert "created: 0, duplicates: 1, updated: 1, rejected: 0" in output
    response = Response.objects.get(external_id="r-1")
    assert response.comment == "The courier was late and rude"
    assert response.comment_changed_at is not None
    change = ResponseChange.objects.get(response=response)
    assert change.via == "cli"
    assert change.changes == {"comment": ["The courier was late", "The courier was late and rude"]}
    assert Response.objects.count() == 2 and CustomerContact.objects.count() == 1


def test_score_change_moves_the_statistics(tmp_path):
    line = "s-1,2026-03-01T10:00:00,{},,,,,,,,,,,,"
    run_import(write_csv(tmp_path, [line.format(2)]), "--source", "shop")
    assert summary(StatsFilter())["detractors"] == 1
    run_import(write_csv(tmp_path, [line.format(10)]), "--source", "shop")
    result = summary(StatsFilter())
    assert (result["promoters"], result["detractors"], result["nps"]) == (1, 0, 100.0)
    assert ResponseChange.objects.get().changes == {"score": [2, 10]}


def test_contacts_are_kept_apart_and_consent_recorded(tmp_path):
    path = write_csv(tmp_path, [
        "c-1,2026-03-01T10:00:00+00:00,2,Call me,,,,,,Boris Titov,+7 912 555-12-34,boris@example.net,yes,true,en",
    ])
    run_import(path, "--source", "call-centre")
    response = Response.objects.get(external_id="c-1")
    contact = CustomerContact.objects.get(response=response)
    assert (contact.name, contact.phone, contact.email) == ("Boris Titov", "+7 912 555-12-34", "boris@example.net")
    assert response.callback_consent and response.data_consent
    assert response.consent_at == response.submitted_at  # no consent time given: the answer's
    assert "Boris" not in response.comment


def test_hostile_html_is_stored_as_plain_text(tmp_path):
    values, _ = clean({
        "external_id": "x", "submitted_at": "2026-03-01T10:00:00", "score": "1",
        "comment": 'Bad <script>alert(1)</script><img src=x onerror="alert(2)"> <b>service</b> &amp; more &lt;i&gt;',
    })
    assert "<script" not in values["comment"] and "onerror" not in values["comment"] and "<b>" not in values["comment"]
    # Entities are decoded exactly once: an escaped tag stays visible text, never markup.
    assert values["comment"] == "Bad service & more <i>"


@pytest.mark.parametrize("record, reason", [
    ({"submitted_at": "2026-01-01", "score": 5}, "external_id is required"),
    ({"external_id": "a", "score": 5}, "submitted_at is required"),
    ({"external_id": "a", "submitted_at": "2026-01-01"}, "score is required"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": -1}, "score must be between 0 and 10, not -1"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": 9.5}, "score must be a whole number 0..10, not 9.5"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": True}, "score must be a whole number 0..10, not True"),
    ({"external_id": "a", "submitted_at": "2026-13-01", "score": 5}, "submitted_at is not an ISO 8601"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": 5, "segment": "s" * 101}, "segment is longer than 100"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": 5, "data_consent": "si"}, "data_consent must be"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": 5, "comment": {"x": 1}}, "comment must be text"),
    ({"external_id": "a", "submitted_at": "2026-01-01", "score": 5, "csat": 6}, "csat must be between 1 and 5"),
    ("not an object", "must be an object"),
])
def test_clean_rejects_with_a_reason(record, reason):
    with pytest.raises(Rejected, match=reason.replace("(", r"\(").replace(".", r"\.")):
        clean(record)


def test_clean_accepts_the_contract_formats():
    values, contact = clean({
        "external_id": " 42 ", "submitted_at": "2026-03-01T10:00:00Z", "score": 7.0,
        "callback_consent": "YES", "data_consent": 1, "customer_email": "a@example.net", "csat": "4",
    })
    assert values["external_id"] == "42" and values["score"] == 7 and values["csat"] == 4
    assert values["submitted_at"] == datetime.datetime(2026, 3, 1, 10, tzinfo=datetime.timezone.utc)
    assert values["callback_consent"] is True and values["data_consent"] is True
    assert contact == {"name": "", "phone": "", "email": "a@example.net"}
    for text, expected in (("no", False), ("0", False), ("false", False), ("1", True), ("true", True), ("", False)):
        assert clean({"external_id": "b", "submitted_at": "2026-01-01", "score": 1, "data_consent": text})[0][
            "data_consent"] is expected


def test_dry_run_stores_nothing(tmp_path):
    path = write_csv(tmp_path, ["d-1,2026-03-01T10:00:00,9,,,,,,,,,,,,", "d-2,2026-03-01T10:00:00,99,,,,,,,,,,,,"])
    output = run_import(path, "--source", "new-source", "--dry-run")
    assert "dry run: would have created: 1, duplicates: 0, updated: 0, rejected: 1" in output
    assert "line 3: score must be between 0 and 10, not 99" in output
    assert not Response.objects.exists() and not Source.objects.filter(slug="new-source").exists()


def test_unreadable_file_is_the_only_failure(tmp_path):
    with pytest.raises(CommandError, match="cannot open"):
        run_import(tmp_path / "missing.csv", "--source", "x")
    no_score = tmp_path / "no-score.csv"
    no_score.write_text("external_id,submitted_at\na,2026-01-01\n")
    with pytest.raises(CommandError, match="missing required column"):
        run_import(no_score, "--source", "x")
    only_bad = write_csv(tmp_path, ["a,never,1,,,,,,,,,,,,"], name="bad.csv")
    assert "rejected: 1" in run_import(only_bad, "--source", "x")  # bad rows never fail the command


def test_one_event_per_batch_with_new_and_changed_ids(tmp_path, django_capture_on_commit_callbacks):
    received = []

    def handler(sender, **kwargs):
        received.append(kwargs)

    events.responses_received.connect(handler, dispatch_uid="test-ingest-handler")
    try:
        source = Source.objects.create(name="S", slug="s")
        with django_capture_on_commit_callbacks(execute=True):
            report = ingest.ingest(source, [
                {"external_id": str(n), "submitted_at": "2026-01-01", "score": n % 11} for n in range(5)
            ])
        assert report.created == 5 and len(received) == 1
        assert sorted(received[0]["created_ids"]) == sorted(Response.objects.values_list("pk", flat=True))
        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            ingestor = ingest.Ingestor(source, batch_size=2)
            for n in range(5):  # 0..3 unchanged, 4 changed, 5 and 6 new: three batches of 2 and one of 1
                ingestor.add(n, {"external_id": str(n), "submitted_at": "2026-01-01", "score": 1 if n == 4 else n})
            for n in (5, 6):
                ingestor.add(n, {"external_id": str(n), "submitted_at": "2026-01-01", "score": 3})
            ingestor.finish()
        assert (ingestor.report.created, ingestor.report.updated, ingestor.report.duplicates) == (2, 1, 4)
        changed = Response.objects.get(external_id="4").pk
        all_ids = sorted(pk for event in received for pk in event["response_ids"])
        created = sorted(pk for event in received for pk in event["created_ids"])
        assert all_ids == sorted([changed, *created]) and len(created) == 2
        assert all(event["event_id"] for event in received)
    finally:
        events.responses_received.disconnect(dispatch_uid="test-ingest-handler")


def test_batches_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    source = Source.objects.create(name="S", slug="s")
    records = [
        {"external_id": str(n), "submitted_at": "2026-01-01", "score": n % 11, "comment": "slow delivery",
         "customer_phone": "+7 900 000 00 00", "segment": f"seg-{n % 3}"}
        for n in range(300)
    ]
    ingest.ingest(source, records[:1])
    # Not one per row: one upsert per rollup table (14) and a dozen more.
    with django_assert_max_num_queries(30):
        report = ingest.ingest(source, records)
    assert (report.created, report.duplicates) == (299, 1)
