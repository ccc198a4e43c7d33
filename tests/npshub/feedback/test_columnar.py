"""The columnar CSV import stores exactly what the row path stores: the same responses, contacts,
rollups, reference values, topic links, rejects (with their lines) and counts."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from content.topics import load_topics
from npshub.feedback import columnar
from npshub.feedback.models import CustomerContact, DimensionValue, Response, Source
from npshub.feedback.models.rollups import GRAINS, MEASURES

pytestmark = pytest.mark.django_db

HEADER = ("external_id,submitted_at,score,csat,comment,segment,product,channel,region,team,customer_name,"
          "customer_phone,customer_email,callback_consent,data_consent,language")
LINES = [
    "a-1,2026-03-01T10:00:00,9,5,The courier was late,new,kettle,online,moscow,webshop,,,,no,no,en",     # line 2
    'a-2,2026-03-01 23:30,3,,"Пылесос сломался,\nподдержка не отвечает",vip,vacuum,store,kazan,store-kzn,'
    "Anna Orlova,+7 916 123-45-67,anna@example.net,yes,yes,ru",                                        # lines 3-4
    "a-3,2026-02-28,10,,  padded comment  ,loyal,kettle,app,moscow,webshop,,,,да,нет,ru",              # line 5
    "a-4,2026-03-02T08:00:00,11,,,,,,,,,,,,,",                                                         # line 6
    "a-5,2026-02-31T10:00:00,5,,,,,,,,,,,,,",                                                          # line 7
    "a-6,2026-03-02T09:15:00,7,,<b>Rude</b> staff &amp; slow,new,kettle,store,moscow,store-msk,,,,,,en",  # line 8
    "a-1,2026-03-01T10:00:00,8,5,The courier was late again,new,kettle,online,moscow,webshop,,,,no,no,en",  # line 9
    "a-7,2026-03-03T12:00:00,6,,Call me at 8 (912) 555-12-34,new,blender,phone,perm,contact-centre,,,"
    "bad-mail,yes,no,ru",                                                                               # line 10
    "a-8,2026-03-03T12:00:00+05:00,0,2,,corporate,blender,phone,perm,contact-centre,,,,1,0,en",        # line 11
    ",,,,,,,,,,,,,,,",                                                                                 # line 12
    "a-9,2026-03-04,10,,Great coffee machine,vip,coffee,store,moscow,store-msk,Bo,,,y,n,en",          # line 13
]


def snapshot(source):
    responses = sorted(
        Response.objects.filter(source=source).values_list(
            "external_id", "submitted_at", "score", "csat", "ces", "comment", "comment_masked", "segment", "product",
            "channel", "region", "team", "language", "callback_consent", "data_consent", "consent_at",
            "consent_version", "comment_changed_at", "customer_key",
        )
    )
    contacts = sorted(CustomerContact.objects.filter(response__source=source)
                      .values_list("response__external_id", "name", "phone", "email"))
    links = sorted(Response.topics.through.objects.filter(response__source=source)
                   .values_list("response__external_id", "topic__slug"))
    rollups = {
        model.__name__: sorted(model.objects.filter(source=source).values_list("day", *model.dimensions, *MEASURES))
        for model in GRAINS
    }
    return responses, contacts, links, rollups


def run(path, source, *args):
    out = io.StringIO()
    call_command("import_responses", str(path), "--source", source, "--no-progress", *args, stdout=out)
    rejected = path.with_name(path.name + ".rejected.csv")
    return out.getvalue(), rejected.read_text(encoding="utf-8") if rejected.exists() else ""


def test_columnar_and_row_paths_store_the_same(tmp_path):
    load_topics(io.StringIO())
    (tmp_path / "c").mkdir(), (tmp_path / "r").mkdir()
    files = []
    for folder in ("c", "r"):
        path = tmp_path / folder / "responses.csv"
        path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
        files.append(path)
    columns_out, columns_rejected = run(files[0], "columns")
    rows_out, rows_rejected = run(files[1], "rows", "--row-path")

    assert columns_out.replace("/c/", "/r/") == rows_out
    assert columns_out.splitlines()[0] == "created: 6, duplicates: 0, updated: 1, rejected: 3"
    assert "line 6: score must be between 0 and 10, not 11" in columns_out
    assert "line 10: customer_email is not a valid e-mail address: 'bad-mail'" in columns_out
    assert columns_rejected == rows_rejected
    assert snapshot(Source.objects.get(slug="columns")) == snapshot(Source.objects.get(slug="rows"))
    responses, contacts, links, rollups = snapshot(Source.objects.get(slug="columns"))
    assert len(responses) == 6 and len(contacts) == 2 and links
    assert DimensionValue.objects.filter(dimension="segment", slug="corporate").exists()

    # Again: every row is known now, so all go the row path (a-1 is sent twice: its first version updates).
    again_out, _ = run(files[0], "columns")
    assert again_out.splitlines()[0] == "created: 0, duplicates: 6, updated: 1, rejected: 3"


def test_a_file_pyarrow_cannot_read_goes_on_by_rows_from_the_failing_block(tmp_path):
    path = tmp_path / "responses.csv"
    good = [f"g-{n},2026-03-01T10:00:00,{n % 11},,,new,kettle,online,moscow,webshop,,,,no,no,en" for n in range(300)]
    path.write_bytes(("\n".join([HEADER, *good]) + "\n").encode()
                     + b"bad-utf8,2026-03-01T10:00:00,4,,caf\xe9,,,,,,,,,,,\n"
                     + b"after,2026-03-01T10:00:00,4,,,,,,,,,,,,,\n")
    source = Source.objects.create(slug="blocks", name="Blocks")
    importer = columnar.ColumnarImport(str(path), source, block_bytes=4096)  # several blocks before the bad one
    report = importer.run()
    assert (report.created, report.updated, report.duplicates) == (301, 0, 0)
    assert report.rejected == [(302, "not valid UTF-8 text")]
    assert Response.objects.filter(source=source).count() == 301
    assert importer.received > 0  # the blocks before the bad bytes went the columnar way


def test_local_times_a_clock_change_skips_or_repeats_are_read_as_the_row_path_reads_them(tmp_path, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    lines = ["d-1,2026-03-29T02:30:00,9,,,,,,,,,,,,,en", "d-2,2026-10-25T02:30:00,9,,,,,,,,,,,,,en",
             "d-3,2026-10-25T12:00:00,9,,,,,,,,,,,,,en"]
    for folder, args in (("c", ()), ("r", ("--row-path",))):
        (tmp_path / folder).mkdir()
        path = tmp_path / folder / "responses.csv"
        path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
        run(path, f"dst-{folder}", *args)
    assert snapshot(Source.objects.get(slug="dst-c")) == snapshot(Source.objects.get(slug="dst-r"))
    assert Response.objects.filter(source__slug="dst-c").count() == 3


def _mixed_file(path):
    """Many blocks' worth of rows: ids sent again in a later block (updates and duplicates), a few
    bad rows, markup, contacts; the same file for both paths."""
    lines = []
    for n in range(1500):
        comment = ["Courier was late", "Great kettle", "", "<b>Rude</b> staff", "Call me 8 (912) 555-12-34"][n % 5]
        contact = ",Anna Orlova,+7 916 123-45-67,anna@example.net,yes,yes" if n % 7 == 0 else ",,,,no,no"
        score = 11 if n % 97 == 0 else n % 11
        lines.append(f"m-{n},2026-03-{1 + n % 28:02d}T10:{n % 60:02d}:00,{score},,{comment},new,kettle,online,"
                     f"moscow,team-{n % 13}{contact},en")
        if n % 100 == 60 and n > 130 and (n - 130) % 7:  # a row of a block likely still being written, sent again
            lines.append(f"m-{n - 130},2026-03-01T09:00:00,10,,Sent again soon,new,kettle,online,moscow,team-1,,,,no,no,en")
    for n in (n for n in range(0, 1500, 50) if n % 7):  # sent again near the end (no contact): half changed
        comment = "Changed my mind" if n % 100 else ["Courier was late", "Great kettle", "", "<b>Rude</b> staff",
                                                     "Call me 8 (912) 555-12-34"][n % 5]
        lines.append(f"m-{n},2026-03-{1 + n % 28:02d}T10:{n % 60:02d}:00,{n % 11},,{comment},new,kettle,online,"
                     f"moscow,team-{n % 13},,,,no,no,en")
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")


@pytest.mark.django_db(transaction=True)
def test_writer_threads_store_what_the_row_path_stores(tmp_path, settings):
    """Blocks written by their own threads while the next ones are read: the same rows, contacts,
    rollups, links and rejects as the row path, ids seen in a block still being written included."""
    load_topics(io.StringIO())
    settings.FEEDBACK_IMPORT_WRITERS = 2
    (tmp_path / "r").mkdir()
    _mixed_file(tmp_path / "threads.csv")
    _mixed_file(tmp_path / "r" / "threads.csv")
    source = Source.objects.create(slug="threads", name="Threads")
    importer = columnar.ColumnarImport(str(tmp_path / "threads.csv"), source, block_bytes=8192)
    assert importer.writers == (2 if connection.vendor == "postgresql" else 1)
    report = importer.run()
    rows_out, _ = run(tmp_path / "r" / "threads.csv", "rows", "--row-path", "--batch-size", "500")

    expected = [int(value) for value in rows_out.splitlines()[0].replace(",", "").split()[1::2]]
    assert [report.created, report.duplicates, report.updated, len(report.rejected)] == expected
    assert (report.created, len(report.rejected)) == (1500 - 16, 16)  # every 97th row has a score of 11
    assert report.updated > 12  # among them the 12 rows sent again one block later
    assert report.rejected == sorted(report.rejected)
    assert importer.received > 0  # the columnar writers stored blocks
    assert _without_change_times(snapshot(source)) == _without_change_times(snapshot(Source.objects.get(slug="rows")))


def _without_change_times(snapshot_):
    """The snapshot without comment_changed_at: the moment of an import, set when a comment changes in a
    later batch than its first version's, and the two paths cut the file into batches differently."""
    responses, *rest = snapshot_
    return [(*row[:-2], row[-1]) for row in responses], *rest


def test_inside_a_transaction_the_blocks_are_written_by_the_reader(tmp_path):
    assert columnar.writer_threads() == 0  # this test runs in a transaction the threads could not see
