"""Bulk writes without model instances, for ingestion's hot path (tens of thousands of rows a second).

On PostgreSQL rows travel by ``COPY`` (psycopg formats them in C): new rows straight into their
table, with ids drawn from its sequence beforehand when the caller needs them; upserts through a
temporary staging table. SQLite binds natively and takes multi-row ``VALUES``. Multi-row
``INSERT ... VALUES`` on PostgreSQL would have psycopg split and quote tens of thousands of
placeholders in Python, which capped ingestion at a few hundred rows a second.
"""

import json

from django.db import connection
from django.utils import timezone


class Row:
    """A stored response as rollups and tagging need it (``pk``, ``source_id``, fields), without
    the cost of a model instance: a batch of thousands is built in microseconds."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


# Rows per statement on SQLite: keeps the bound parameters under its limit (32766).
SQLITE_PARAMETERS = 30000
# PostgreSQL: upserts of up to this many rows go as one multi-row VALUES statement (a batch from the
# API touches a few hundred rollup rows per table); more go through a staging table by COPY (four
# statements, but no placeholders for psycopg to split in Python).
STAGE_FROM = 500


def values_sql(width, rows):
    """``VALUES (...), (...)`` for ``rows`` of ``width`` columns, and its parameters (SQLite; small PostgreSQL upserts)."""
    placeholder = "(" + ", ".join(["%s"] * width) + ")"
    return "VALUES " + ", ".join([placeholder] * len(rows)), [value for row in rows for value in row]


def chunks(rows, width):
    """``rows`` in slices small enough for one statement of ``width`` columns (SQLite's parameter limit)."""
    size = max(1, SQLITE_PARAMETERS // width)
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def copy_rows(cursor, table, columns, rows):
    """PostgreSQL: ``COPY`` ``rows`` (tuples) into ``table``'s ``columns`` (quoted names)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def run_staged(cursor, stage, columns, types, rows, statement):
    """PostgreSQL: ``COPY`` ``rows`` into the session's temporary table ``stage`` (created on first
    use), run ``statement`` (which reads it), and empty it again for the session's next batch."""
    cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} "
                   f"({', '.join(f'{name} {kind}' for name, kind in zip(columns, types))})")
    copy_rows(cursor, stage, columns, rows)
    cursor.execute(statement)
    cursor.execute(f"DELETE FROM {stage}")


def next_ids(cursor, model, count):
    """PostgreSQL: ``count`` fresh primary keys from the model's sequence, in increasing order."""
    table, pk = model._meta.db_table, model._meta.pk.column
    cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk, count])
    return [value for (value,) in cursor.fetchall()]


def column_types(model, names):
    """The database types of ``names`` (attnames) of ``model``, for a staging table."""
    fields = {field.attname: field for field in model._meta.concrete_fields}
    return [fields[name].rel_db_type(connection) if fields[name].is_relation else fields[name].db_type(connection)
            for name in names]


def upsert_rows(cursor, model, keys, measures, rows):
    """Add ``rows`` (tuples: key values, then measure deltas) to ``model``'s table: a new key is
    inserted, a known one gets ``measure = measure + delta``. Keys must be unique within ``rows``."""
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    columns = [*keys, *measures]
    updates = ", ".join(f"{name} = {table}.{name} + excluded.{name}" for name in measures)
    upsert = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    if connection.vendor != "postgresql" or len(rows) <= STAGE_FROM:
        for part in chunks(rows, len(columns)):
            sql, params = values_sql(len(columns), part)
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql} {upsert}", params)
        return
    stage = ops.quote_name(f"stage_{model._meta.db_table}")
    types = column_types(model, keys) + ["bigint"] * len(measures)  # deltas; assignment casts them
    # In key order, so that concurrent batches lock the same rows in the same order.
    run_staged(cursor, stage, columns, types, rows,
               f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {stage} "
               f"ORDER BY {', '.join(keys)} {upsert}")


def insert_rows(model, rows, return_ids=False):
    """INSERT many rows (dicts of attname -> value; missing fields get their default), bypassing
    model instances. With ``return_ids``, returns their primary keys in the order of ``rows``."""
    if not rows:
        return []
    now = timezone.now()
    ops = connection.ops
    postgres = connection.vendor == "postgresql"
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns, getters = [], []
    for field in fields:
        columns.append(ops.quote_name(field.column))
        kind = field.get_internal_type()
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        elif field.has_default():
            default = field.get_default()
        else:
            default = None if field.null else ("" if field.empty_strings_allowed else None)
        getters.append((field.attname, default, kind == "DateTimeField" and not postgres, kind == "JSONField"))
    values = []
    for row in rows:
        record = []
        for name, default, adapt, is_json in getters:
            value = row.get(name, default)
            if adapt and value is not None:
                value = ops.adapt_datetimefield_value(value)
            elif is_json:
                value = json.dumps(value)
            record.append(value)
        values.append(record)
    table = ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if postgres:
            ids = []
            if return_ids:
                ids = next_ids(cursor, model, len(values))
                columns.insert(0, ops.quote_name(model._meta.pk.column))
                values = [[pk, *record] for pk, record in zip(ids, values)]
            copy_rows(cursor, table, columns, values)
            return ids
        results = []
        suffix = f" RETURNING {ops.quote_name(model._meta.pk.column)}" if return_ids else ""
        for part in chunks(values, len(columns)):
            sql, params = values_sql(len(columns), part)
            cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) {sql}{suffix}", params)
            if return_ids:
                results.extend(value for (value,) in cursor.fetchall())
        return results


def update_rows(model, rows, fields):
    """UPDATE ``fields`` (attnames) of many rows (dicts holding ``pk`` and those fields): one
    COPY into a staging table and one ``UPDATE ... FROM`` on PostgreSQL, one ``executemany`` on
    SQLite. (Django's ``bulk_update`` builds a ``CASE`` per field and row: seconds per thousand.)"""
    if not rows:
        return
    ops = connection.ops
    table, pk = ops.quote_name(model._meta.db_table), ops.quote_name(model._meta.pk.column)
    by_attname = {field.attname: field for field in model._meta.concrete_fields}
    columns = [ops.quote_name(by_attname[name].column) for name in fields]
    postgres = connection.vendor == "postgresql"
    adapt = [by_attname[name].get_internal_type() == "DateTimeField" and not postgres for name in fields]
    values = [
        [*(ops.adapt_datetimefield_value(row[name]) if convert and row[name] is not None else row[name]
           for name, convert in zip(fields, adapt)), row["pk"]]
        for row in rows
    ]
    with connection.cursor() as cursor:
        if not postgres:
            assignments = ", ".join(f"{column} = %s" for column in columns)
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", values)
            return
        stage = ops.quote_name(f"stage_update_{model._meta.db_table}")
        types = column_types(model, fields) + [model._meta.pk.rel_db_type(connection)]
        assignments = ", ".join(f"{column} = stage.{column}" for column in columns)
        run_staged(cursor, stage, [*columns, "stage_pk"], types, values,
                   f"UPDATE {table} SET {assignments} FROM {stage} stage WHERE {table}.{pk} = stage.stage_pk")
