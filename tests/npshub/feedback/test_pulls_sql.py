"""SQL pulls against a second, real PostgreSQL database holding a survey table (created and
dropped here, whichever database the hub itself runs on)."""

import io
import os
import uuid

import psycopg
import pytest
from django.core.management import CommandError, call_command

from npshub.feedback.models import PullRun, Response, SourcePull
from tests import factories as f

pytestmark = pytest.mark.django_db
SERVER = os.environ.get("NPSHUB_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
MAPPING = {"external_id": "answer_id", "submitted_at": "answered_at", "score": "nps", "comment": "verbatim",
           "team": "store"}
QUERY = "SELECT answer_id, answered_at, nps, verbatim, store FROM survey_answers WHERE verbatim NOT LIKE 'test%'"


@pytest.fixture
def survey_db(monkeypatch):
    name = f"npshub_survey_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER, autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{name}"')
    url = f"{SERVER.rsplit('/', 1)[0]}/{name}"
    with psycopg.connect(url) as db:
        db.execute("CREATE TABLE survey_answers (answer_id text PRIMARY KEY, answered_at timestamptz NOT NULL, "
                   "nps numeric(4, 1), verbatim text, store text)")
    monkeypatch.setenv("SURVEY_DB_URL", url)
    yield url
    with psycopg.connect(SERVER, autocommit=True) as server:
        server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def add_answers(url, rows):
    with psycopg.connect(url) as db:
        db.cursor().executemany(
            "INSERT INTO survey_answers VALUES (%s, %s, %s, %s, %s)", rows)


def pull(slug):
    out = io.StringIO()
    call_command("pull_source", slug, stdout=out)
    return out.getvalue()


def test_sql_pull_is_incremental_on_its_cursor_column(survey_db):
    add_answers(survey_db, [
        ("a-1", "2026-03-01 10:00+03", 10, "Lovely shop", "store-1"),
        ("a-2", "2026-03-02 10:00+03", 3, "Queue too long", "store-1"),
        ("a-3", "2026-03-03 10:00+03", 8, "", "store-2"),
        ("a-4", "2026-03-03 11:00+03", 11, "Out of range", "store-2"),
        ("t-1", "2026-03-03 12:00+03", 9, "test row", "store-2"),
    ])
    source = f.source("till-survey", field_mapping=MAPPING)
    SourcePull.objects.create(source=source, kind="sql", query=QUERY, database_env="SURVEY_DB_URL",
                              cursor_field="answered_at")
    output = pull("till-survey")
    assert "created: 3, duplicates: 0, updated: 0, rejected: 1" in output
    assert "row 4: score must be between 0 and 10, not 11" in output
    assert Response.objects.get(external_id="a-2").score == 3
    assert Response.objects.get(external_id="a-1").team == "store-1"
    first = PullRun.objects.get()
    assert first.cursor_after.startswith("2026-03-03T08:00:00")  # the newest answered_at (UTC)

    add_answers(survey_db, [("a-5", "2026-03-04 09:00+03", 9, "Quick and kind", "store-1"),
                            ("a-6", "2026-03-05 09:00+03", 6, "So-so", "store-2")])
    output = pull("till-survey")
    # Only rows after the cursor were read: nothing already stored came back as a duplicate.
    assert "created: 2, duplicates: 0, updated: 0, rejected: 0" in output
    assert "created: 0, duplicates: 0, updated: 0, rejected: 0" in pull("till-survey")
    assert Response.objects.filter(source=source).count() == 5
    assert SourcePull.objects.get().cursor.startswith("2026-03-05T06:00:00")


def test_sql_pulls_only_read(survey_db):
    add_answers(survey_db, [("a-1", "2026-03-01 10:00+03", 10, "Lovely", "store-1")])
    source = f.source("sneaky", field_mapping=MAPPING)
    SourcePull.objects.create(source=source, kind="sql", database_env="SURVEY_DB_URL",
                              query="WITH gone AS (DELETE FROM survey_answers RETURNING *) SELECT * FROM gone")
    with pytest.raises(CommandError, match="SQL: "):
        pull("sneaky")
    with psycopg.connect(survey_db) as db:
        assert db.execute("SELECT count(*) FROM survey_answers").fetchone()[0] == 1
        db.execute("CREATE SEQUENCE survey_seq")
    SourcePull.objects.filter(source=source).update(
        query="SELECT nextval('survey_seq')::text AS answer_id, now() AS answered_at, 5 AS nps")
    with pytest.raises(CommandError, match="read-only transaction"):
        pull("sneaky")
    errors = SourcePull.check_config({"kind": "sql", "query": "SELECT 1; DROP TABLE survey_answers",
                                      "database_env": "SURVEY_DB_URL"})
    assert errors == {"query": "one statement only"}


def test_a_missing_database_variable_fails_the_run_with_its_name(survey_db, monkeypatch):
    monkeypatch.delenv("SURVEY_DB_URL")
    SourcePull.objects.create(source=f.source("nodb", field_mapping=MAPPING), kind="sql", query=QUERY,
                              database_env="SURVEY_DB_URL")
    with pytest.raises(CommandError, match="SURVEY_DB_URL"):
        pull("nodb")
    assert PullRun.objects.get().status == "failed"
