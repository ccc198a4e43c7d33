"""Streaming CSV reading shared by every importer: one bad row never stops the good ones.

``read_rows`` yields ``Row`` objects with the file's line number, so reports can say where each
rejected row is. A row whose bytes are not valid UTF-8 is yielded with ``error`` set instead of
failing the whole file; a UTF-8 BOM is accepted.
"""

import csv
import re
from dataclasses import dataclass, field


class UnreadableFile(Exception):
    """The file itself cannot be read (missing, a directory, not CSV at all)."""


@dataclass
class Row:
    line: int
    values: dict = field(default_factory=dict)
    error: str = ""
    raw: list = field(default_factory=list)


@dataclass
class Report:
    """Counts and rejections of one import; ``rejected`` holds (position, reason)."""

    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejected: list = field(default_factory=list)

    def reject(self, position, reason):
        self.rejected.append((position, reason))

    def as_dict(self, position_name="line"):
        return {
            "created": self.created,
            "updated": self.updated,
            "duplicates": self.duplicates,
            "rejected": [{position_name: pos, "reason": reason} for pos, reason in self.rejected],
        }


def _decoded_lines(binary):
    for raw in binary:
        yield raw.decode("utf-8", errors="surrogateescape")


# Bytes that are not UTF-8 come back from decoding with surrogateescape as lone surrogates.
_BAD_BYTE = re.compile("[\udc80-\udcff]")


def _has_bad_bytes(values):
    return any(_BAD_BYTE.search(value) for value in values)


def read_rows(path, required=()):
    """Yield a Row for every data row of the CSV file at ``path``.

    Header names are stripped and lower-cased. Raises UnreadableFile when the file cannot be
    opened or lacks a ``required`` column.
    """
    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise UnreadableFile(f"cannot open {path}: {exc.strerror or exc}") from exc
    with handle:
        reader = csv.reader(_decoded_lines(handle))
        try:
            header = next(reader)
        except StopIteration:
            raise UnreadableFile(f"{path} is empty: a header row is required") from None
        except csv.Error as exc:
            raise UnreadableFile(f"{path} is not a CSV file: {exc}") from exc
        if _has_bad_bytes(header):
            raise UnreadableFile(f"{path}: the header row is not valid UTF-8")
        columns = [name.strip().lstrip("\ufeff").lower() for name in header]
        missing = [name for name in required if name not in columns]
        if missing:
            raise UnreadableFile(f"{path}: missing required column(s): {', '.join(missing)}")
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield Row(line=line, error=f"malformed CSV: {exc}")
                continue
            if not any(value.strip() for value in values):
                continue
            if _has_bad_bytes(values):
                yield Row(line=line, error="not valid UTF-8 text", raw=values)
                continue
            if len(values) > len(columns):
                yield Row(line=line, error=f"{len(values)} fields but the header has {len(columns)}", raw=values)
                continue
            yield Row(line=line, values=dict(zip(columns, (v.strip() for v in values))), raw=values)
