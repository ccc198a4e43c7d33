import csv
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from npshub.csvrows import UnreadableFile, read_rows
from npshub.feedback.columnar import ColumnarImport
from npshub.feedback.ingest import BATCH_SIZE, Ingestor, source_for_import
from npshub.feedback.records import REQUIRED

MAX_PRINTED = 1000


def count_lines(path):
    count = 0
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            count += block.count(b"\n")
    return count


def read_header(path):
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        return next(csv.reader(handle), [])


class Progress:
    """A progress bar on a terminal; plain periodic lines otherwise (logs, CI)."""

    def __init__(self, stream, total, tty):
        self.stream, self.total, self.tty = stream, max(total, 1), tty
        self.started = time.monotonic()
        self.last_line = 0.0
        self.last_done = -1

    def update(self, done, final=False):
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = done / elapsed
        share = min(done / self.total, 1.0)
        if self.tty:
            bar = "#" * int(share * 30)
            self.stream.write(f"\r[{bar:<30}] {share:6.1%} {done:,}/{self.total:,} rows, {rate:,.0f} rows/s")
            if final:
                self.stream.write("\n")
            self.stream.flush()
        elif (final and done != self.last_done) or time.monotonic() - self.last_line >= 5:
            self.last_line, self.last_done = time.monotonic(), done
            self.stream.write(f"progress: {done:,}/{self.total:,} rows ({share:.0%}), {rate:,.0f} rows/s\n")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import customer responses from a CSV file (columns in README: external_id, submitted_at, "
        "score, comment, ...) into a source, created if new. Bad rows are reported with their line "
        "and reason and written to FILE.rejected.csv while the good rows go in; re-importing adds "
        "nothing twice and updates changed responses."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV file (UTF-8, header row)")
        parser.add_argument("--source", required=True, help="Source slug; the source is created if new.")
        parser.add_argument("--dry-run", action="store_true", help="Validate and count, store nothing.")
        parser.add_argument("--batch-size", type=int, default=BATCH_SIZE)
        parser.add_argument("--no-progress", action="store_true", help="No progress output.")
        parser.add_argument("--row-path", action="store_true",
                            help="Read and store row by row (the columnar path's fallback; slower, for comparison).")

    def handle(self, file, source, dry_run, batch_size, no_progress, row_path=False, **options):
        slug = slugify(source)
        if not slug:
            raise CommandError(f"--source {source!r} is not a usable slug")
        try:
            rows = read_rows(file, required=REQUIRED)
            first = next(rows, None)  # opens the file and checks its header now
            total = max(count_lines(file) - 1, 0)
            header = read_header(file)
        except UnreadableFile as exc:
            raise CommandError(str(exc)) from exc

        tty = not no_progress and hasattr(self.stdout._out, "isatty") and self.stdout._out.isatty()
        progress = None if no_progress else Progress(self.stdout._out if tty else self.stdout, total, tty)
        rejected_path = f"{file}.rejected.csv"
        rejected_file = rejected_writer = None
        if not dry_run:
            rejected_file = open(rejected_path, "w", encoding="utf-8", errors="surrogateescape", newline="")
            rejected_writer = csv.writer(rejected_file)
            rejected_writer.writerow(["line", "reason", *header])

        raw_by_line = {}
        printed = []

        def on_reject(line, reason, record):
            if len(printed) < MAX_PRINTED:
                printed.append((line, reason))
            if rejected_writer:
                rejected_writer.writerow([line, reason, *raw_by_line.get(line, [])])

        if dry_run or row_path:
            report = self._rows(file, slug, dry_run, batch_size, rows, first, progress, on_reject, raw_by_line)
        else:
            def on_columnar_reject(line, reason, raw):
                raw_by_line[line] = raw
                on_reject(line, reason, None)
                raw_by_line.pop(line, None)

            importer = ColumnarImport(file, source_for_import(slug), via="cli", on_reject=on_columnar_reject,
                                      on_batch=progress.update if progress else None)
            report = importer.run()
            if progress:
                progress.update(importer.received + importer.rows.received, final=True)
        if rejected_file:
            rejected_file.close()
        self._summary(report, dry_run, printed, rejected_file, rejected_path)

    def _rows(self, file, slug, dry_run, batch_size, rows, first, progress, on_reject, raw_by_line):
        def on_batch(report):
            raw_by_line.clear()
            if progress:
                progress.update(ingestor.received)

        with transaction.atomic() if dry_run else _nothing():
            ingestor = Ingestor(
                source_for_import(slug), via="cli", dry_run=dry_run, batch_size=batch_size,
                on_reject=on_reject, on_batch=on_batch,
            )
            rows_iter = rows if first is None else _chain(first, rows)
            for row in rows_iter:
                if row.error:
                    ingestor.received += 1
                    raw_by_line[row.line] = row.raw
                    ingestor.reject(row.line, row.error, None)
                    continue
                raw_by_line[row.line] = row.raw
                ingestor.add(row.line, row.values)
            report = ingestor.finish()
            if progress:
                progress.update(ingestor.received, final=True)
            if dry_run:
                transaction.set_rollback(True)
        return report

    def _summary(self, report, dry_run, printed, rejected_file, rejected_path):
        prefix = "dry run: would have " if dry_run else ""
        self.stdout.write(
            f"{prefix}created: {report.created}, duplicates: {report.duplicates}, "
            f"updated: {report.updated}, rejected: {len(report.rejected)}"
        )
        for line, reason in printed:
            self.stdout.write(f"  line {line}: {reason}")
        if len(report.rejected) > len(printed):
            self.stdout.write(f"  ... and {len(report.rejected) - len(printed)} more")
        if rejected_file:
            if report.rejected:
                self.stdout.write(f"rejected rows written to {rejected_path}")
            else:
                os.remove(rejected_path)


def _chain(first, rest):
    yield first
    yield from rest


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
