"""Columnar CSV import: the fast path of ``import_responses`` for large files.

pyarrow reads the file in blocks of tens of thousands of rows (in C, on its own threads, ahead of
the writing), and each block is validated column by column: a row whose every field has the plain
shape of the CSV contract (an id without markup, an ISO date-time without offset, a score 0..10,
yes/no consents, text without markup or control characters, a plain e-mail) is a *fast* row and is
stored by ``columnar_write.store`` (COPY on PostgreSQL, rollups grouped per block, topics matched
once per distinct comment). Every other row, and every row whose external id is already stored,
appears twice in the block or has a tombstone, goes through the row-by-row ``Ingestor`` with the
same line number, so rejects, updates, duplicates and erasure behave exactly as on the row path.

Blocks are prepared (masking, topics, rollup deltas: CPU) by the reading thread and written by writer
threads, each on its own database connection and in its own transaction, while the next block is read
(``writer_threads()``: two on PostgreSQL, where two server processes maintain the indexes side by side).

A file pyarrow cannot read to the end (bytes that are not UTF-8, a row with more or fewer fields
than the header, a blank line) continues on the row path from the first line not yet stored.
"""

import csv
import json
from concurrent.futures import ThreadPoolExecutor

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.conf import settings
from django.db import IntegrityError, OperationalError, connection
from django.utils import timezone

from npshub.csvrows import Report, read_rows
from npshub.feedback import columnar_write
from npshub.feedback.ingest import Ingestor
from npshub.feedback.records import _MAX, FALSE, TRUE
from npshub.feedback.models import ConsentTombstone, Response

# About 200,000 rows of a typical export per block (and per transaction): the rollup deltas of a
# block shrink to one row per key, and with 120 teams x 20 products x 730 days a block must be large
# for many of its rows to share a key.
BLOCK_BYTES = 32 << 20
# With writer threads, blocks of about 50,000 rows: enough of them for reading and writing to overlap.
PIPELINED_BLOCK_BYTES = 8 << 20
# Characters that make plain_text() do work (the same set as records._NEEDS_WORK), in RE2 syntax.
NEEDS_WORK = r"[<&\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r]"
EMAIL = r'^[^@\s<>(),;:"\[\]]+@[^@\s<>(),;:"\[\]]+\.[^@\s<>(),;:"\[\].]{2,}$'
MOMENT = r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?$"
TEXT = ("comment", "segment", "product", "channel", "region", "team", "language", "consent_version",
        "customer_name", "customer_phone", "customer_email")


def read_header(path):
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        return [name.strip().lstrip("\ufeff").lower() for name in next(csv.reader(handle), [])]


def _plain(column, limit):
    """Fields plain_text() would leave as they are and that fit in ``limit`` characters."""
    return pc.and_(
        pc.and_(pc.invert(pc.match_substring_regex(column, NEEDS_WORK)), pc.less_equal(pc.utf8_length(column), limit)),
        pc.equal(column, pc.utf8_trim_whitespace(column)),
    )


