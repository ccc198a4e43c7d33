"""The record contract of every way in (CSV import, REST API, webhooks, pulls): the fields a record
may carry, their validation (``clean`` returns the values or raises ``Rejected`` with the reason shown
to the sender, ``plain_text`` strips markup) and the mapping of a source's own JSON onto our fields
(``lookup``, ``map_record``, ``items_of``). Storage is npshub.feedback.ingest's."""

import datetime
import html
import re

import bleach
from django.utils import timezone

from npshub import dates
from npshub.feedback.models import CustomerContact, Response

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
