"""The one ingestion service behind every way in: CSV import, the REST API and signed webhooks.

Usage::

    with Ingestor(source, via="api") as ingestor:     # or call .finish() yourself
        for position, record in enumerate(records):
            ingestor.add(position, record)
    report = ingestor.report                          # csvrows.Report: created/updated/duplicates/rejected

Each record is a dict with the CSV contract's fields (ARCHITECTURE.md). ``records.clean(record)``
validates one record and raises ``records.Rejected`` with the reason; good records are stored in
batches: one query finds the batch's known (source, external_id) pairs, new responses are
bulk-created, changed ones bulk-updated (with a ResponseChange record each), contacts go to
CustomerContact, the rollups are maintained (``rollups.apply``) and the comments tagged with
topics, all in one transaction; after it commits, ``events.responses_received`` is published once
for the batch.
"""

import datetime
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from npshub import events
from npshub.csvrows import Report
from npshub.feedback import erasure, journeys, reference, rollups, topics
from npshub.feedback.bulk import Row, insert_rows, update_rows
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import CustomerContact, Response, ResponseChange, Source
from npshub.feedback.records import COMPARED, CONTACT_FIELDS, Rejected, clean

BATCH_SIZE = 5000


def _changes(old, new_values, old_contact, new_contact):
    """{field: [old, new]} between a stored response (``old``: dict) and a re-sent one."""
    changed = {}
    for name in COMPARED:
        before, after = old[name], new_values[name]
        if before != after:
            changed[name] = [_json(before), _json(after)]
    if new_contact is not None:
        for field in CONTACT_FIELDS.values():
            before = old_contact.get(field, "") if old_contact else ""
            if before != new_contact.get(field, ""):
                changed[f"customer_{field}"] = ["(changed)", "(changed)"]  # personal data: not copied
    return changed


