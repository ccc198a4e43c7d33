"""The one ingestion service behind every way in: CSV import, the REST API and signed webhooks.

Usage::

    with Ingestor(source, via="api") as ingestor:     # or call .finish() yourself
        for position, record in enumerate(records):
            ingestor.add(position, record)
    report = ingestor.report                          # csvrows.Report: created/updated/duplicates/rejected

Each record is a dict with the CSV contract's fields (ARCHITECTURE.md). ``clean(record)``
validates one record and raises ``Rejected`` with the reason; good records are stored in
batches: one query finds the batch's known (source, external_id) pairs, new responses are
bulk-created, changed ones bulk-updated (with a ResponseChange record each), contacts go to
CustomerContact, the rollups are maintained (``rollups.apply``) and the comments tagged with
topics, all in one transaction; after it commits, ``events.responses_received`` is published once
for the batch.
"""

import datetime
import html
import re
import uuid

import bleach
from django.db import IntegrityError, transaction
from django.utils import timezone

from npshub import dates, events
from npshub.csvrows import Report
from npshub.feedback import erasure, journeys, reference, rollups, topics
from npshub.feedback.bulk import Row, insert_rows, update_rows
from npshub.feedback.masking import mask_pii
from npshub.feedback.models import CustomerContact, Response, ResponseChange, Source

BATCH_SIZE = 5000
COMMENT_MAX_LENGTH = 10_000
TEXT_FIELDS = ("segment", "product", "channel", "region", "team", "language", "consent_version")
CONTACT_FIELDS = {"customer_name": "name", "customer_phone": "phone", "customer_email": "email"}
BOOLEAN_FIELDS = ("callback_consent", "data_consent")
REQUIRED = ("external_id", "submitted_at", "score")
# Every field a record may carry (the CSV contract plus CSAT/CES and how consent was given).
FIELDS = (
    "external_id", "submitted_at", "score", "csat", "ces", "comment", *TEXT_FIELDS[:-1],
    *CONTACT_FIELDS, *BOOLEAN_FIELDS, "consent_at", "consent_version",
)
# Response fields compared to tell a duplicate from an update.
COMPARED = (
    "submitted_at", "score", "csat", "ces", "comment", "segment", "product", "channel", "region", "team",
    "language", "callback_consent", "data_consent", "consent_at", "consent_version",
)
TRUE, FALSE = {"true", "yes", "1", "y", "да"}, {"false", "no", "0", "n", "нет", ""}
_CODE_BLOCKS = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t]{2,}")
_NEEDS_WORK = re.compile(r"[<&\x00-\x08\x0b\x0c\x0e-\x1f\x7f\r]")
_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\].]{2,}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MAX = {name: Response._meta.get_field(name).max_length for name in (*TEXT_FIELDS, "external_id")}
_MAX.update({key: CustomerContact._meta.get_field(field).max_length for key, field in CONTACT_FIELDS.items()})
_MAX["comment"] = COMMENT_MAX_LENGTH
_RANGES = {"score": (0, 10), "csat": (1, 5), "ces": (1, 7)}


class Rejected(ValueError):
    """A record that cannot be stored; the message is the reason shown to the sender."""


def plain_text(value):
    """Customer text as plain text: HTML tags stripped (bleach), entities decoded once, control
    characters removed. The result is never marked safe anywhere: templates escape it."""
    text = value if type(value) is str else str(value)
    if not _NEEDS_WORK.search(text):  # the common case: nothing to clean
        return text.strip()
    if "<" in text or "&" in text:
        if "<" in text:  # script and style bodies are code, not the customer's words
            text = _CODE_BLOCKS.sub(" ", text)
        text = html.unescape(bleach.clean(text, tags=[], attributes={}, strip=True, strip_comments=True))
        text = _SPACES.sub(" ", text)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    return text.replace("\r\n", "\n").strip()


def _text(record, name):
    value = record.get(name)
    if not value:
        if value is None or value == "":
            return ""
    if type(value) is not str and isinstance(value, (dict, list, bool)):
        raise Rejected(f"{name} must be text")
    text = plain_text(value)
    if _SURROGATE.search(text):  # JSON allows "\ud800"; no database stores it
        raise Rejected(f"{name} is not valid Unicode text (a lone surrogate)")
    limit = _MAX[name]
    if len(text) > limit:
        raise Rejected(f"{name} is longer than {limit} characters ({len(text)})")
    return text


