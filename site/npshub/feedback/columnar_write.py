"""Storing a block of validated rows in columns (columnar.py): what ``Ingestor._write`` does for new
responses, without a Python object per row.

One transaction per block: primary keys drawn from the sequence, the responses and their contacts
by ``COPY ... (FORMAT csv)`` of text pyarrow writes in C (SQLite: ``executemany``), the rollup
deltas grouped per block by pyarrow (``group_by().aggregate()``, one row per key and grain instead
of one Python update per response and grain) and upserted as on the row path, new dimension values
made reference records, comments masked and matched to topics once per distinct comment (word stems
are cached per word in stemming.py), and ``events.responses_received`` published after the commit.
"""

import datetime
import io
import uuid
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, transaction

from npshub import events
from npshub.feedback import bulk, journeys, reference, rollups, topics
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import DIMENSIONS, CustomerContact, Response
from npshub.feedback.models.rollups import GRAINS, MEASURES

CACHE_LIMIT = 200_000  # distinct comments remembered (masked text, topics) across blocks
CONTACTS = {"customer_name": "name", "customer_phone": "phone", "customer_email": "email"}


def _utc_text(local, postgres):
    """Site-time timestamps (columnar.validate) as the UTC text the database stores."""
    utc = local.cast(pa.timestamp("s", tz="UTC"))
    return pc.strftime(utc, format="%Y-%m-%d %H:%M:%S+00" if postgres else "%Y-%m-%d %H:%M:%S")


def _numbers(column, kind=pa.int16()):
    return pc.cast(pc.if_else(pc.equal(column, ""), None, column), kind)


@dataclass
class Prepared:
    """A block made ready for the database by Writer.prepare."""
    n: int
    values: dict            # Response attname -> array (no ids yet)
    has_contact: pa.Array   # mask of the rows with a contact
    contacts: dict | None   # CustomerContact attname -> array, rows with a contact only
    rollups: list           # [(rollup model, [(key values..., measure deltas...)])]
    dimension_values: dict  # {dimension: slugs} for reference.ensure
    comment_index: np.ndarray
    comment_topics: list


