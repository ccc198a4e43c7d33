"""Response.comment_masked: stored once on every write path, the only text employees search.

The attack of issue 10.3: a masked e-mail address guessed letter by letter with ``q`` (each
answer says whether the guess is in the comment) must recover nothing, in the API, the export and
the admin's response search; comment search is throttled per user (scope ``search``).
"""

import importlib
import string

import pytest
from django.db.models import F

from npshub.feedback.api.throttles import SearchThrottle
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import Response
from tests import factories as f

pytestmark = pytest.mark.django_db

SECRET_EMAIL = "ivan.petrov@example.net"
COMMENT = f"Courier never came. Write to {SECRET_EMAIL} or call +7 916 123-45-67"
MASKED = "Courier never came. Write to [e-mail] or call [phone]"
ALPHABET = string.ascii_lowercase + string.digits + "._-"


@pytest.fixture
def unthrottled(monkeypatch):
    """The attack below needs more searches than the throttle allows: lift it to show that the
    masked search alone defeats the attack (the throttle has its own test)."""
    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "100000/min"})


def recover_local_part(found):
    """Grow the e-mail's local part leftwards from the known domain, one letter per round, as the
    attacker did: ``found(text)`` says whether some comment contains ``text``."""
    known = ""
    while True:
        for char in ALPHABET:
            if found(f"{char}{known}@example.net"):
                known = char + known
                break
        else:
            return known


def test_search_by_q_never_recovers_a_masked_email_from_the_api(unthrottled):
    f.ingest([2], comment=COMMENT)
    client = f.api(f.user("employee"))

    def found(text):
        response = client.get("/api/v1/comments/", {"q": text})
        assert response.status_code == 200
        return response.json()["count"] > 0

    assert recover_local_part(found) == ""
    # What the masking leaves is searchable; what it hides is not.
    assert found("[e-mail]") and found("courier never")
    assert not found("petrov") and not found("916") and not found("example.net")


def test_the_export_searches_the_masked_text_too(unthrottled):
    f.ingest([2], comment=COMMENT)
    client = f.api(f.user("employee"))

    def found(text):
        response = client.get("/api/v1/comments/export/", {"format": "csv", "q": text})
        assert response.status_code == 200
        return len(b"".join(response.streaming_content).decode("utf-8-sig").strip().splitlines()) > 1

    assert recover_local_part(found) == ""
    assert found("courier")


def test_the_admin_response_search_finds_only_masked_text(client):
    f.ingest([2], comment=COMMENT, source="admin-search")
    response = Response.objects.get(source__slug="admin-search")
    client.force_login(f.user("cx_admin"))

    def listed(text):
        page = client.get("/admin/feedback/response/", {"q": text})
        assert page.status_code == 200
        return f"/admin/feedback/response/inspect/{response.pk}/" in page.content.decode()

    assert listed("courier") and listed("[e-mail]")
    assert not listed("petrov") and not listed("t@example.net") and not listed("123-45-67")


def test_comment_search_is_throttled_per_user_with_429_json(monkeypatch):
    monkeypatch.setattr(SearchThrottle, "THROTTLE_RATES", {"search": "3/min"})
    f.ingest([9], comment="Lovely courier")
    searcher, other = f.api(f.user("employee")), f.api(f.user("employee"))
    for _ in range(3):
        assert searcher.get("/api/v1/comments/", {"q": "courier"}).status_code == 200
    refused = searcher.get("/api/v1/comments/", {"q": "courier"})
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert searcher.get("/api/v1/comments/export/", {"q": "courier"}).status_code == 429  # one budget
    assert searcher.get("/api/v1/comments/").status_code == 200  # browsing without q is not a search
    assert other.get("/api/v1/comments/", {"q": "courier"}).status_code == 200  # per user


def test_the_default_search_rate_is_30_a_minute():
    from django.conf import settings

    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["search"] == "30/min"
    assert SearchThrottle.THROTTLE_RATES["search"] == "30/min"


# --- Stored once, on every write path ------------------------------------------------------

def test_ingestion_stores_the_masked_comment_and_updates_it_with_the_comment():
    source = f.source("masked-ingest")
    from npshub.feedback.ingest import ingest

    record = {"external_id": "m-1", "submitted_at": "2026-01-10T10:00:00", "score": 3, "comment": COMMENT}
    assert ingest(source, [record, {**record, "external_id": "m-2", "comment": ""}]).created == 2
    assert dict(Response.objects.filter(source=source).values_list("external_id", "comment_masked")) == {
        "m-1": MASKED, "m-2": "",
    }
    report = ingest(source, [{**record, "comment": "Now mail me: anna@example.org"}])
    assert report.updated == 1
    assert Response.objects.get(source=source, external_id="m-1").comment_masked == "Now mail me: [e-mail]"
    # A re-send that changes something else keeps the masked comment.
    assert ingest(source, [{**record, "comment": "Now mail me: anna@example.org", "score": 4}]).updated == 1
    assert Response.objects.get(source=source, external_id="m-1").comment_masked == "Now mail me: [e-mail]"


def test_orm_saves_keep_it_in_step():
    response = f.response(comment=COMMENT)
    assert Response.objects.get(pk=response.pk).comment_masked == MASKED
    response.comment = "mail: a.b@example.com"
    response.save(update_fields=["comment"])
    assert Response.objects.get(pk=response.pk).comment_masked == "mail: [e-mail]"


def test_bulk_create_bulk_update_and_update_keep_it_in_step():
    source = f.source("masked-bulk")
    rows = Response.objects.bulk_create([
        Response(source=source, external_id=str(n), score=5, submitted_at="2026-01-10T10:00:00+03:00",
                 comment=f"call 8 (912) 555-12-3{n}") for n in range(3)
    ])
    assert set(Response.objects.filter(source=source).values_list("comment_masked", flat=True)) == {"call [phone]"}
    rows[0].comment = "x@example.com"
    Response.objects.bulk_update(rows[:1], ["comment"])
    assert Response.objects.get(pk=rows[0].pk).comment_masked == "[e-mail]"
    Response.objects.filter(pk=rows[1].pk).update(comment="y@example.com says hi")
    assert Response.objects.get(pk=rows[1].pk).comment_masked == "[e-mail] says hi"
    with pytest.raises(TypeError):
        Response.objects.filter(pk=rows[2].pk).update(comment=F("segment"))


def test_the_migration_fills_existing_rows_in_batches(monkeypatch):
    from django.apps import apps

    migration = importlib.import_module("npshub.feedback.migrations.0005_response_comment_masked")
    monkeypatch.setattr(migration, "BATCH", 2)
    texts = [COMMENT, "", "plain words", "card 4111 1111 1111 1111", "mail z@example.org"]
    responses = [f.response(comment=text) for text in texts]
    Response.objects.filter(pk__in=[r.pk for r in responses]).update(comment_masked="")  # as AddField leaves them
    migration.fill_comment_masked(apps, schema_editor=None)
    stored = dict(Response.objects.filter(pk__in=[r.pk for r in responses]).values_list("pk", "comment_masked"))
    assert [stored[r.pk] for r in responses] == [MASKED, "", "plain words", "card [card]", "mail [e-mail]"]
    assert [stored[r.pk] for r in responses] == [mask_pii(text) for text in texts]