def _naive_moments(column):
    """(ISO text normalised to YYYY-MM-DDTHH:MM:SS, naive timestamps, mask of the rows they are right for)."""
    shaped = pc.match_substring_regex(column, MOMENT)
    text = pc.replace_substring_regex(column, r"^(\d{4}-\d{2}-\d{2})$", r"\1T00:00:00")
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})$", r"\1T\2:00")
    text = pc.replace_substring_regex(text, r"^(\d{4}-\d{2}-\d{2}) ", r"\1T")
    stamps = pc.strptime(pc.if_else(shaped, text, None), format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    # strptime rolls 31 February over into March; only a date that prints back as written is right.
    same = pc.equal(pc.strftime(stamps, format="%Y-%m-%dT%H:%M:%S"), text)
    return text, stamps, pc.fill_null(pc.and_(shaped, same), False)


def validate(batch, names, tz):
    """The fast rows of one block: (mask, dict of cleaned columns for every row of the block)."""
    n = batch.num_rows
    empty = pa.array([""] * n, pa.string())
    col = {name: (batch.column(names.index(name)) if name in names else empty) for name in (*TEXT, "external_id",
           "submitted_at", "score", "csat", "ces", "callback_consent", "data_consent", "consent_at")}
    external_id = col["external_id"]
    fast = pc.and_(_plain(external_id, _MAX["external_id"]), pc.greater(pc.utf8_length(external_id), 0))
    for name in TEXT:
        fast = pc.and_(fast, _plain(col[name], _MAX[name]))
    text, stamps, moments_ok = _naive_moments(col["submitted_at"])
    # A local time that a clock change makes ambiguous or skips goes the row path (zoneinfo's rules).
    earliest = pc.assume_timezone(stamps, timezone=str(tz), ambiguous="earliest", nonexistent="earliest")
    latest = pc.assume_timezone(stamps, timezone=str(tz), ambiguous="latest", nonexistent="latest")
    fast = pc.and_(fast, pc.and_(moments_ok, pc.fill_null(pc.equal(earliest, latest), False)))
    fast = pc.and_(fast, pc.match_substring_regex(col["score"], r"^(?:10|[0-9])$"))
    fast = pc.and_(fast, pc.match_substring_regex(col["csat"], r"^[1-5]?$"))
    fast = pc.and_(fast, pc.match_substring_regex(col["ces"], r"^[1-7]?$"))
    fast = pc.and_(fast, pc.equal(pc.utf8_length(col["consent_at"]), 0))  # its own consent time: row path
    flags = {}
    for name in ("callback_consent", "data_consent"):
        lowered = pc.utf8_lower(col[name])
        fast = pc.and_(fast, pc.and_(pc.is_in(lowered, pa.array(sorted(TRUE | FALSE))),
                                     pc.equal(col[name], pc.utf8_trim_whitespace(col[name]))))
        flags[name] = pc.is_in(lowered, pa.array(sorted(TRUE)))
    email = col["customer_email"]
    fast = pc.and_(fast, pc.or_(pc.equal(pc.utf8_length(email), 0),
                                pc.and_(pc.string_is_ascii(email), pc.match_substring_regex(email, EMAIL))))
    fast = pc.fill_null(fast, False)
    cleaned = dict(col, submitted_text=text, submitted_local=earliest, **flags)
    return fast, cleaned


def _line_numbers(batch, first_line):
    """The file line each row of ``batch`` starts on (quoted values may span lines), and the next free line."""
    extra = None
    for column in batch.columns:
        count = pc.count_substring(column, "\n")
        extra = count if extra is None else pc.add(extra, count)
    per_row = pc.add(extra, 1).to_numpy(zero_copy_only=False)
    ends = per_row.cumsum() + first_line
    return (ends - per_row).tolist(), int(ends[-1]) if len(ends) else first_line


def _known(source, ids):
    """The ids of ``ids`` already stored for ``source`` or refused by a tombstone (one query each)."""
    known = set()
    with connection.cursor() as cursor:
        for model in (Response, ConsentTombstone):
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT external_id FROM {table} WHERE source_id = %s AND external_id = ANY(%s)",
                               [source.pk, ids])
            else:
                cursor.execute(f"SELECT external_id FROM {table} WHERE source_id = %s AND external_id IN "
                               f"(SELECT value FROM json_each(%s))", [source.pk, json.dumps(ids)])
            known.update(value for (value,) in cursor.fetchall())
    return known


def writer_threads():
    """How many threads store blocks while the next ones are read and validated: FEEDBACK_IMPORT_WRITERS
    (PostgreSQL), one on SQLite (one writer at a time), none inside a transaction (the writers' own
    connections could not see it)."""
    if connection.in_atomic_block:
        return 0
    wanted = max(0, settings.FEEDBACK_IMPORT_WRITERS)
    return wanted if connection.vendor == "postgresql" else min(wanted, 1)