class Writer:
    def __init__(self, source, via, tz):
        self.source, self.via, self.tz = source, via, tz
        self.rules = topics.compile_rules()
        self._masked, self._topics = {}, {}
        self.postgres = connection.vendor == "postgresql"

    def _per_comment(self, comments):
        """(masked comments, topic ids per row) with mask_pii and topic matching run once per distinct comment."""
        distinct = pc.unique(comments)
        values = distinct.to_pylist()
        if len(self._masked) > CACHE_LIMIT:
            self._masked.clear()
            self._topics.clear()
        for text in values:
            if text not in self._masked:
                self._masked[text] = mask_pii(text)
                self._topics[text] = sorted(topics.match(text, self.rules)) if text else []
        positions = pc.index_in(comments, value_set=distinct)
        masked = pc.take(pa.array([self._masked[text] for text in values], pa.string()), positions)
        return masked, positions.to_numpy(zero_copy_only=False), [self._topics[text] for text in values]

    def store(self, col):
        """Store the new responses in ``col`` (columns from columnar.validate, fast rows only); returns their number."""
        return self.write(self.prepare(col))

    def prepare(self, col):
        """Everything but the database: the columns to insert, contacts, rollup deltas, topic links.
        Run by one thread (the reader's): it fills the per-comment caches."""
        n = len(col["external_id"])
        consent = pc.or_(col["callback_consent"], col["data_consent"])
        submitted = _utc_text(col["submitted_local"], self.postgres)
        masked, comment_index, comment_topics = self._per_comment(col["comment"])
        now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S" + ("+00" if self.postgres else ""))
        values = {
            "source_id": pa.array(np.full(n, self.source.pk, dtype=np.int64)),
            "external_id": col["external_id"], "submitted_at": submitted,
            "score": _numbers(col["score"]), "csat": _numbers(col["csat"]), "ces": _numbers(col["ces"]),
            "comment": col["comment"], "comment_masked": masked,
            **{name: col[name] for name in (*DIMENSIONS, "language")},
            "callback_consent": col["callback_consent"], "data_consent": col["data_consent"],
            "consent_at": pc.if_else(consent, submitted, None),
            "consent_version": pc.if_else(consent, col["consent_version"], ""),
            "created_at": pa.array([now] * n, pa.string()), "updated_at": pa.array([now] * n, pa.string()),
        }
        has_contact = pc.or_(pc.or_(pc.greater(pc.utf8_length(col["customer_name"]), 0),
                                    pc.greater(pc.utf8_length(col["customer_phone"]), 0)),
                             pc.greater(pc.utf8_length(col["customer_email"]), 0))
        values["customer_key"] = self._customer_keys(col, has_contact, n)
        contacts = None
        if pc.any(has_contact).as_py():
            contacts = {field: col[key].filter(has_contact) for key, field in CONTACTS.items()}
        return Prepared(n, values, has_contact, contacts, self._rollup_rows(col, values),
                        {name: set(pc.unique(col[name]).to_pylist()) for name in DIMENSIONS},
                        comment_index, comment_topics)

    def write(self, block):
        """One transaction: the block's responses, contacts, rollups, reference values and topic links
        (any thread: each has its own connection); ``events.responses_received`` after the commit."""
        with transaction.atomic(), connection.cursor() as cursor:
            ids = self._ids(cursor, block.n)
            self._insert(cursor, Response, {"id": ids, **block.values})
            if block.contacts is not None:
                self._insert(cursor, CustomerContact, {"response_id": ids.filter(block.has_contact), **block.contacts})
            for model, rows in block.rollups:
                bulk.upsert_rows(cursor, model, rollups._columns(model), MEASURES, rows)
            reference.ensure(block.dimension_values)
            self._tag(cursor, ids, block.comment_index, block.comment_topics)
            id_list = ids.to_pylist()
            transaction.on_commit(lambda: events.publish(
                events.responses_received, sender=Response, response_ids=id_list, created_ids=id_list,
                event_id=f"responses-{uuid.uuid4().hex}",
            ))
        return block.n

    @staticmethod
    def _customer_keys(col, has_contact, n):
        """The journeys' keyed hash of each row's contact ("" without one), as the row path's assign_keys sets it."""
        keys = np.full(n, "", dtype=object)
        rows = pc.indices_nonzero(has_contact)
        if len(rows):
            phones, emails = col["customer_phone"].take(rows).to_pylist(), col["customer_email"].take(rows).to_pylist()
            keys[rows.to_numpy()] = [journeys.customer_key(phone, email) for phone, email in zip(phones, emails)]
        return pa.array(keys, pa.string())

    def _ids(self, cursor, n):
        if self.postgres:
            return pa.array(bulk.next_ids(cursor, Response, n), pa.int64())
        # SQLite has one writer: take its lock first, then the keys after the largest used one.
        table = connection.ops.quote_name(Response._meta.db_table)
        cursor.execute(f"UPDATE {table} SET id = id WHERE id = -1")
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        top = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [Response._meta.db_table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        return pa.array(np.arange(start, start + n, dtype=np.int64))

    def _insert(self, cursor, model, values):
        """Insert the columns ``values`` (attname -> array) into ``model``'s table; other fields get their default."""
        n = len(next(iter(values.values())))
        ops = connection.ops
        fields = [field for field in model._meta.concrete_fields if field.attname in values or not field.primary_key]
        arrays = []
        for field in fields:
            if field.attname in values:
                arrays.append(values[field.attname])
            else:
                default = field.get_default() if field.has_default() else (
                    None if field.null else ("" if field.empty_strings_allowed else None))
                arrays.append(pa.array([default] * n))
        columns = [ops.quote_name(field.column) for field in fields]
        table = ops.quote_name(model._meta.db_table)
        if self.postgres:
            data = io.BytesIO()
            pacsv.write_csv(pa.table(arrays, names=[f.attname for f in fields]), data,
                            pacsv.WriteOptions(include_header=False))
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT csv)") as copy:
                copy.write(data.getvalue())
            return
        rows = list(zip(*[array.to_pylist() for array in arrays]))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                           rows)

    @staticmethod
    def _rollup_rows(col, values):
        """[(rollup model, rows)]: the block's deltas grouped per key, as upsert_rows takes them."""
        score = values["score"]
        csat, ces = values["csat"], values["ces"]
        measures = {
            "promoters": pc.greater_equal(score, 9), "passives": pc.and_(pc.greater_equal(score, 7), pc.less(score, 9)),
            "detractors": pc.less(score, 7), "skipped": pc.is_null(score),
            "csat_n": pc.is_valid(csat), "csat_good": pc.fill_null(pc.greater_equal(csat, 4), False),
            "ces_n": pc.is_valid(ces), "ces_sum": pc.fill_null(ces, 0),
        }
        local_day = pc.utf8_slice_codeunits(col["submitted_text"], 0, 10)  # YYYY-MM-DD, local time
        table = pa.table({
            "day": local_day, "month": pc.binary_join_element_wise(pc.utf8_slice_codeunits(local_day, 0, 8), "01", ""),
            "source_id": values["source_id"],
            **{name: col[name] for name in DIMENSIONS},
            **{name: pc.fill_null(pc.cast(array, pa.int64()), 0) for name, array in measures.items()},
        })
        grains = []
        for model in GRAINS:  # a monthly rollup's "day" is its month's first day
            keys = [model.period, "source_id", *model.dimensions]
            grouped = table.group_by(keys, use_threads=False).aggregate([(name, "sum") for name in MEASURES])
            grouped = grouped.sort_by([(key, "ascending") for key in keys])  # rows locked in one order, as on the row path
            grains.append((model, list(zip(*[grouped.column(key).to_pylist() for key in keys],
                                           *[grouped.column(f"{name}_sum").to_pylist() for name in MEASURES]))))
        return grains

    def _tag(self, cursor, ids, comment_index, comment_topics):
        through = Response.topics.through
        tagged = np.array([bool(found) for found in comment_topics], dtype=bool)
        if not tagged.any():
            return
        rows = np.nonzero(tagged[comment_index])[0]
        id_values = ids.to_numpy()
        links = [(int(id_values[row]), topic) for row in rows for topic in comment_topics[comment_index[row]]]
        response_ids, topic_ids = zip(*links)
        self._insert(cursor, through, {"response_id": pa.array(response_ids, pa.int64()),
                                       "topic_id": pa.array(topic_ids, pa.int64())})
