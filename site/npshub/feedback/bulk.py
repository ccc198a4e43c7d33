"""Bulk writes without model instances, for ingestion's hot path (tens of thousands of rows a second)."""

import json

from django.db import connection
from django.utils import timezone


class Row:
    """A stored response as rollups and tagging need it (``pk``, ``source_id``, fields), without
    the cost of a model instance: a batch of thousands is built in microseconds."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def insert_rows(model, rows, returning=None, chunk=None):
    """INSERT many rows (dicts of attname -> value; missing fields get their default) in
    multi-row statements, bypassing model instances. Returns the ``returning`` column's values
    per row, in order, when asked (PostgreSQL and SQLite >= 3.35 both return rows)."""
    if not rows:
        return []
    now = timezone.now()
    ops = connection.ops
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    columns, getters = [], []
    for field in fields:
        columns.append(ops.quote_name(field.column))
        is_datetime = field.get_internal_type() == "DateTimeField"
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        elif field.has_default():
            default = field.get_default()
        else:
            default = None if field.null else ("" if field.empty_strings_allowed else None)
        getters.append((field.attname, default, is_datetime, field.get_internal_type() == "JSONField"))
    per_statement = chunk or max(1, min(1000, 30000 // len(columns)))
    table = ops.quote_name(model._meta.db_table)
    suffix = f" RETURNING {ops.quote_name(returning)}" if returning else ""
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    results = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            part = rows[start:start + per_statement]
            params = []
            for row in part:
                for name, default, is_datetime, is_json in getters:
                    value = row.get(name, default)
                    if is_datetime and value is not None:
                        value = ops.adapt_datetimefield_value(value)
                    elif is_json:
                        value = json.dumps(value)
                    params.append(value)
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([placeholder] * len(part))}{suffix}"
            cursor.execute(sql, params)
            if returning:
                results.extend(value for (value,) in cursor.fetchall())
    return results