def _whole_number(record, name, required=False):
    value = record.get(name)
    if type(value) is str and value.isdigit() and value.isascii():  # the common case
        number = int(value)
        low, high = _RANGES[name]
        if low <= number <= high:
            return number
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Rejected(f"{name} is required")
        return None
    low, high = _RANGES[name]
    if isinstance(value, bool):
        raise Rejected(f"{name} must be a whole number {low}..{high}, not {value!r}")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise Rejected(f"{name} must be a whole number {low}..{high}, not {value!r}")
    if not low <= value <= high:
        raise Rejected(f"{name} must be between {low} and {high}, not {value}")
    return value


def parse_moment(value, name, tz=None):
    """An ISO 8601 date-time (or date) within ``npshub.dates``' range; naive ones are in the site's
    time zone."""
    if isinstance(value, datetime.datetime):
        moment = value
    else:
        text = str(value).strip()
        try:
            moment = datetime.datetime.fromisoformat(text)
        except ValueError:
            raise Rejected(f"{name} is not an ISO 8601 date and time: {text[:40]!r}") from None
    try:
        dates.check_moment(moment, name)
    except dates.OutOfRange as exc:
        raise Rejected(str(exc)) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz or timezone.get_current_timezone())
    return moment


def _moment(record, name, required=False, tz=None):
    value = record.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Rejected(f"{name} is required")
        return None
    return parse_moment(value, name, tz)


def _boolean(record, name):
    value = record.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise Rejected(f"{name} must be true/false/yes/no/1/0, not {str(value)[:20]!r}")


def clean(record, tz=None):
    """Validate one record; returns (response field values, contact values or None).
    Raises Rejected with the reason."""
    if not isinstance(record, dict):
        raise Rejected("must be an object with the response's fields")
    external_id = _text(record, "external_id")
    if not external_id:
        raise Rejected("external_id is required")
    values = {
        "external_id": external_id,
        "submitted_at": _moment(record, "submitted_at", required=True, tz=tz),
        "score": _whole_number(record, "score", required=True),
        "csat": _whole_number(record, "csat"),
        "ces": _whole_number(record, "ces"),
        "comment": _text(record, "comment"),
        "callback_consent": _boolean(record, "callback_consent"),
        "data_consent": _boolean(record, "data_consent"),
    }
    for name in TEXT_FIELDS:
        values[name] = _text(record, name)
    consent_at = _moment(record, "consent_at", tz=tz)
    if values["callback_consent"] or values["data_consent"]:
        values["consent_at"] = consent_at or values["submitted_at"]
    else:
        values["consent_at"] = None
        values["consent_version"] = ""
    contact = {field: _text(record, key) for key, field in CONTACT_FIELDS.items()}
    if contact["email"] and not _EMAIL.match(contact["email"]):
        raise Rejected(f"customer_email is not a valid e-mail address: {contact['email'][:60]!r}")
    return values, (contact if any(contact.values()) else None)


def lookup(data, path):
    """The value at a dotted ``path`` in nested dicts/lists ("review.text", "answers.0.value")."""
    value = data
    for part in str(path).split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.lstrip("-").isdigit() and -len(value) <= int(part) < len(value):
            value = value[int(part)]
        else:
            return None
        if value is None:
            return None
    return value


def map_record(data, mapping):
    """A source's own JSON object as our record, through its field mapping (our field -> the
    source's key or dotted path). Fields without a mapping are read under our own name."""
    if not isinstance(data, dict) or not mapping:
        return data
    return {name: lookup(data, mapping[name]) if name in mapping else data.get(name) for name in FIELDS}


def items_of(body, mapping):
    """The records of a webhook/API body: a list, one object, or (with the mapping's ``_items``
    path) a list inside an envelope object."""
    if isinstance(body, dict) and mapping and mapping.get("_items"):
        body = lookup(body, mapping["_items"])
        if body is None:
            return None
    if isinstance(body, dict):
        return [body]
    if isinstance(body, list):
        return body
    return None


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