def _json(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


class Ingestor:
    """Collects records of one source and stores them batch by batch (see the module docstring).

    ``via`` names the way in (cli, api, webhook, demo) in change records; ``dry_run`` validates
    and classifies (created/duplicate/updated) without writing; ``on_reject(position, reason,
    record)`` is called for each rejected record; ``on_batch(report)`` after each batch."""

    def __init__(self, source, via="api", dry_run=False, batch_size=BATCH_SIZE, on_reject=None, on_batch=None):
        self.source = source
        self.via = via
        self.dry_run = dry_run
        self.batch_size = batch_size
        self.on_reject = on_reject
        self.on_batch = on_batch
        self.report = Report()
        self.tz = timezone.get_current_timezone()
        self._pending = {}  # external_id -> (position, values, contact)
        self._rules = None
        self.received = 0

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.finish()

    def reject(self, position, reason, record=None):
        self.report.reject(position, reason)
        if self.on_reject:
            self.on_reject(position, reason, record)

    def add(self, position, record):
        self.received += 1
        try:
            values, contact = clean(record, self.tz)
        except Rejected as exc:
            self.reject(position, str(exc), record)
            return
        key = values["external_id"]
        if key in self._pending:
            # Sent twice within one batch: the later one wins, as if sent one after the other.
            _, earlier, earlier_contact = self._pending[key]
            if earlier == values and (contact or earlier_contact) == earlier_contact:
                self.report.duplicates += 1
                return
            self.report.updated += 1
        self._pending[key] = (position, values, contact)
        if len(self._pending) >= self.batch_size:
            self.flush()

    def finish(self):
        self.flush()
        return self.report

    def flush(self):
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        if self._rules is None:
            self._rules = topics.compile_rules()
        refused = erasure.honour_tombstones(self.source, pending)  # withdrawn/erased stay so
        try:
            self._store(pending, refused)
        except IntegrityError:
            # Another process stored some of these ids between our look-up and insert: the
            # batch was rolled back as a whole; look again and store it once more.
            self._store(pending, refused)
        if self.on_batch:
            self.on_batch(self.report)

    def _store(self, pending, refused=None):
        source = self.source
        report = Report()
        with transaction.atomic():
            known = {}
            columns = ("pk", "external_id", *COMPARED, "comment_changed_at", "contact__id",
                       *(f"contact__{field}" for field in CONTACT_FIELDS.values()))
            for values in (
                Response.objects.filter(source=source, external_id__in=list(pending)).values_list(*columns)
            ):
                known[values[1]] = dict(zip(columns, values))
            now = timezone.now()
            new, new_contacts, changed, old_versions, change_records, contact_rows = [], [], [], [], [], []
            for external_id, (_, values, contact) in pending.items():
                old = known.get(external_id)
                if old is None:
                    new.append(values)
                    new_contacts.append(contact)
                    continue
                old_contact = {field: old[f"contact__{field}"] for field in CONTACT_FIELDS.values()} \
                    if old["contact__id"] else None
                diff = _changes(old, values, old_contact, contact)
                if not diff:
                    report.duplicates += 1
                    continue
                old_versions.append(Row(source_id=source.pk, **{name: old[name] for name in COMPARED}))
                update = Row(pk=old["pk"], source_id=source.pk, updated_at=now, **values,
                             comment_changed_at=now if "comment" in diff else old["comment_changed_at"])
                changed.append(update)
                change_records.append({"response_id": old["pk"], "via": self.via, "changes": diff})
                if contact is not None and any(key.startswith("customer_") for key in diff):
                    contact_rows.append((old["pk"], old["contact__id"], contact))
            report.created, report.updated = len(new), len(changed)
            if self.dry_run:
                transaction.set_rollback(True)
            else:
                self._write(new, new_contacts, changed, old_versions, change_records, contact_rows)
                erasure.log_refusals(source, refused, self.via)
        self.report.created += report.created
        self.report.updated += report.updated
        self.report.duplicates += report.duplicates

    def _write(self, new, new_contacts, changed, old_versions, change_records, contact_rows):
        source_id = self.source.pk
        for values in new:
            values["source_id"] = source_id
            values["comment_masked"] = mask_pii(values["comment"])
        ids = insert_rows(Response, new, return_ids=True)
        added = []
        for pk, values in zip(ids, new):
            values["pk"] = pk
            added.append(Row(**values))
        contacts = [{"response_id": row.pk, **contact} for row, contact in zip(added, new_contacts) if contact]
        replaced = []
        for response_id, contact_id, contact in contact_rows:
            if contact_id is None:
                contacts.append({"response_id": response_id, **contact})
            else:
                replaced.append({"pk": contact_id, **contact})
        insert_rows(CustomerContact, contacts)
        if changed:
            for row in changed:
                row.comment_masked = mask_pii(row.comment)
            updated_fields = [*COMPARED, "comment_masked", "updated_at", "comment_changed_at"]
            update_rows(Response, [{name: getattr(row, name) for name in ("pk", *updated_fields)} for row in changed],
                        updated_fields)
            insert_rows(ResponseChange, change_records)
        update_rows(CustomerContact, replaced, list(CONTACT_FIELDS.values()))
        rollups.apply(added=[*added, *changed], removed=old_versions)
        reference.ensure(reference.values_of([*new, *changed]))  # new slugs become reference records
        topics.tag_responses(added, rules=self._rules)
        if changed:
            topics.tag_responses(changed, rules=self._rules, replace=True)
        response_ids = [row.pk for row in (*added, *changed)]
        journeys.assign_keys(response_ids)
        created_ids = ids
        if response_ids:
            transaction.on_commit(lambda: events.publish(
                events.responses_received, sender=Response, response_ids=response_ids,
                created_ids=created_ids, event_id=f"responses-{uuid.uuid4().hex}",
            ))


def ingest(source, records, via="api", dry_run=False, start=0):
    """Ingest an iterable of records for one source; positions count from ``start``."""
    ingestor = Ingestor(source, via=via, dry_run=dry_run)
    for position, record in enumerate(records, start):
        ingestor.add(position, record)
    return ingestor.finish()


def store_new(pairs, via="demo"):
    """Store already-validated new responses (unsaved Response objects, with their contact
    dicts or None) the way ingestion does: contacts apart, rollups, topics, one event.
    Used by the demo data generator; callers make sure the (source, external_id)s are new."""
    pairs = list(pairs)
    if not pairs:
        return 0
    rules = topics.compile_rules()
    with transaction.atomic():
        responses = [response for response, _ in pairs]
        Response.objects.bulk_create(responses, batch_size=1000)
        if any(response.pk is None for response in responses):
            by_key = {
                (source_id, external_id): pk
                for pk, source_id, external_id in Response.objects.filter(
                    source_id__in={r.source_id for r in responses},
                    external_id__in=[r.external_id for r in responses],
                ).values_list("pk", "source_id", "external_id")
            }
            for response in responses:
                response.pk = by_key[(response.source_id, response.external_id)]
        CustomerContact.objects.bulk_create(
            [CustomerContact(response=response, **contact) for response, contact in pairs if contact], batch_size=1000
        )
        rollups.apply(added=responses, removed=[])
        reference.ensure(reference.values_of(responses))
        topics.tag_responses(responses, rules=rules)
        ids = [response.pk for response in responses]
        journeys.assign_keys(ids)
        transaction.on_commit(lambda: events.publish(
            events.responses_received, sender=Response, response_ids=ids, created_ids=ids,
            event_id=f"responses-{uuid.uuid4().hex}",
        ))
    return len(responses)


def source_for_import(slug):
    """The source with ``slug``, created (named after the slug) when new."""
    source, _ = Source.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ").title()})
    return source
