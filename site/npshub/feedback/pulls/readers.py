"""Reading a pull's source: each reader yields (position, item, error) — ``item`` a dict of the
source's own fields (mapped later through the source's field mapping), ``error`` the reason a row
could not even be read — and raises FetchError when the source itself cannot be read."""

import datetime
import decimal
import os
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from django.conf import settings

from npshub import http
from npshub.csvrows import UnreadableFile, read_rows
from npshub.feedback.records import REQUIRED, items_of, lookup
from npshub.http import FetchError

XLSX_MAGIC = b"PK\x03\x04"


def with_params(url, params):
    """``url`` with ``params`` set in its query string (other parameters kept)."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    query.update({key: str(value) for key, value in params.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def json_feed(pull, cursor, stats):
    """A JSON feed, page by page: next-link path, page number or offset parameter, or one page."""
    headers = http.headers_from_env(pull.headers_env)
    mapping = pull.source.field_mapping or {}
    base = {pull.cursor_param: cursor} if pull.cursor_param and cursor else {}
    page, offset = 1, 0
    if pull.page_param:
        base[pull.page_param] = page
    if pull.offset_param:
        base[pull.offset_param] = offset
    url = with_params(pull.url, base) if base else pull.url
    seen = set()
    for number in range(1, settings.PULL_MAX_PAGES + 1):
        seen.add(url)
        stats.requests += 1
        body = http.get_json(url, headers)
        items = items_of(body, mapping)
        if items is None:
            where = f"at {mapping['_items']!r}" if mapping.get("_items") else "(a list, or an object with _items)"
            raise FetchError(f"page {number} ({url}): no list of items {where}")
        for index, item in enumerate(items, 1):
            yield f"page {number}, item {index}", item, None
        if pull.next_path:
            following = lookup(body, pull.next_path)
            if not following:
                return
            url = urljoin(url, str(following))
            if url in seen:
                return
        elif (pull.page_param or pull.offset_param) and items:
            page, offset = page + 1, offset + len(items)
            url = with_params(pull.url, {**base, **({pull.page_param: page} if pull.page_param else {}),
                                         **({pull.offset_param: offset} if pull.offset_param else {})})
        else:
            return
    raise FetchError(f"more than {settings.PULL_MAX_PAGES} pages (PULL_MAX_PAGES): stopped")


def file_at_url(pull, cursor, stats):
    """A CSV (the import_responses columns) or XLSX file (the same columns, first sheet)."""
    path, _ = http.download(pull.url, http.headers_from_env(pull.headers_env))
    stats.requests += 1
    try:
        with open(path, "rb") as handle:
            magic = handle.read(4)
        if magic == XLSX_MAGIC:
            yield from _xlsx_rows(path)
            return
        try:
            for row in read_rows(path, required=REQUIRED):
                yield f"line {row.line}", (row.values if not row.error else None), row.error or None
        except UnreadableFile as exc:
            raise FetchError(str(exc).replace(path, pull.url)) from None
    finally:
        os.unlink(path)


def _cell(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


def _xlsx_rows(path):
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    with open(path, "rb") as handle:  # a file object: openpyxl would judge a path by its extension
        try:
            book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
            raise FetchError(f"not a readable XLSX file: {exc}") from None
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = [str(name or "").strip().lower() for name in next(rows, ())]
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise FetchError(f"the XLSX file lacks the column(s) {', '.join(missing)}")
            for line, values in enumerate(rows, 2):
                if all(value in (None, "") for value in values):
                    continue
                yield f"line {line}", {name: _cell(value) for name, value in zip(header, values) if name}, None
        finally:
            book.close()


def _sql_value(value):
    if isinstance(value, decimal.Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def sql_query(pull, cursor, stats):
    """Rows of a SELECT on the external PostgreSQL named by ``database_env``, in a read-only
    transaction with a statement timeout; with a cursor column, only rows past the cursor."""
    import psycopg
    from psycopg import sql

    url = os.environ.get(pull.database_env)
    if not url:
        raise FetchError(f"the environment variable {pull.database_env} (the database URL) is not set")
    if not url.startswith(("postgres://", "postgresql://")):
        raise FetchError(f"{pull.database_env} is not a postgres:// URL")
    query = pull.query.strip().rstrip(";").strip()
    params = None
    statement = sql.SQL("SELECT * FROM ({}) AS pulled").format(sql.SQL(query))
    if pull.cursor_field:
        column = sql.Identifier(pull.cursor_field)
        if cursor:
            statement = sql.SQL("SELECT * FROM ({}) AS pulled WHERE pulled.{} > %s").format(
                sql.SQL(query.replace("%", "%%")), column)
            params = [cursor]
        statement = sql.SQL("{} ORDER BY pulled.{}").format(statement, column)
    stats.requests += 1
    try:
        with psycopg.connect(url, connect_timeout=10,
                             options=f"-c statement_timeout={settings.PULL_SQL_TIMEOUT * 1000}") as connection:
            connection.read_only = True
            with connection.cursor(name="npshub_pull") as rows:
                rows.itersize = 2000
                rows.execute(statement, params)
                columns = None
                for number, row in enumerate(rows, 1):
                    columns = columns or [column.name for column in rows.description]
                    yield f"row {number}", {name: _sql_value(value) for name, value in zip(columns, row)}, None
    except psycopg.Error as exc:
        raise FetchError(f"SQL: {str(exc).strip()}") from None


READERS = {"json": json_feed, "csv": file_at_url, "sql": sql_query}