class ColumnarImport:
    """Import one CSV file into ``source``; ``on_reject(line, reason, raw values)``, ``on_batch(received)``.

    With writer threads (``writer_threads()``), the reader validates block n+1 while block n is written;
    a row whose id is in a block still being written goes the row path, after every pending block has
    committed, as does a block another process's rows made fail."""

    def __init__(self, path, source, via="cli", on_reject=None, on_batch=None, block_bytes=None, writers=None):
        self.path, self.source, self.via = path, source, via
        self.on_reject, self.on_batch = on_reject, on_batch
        self.report = Report()
        self.received = 0
        self._raw = {}
        self.rows = Ingestor(source, via=via, on_reject=self._rejected, on_batch=lambda report: self._raw.clear())
        self.writer = columnar_write.Writer(source, via, timezone.get_current_timezone())
        self.writers = writer_threads() if writers is None else writers
        self.block_bytes = block_bytes or (PIPELINED_BLOCK_BYTES if self.writers else BLOCK_BYTES)
        self._pool = None
        self._pending = []  # [(future, ids of the block, (batch, names, lines, fast mask))], oldest first

    def _rejected(self, line, reason, record):
        if self.on_reject:
            self.on_reject(line, reason, self._raw.get(line, []))

    def run(self):
        if not self.writers:
            return self._run()
        with ThreadPoolExecutor(self.writers, thread_name_prefix="import-writer") as self._pool:
            try:
                return self._run()
            finally:
                self._wait_all(fail_silently=True)

    def _run(self):
        names = read_header(self.path)
        next_line, finished = 2, False
        if len(set(names)) == len(names) and "\n" not in "".join(names):
            options = pacsv.ReadOptions(column_names=[f"c{i}" for i in range(len(names))], skip_rows=1,
                                        block_size=self.block_bytes)
            parse = pacsv.ParseOptions(newlines_in_values=True, ignore_empty_lines=False)
            convert = pacsv.ConvertOptions(column_types={f"c{i}": pa.string() for i in range(len(names))},
                                           strings_can_be_null=False, quoted_strings_can_be_null=False)
            reader = None
            try:
                reader = pacsv.open_csv(self.path, read_options=options, parse_options=parse, convert_options=convert)
            except pa.ArrowInvalid:
                pass  # not even the first block reads: the whole file goes the row path
            while reader is not None:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    finished = True
                    break
                except pa.ArrowInvalid:
                    break  # the rest of the file goes the row path, from the first line not yet stored
                next_line = self._block(batch, names, next_line)
        self._wait_all()
        if not finished:
            self._rest(next_line)
        elif self.on_batch:
            self.on_batch(self.received + self.rows.received)
        self.report.created += self.rows.report.created
        self.report.updated += self.rows.report.updated
        self.report.duplicates += self.rows.report.duplicates
        self.report.rejected.extend(self.rows.report.rejected)
        self.report.rejected.sort(key=lambda rejected: rejected[0])  # a block redone on the row path comes late
        return self.report

    def _rest(self, first_line):
        for row in read_rows(self.path):
            if row.line < first_line:
                continue
            self._raw[row.line] = row.raw
            if row.error:
                self.rows.received += 1
                self.rows.reject(row.line, row.error, None)
            else:
                self.rows.add(row.line, row.values)
        self.rows.finish()
        if self.on_batch:
            self.on_batch(self.received + self.rows.received)

    def _block(self, batch, names, first_line):
        lines, next_line = _line_numbers(batch, first_line)
        fast, cleaned = validate(batch, names, self.writer.tz)
        trimmed = pc.utf8_trim_whitespace(cleaned["external_id"])
        counts = pc.value_counts(trimmed)
        repeated = counts.field("values").filter(pc.greater(counts.field("counts"), 1))
        fast = pc.and_(fast, pc.invert(pc.is_in(trimmed, repeated)))
        candidates = pc.filter(cleaned["external_id"], fast).to_pylist()
        writing = self._ids_being_written()  # before the look-up: a block that commits meanwhile is in one or the other
        known = _known(self.source, candidates) | (writing & set(candidates))
        if known:
            fast = pc.and_(fast, pc.invert(pc.is_in(cleaned["external_id"], pa.array(sorted(known), pa.string()))))
        fast_table = {name: pc.filter(column, fast) for name, column in cleaned.items()}
        if len(fast_table["external_id"]):
            prepared = self.writer.prepare(fast_table)
            if self._pool is None:
                self._stored(self._write(prepared), (batch, names, lines, fast))
            else:
                while len(self._pending) > self.writers:
                    self._collect(self._pending[0])
                ids = set(fast_table["external_id"].to_pylist())
                self._pending.append((self._pool.submit(self._write_in_thread, prepared), ids, (batch, names, lines, fast)))
        slow = pc.indices_nonzero(pc.invert(fast)).to_pylist()
        if slow:
            self._wait_all()  # the row path looks stored ids up: every pending block first
            self._row_path(batch, names, lines, slow)
        return next_line

    def _write(self, prepared):
        """Store a prepared block; None when another process's rows made it fail (the row path redoes it)."""
        for attempt in (1, 2):
            try:
                return self.writer.write(prepared)
            except IntegrityError:
                return None
            except OperationalError as error:  # a deadlock between writers: the block rolled back whole
                if attempt == 2 or "deadlock" not in str(error).lower():
                    raise

    def _write_in_thread(self, prepared):
        try:
            return self._write(prepared)
        finally:
            connection.close()  # the thread's own connection (back to the pool on PostgreSQL)

    def _ids_being_written(self):
        while self._pending and self._pending[0][0].done():
            self._collect(self._pending[0])
        return set().union(*(ids for _future, ids, _block in self._pending))

    def _collect(self, pending):
        future, _ids, block = pending
        self._pending.remove(pending)
        self._stored(future.result(), block)

    def _wait_all(self, fail_silently=False):
        while self._pending:
            if fail_silently:
                self._pending.pop(0)[0].exception()  # an error already raised elsewhere
            else:
                self._collect(self._pending[0])

    def _stored(self, count, block):
        batch, names, lines, fast = block
        if count is None:
            self._wait_all()
            self._row_path(batch, names, lines, pc.indices_nonzero(fast).to_pylist())
            return
        self.report.created += count
        self.received += count
        if self.on_batch:
            self.on_batch(self.received + self.rows.received)

    def _row_path(self, batch, names, lines, indexes):
        columns = [batch.column(i) for i in range(len(names))]
        for index in indexes:
            raw = [column[index].as_py() for column in columns]
            if not any(value.strip() for value in raw):
                continue  # a row of empty fields, skipped as the row reader does
            self._raw[lines[index]] = raw
            self.rows.add(lines[index], dict(zip(names, (value.strip() for value in raw))))
        self.rows.flush()
        self._raw.clear()
        if self.on_batch:
            self.on_batch(self.received + self.rows.received)
