"""Customer journeys: the answers of one customer in time order, matched by a keyed hash.

``Response.customer_key`` is HMAC-SHA256 (key: ``FEEDBACK_CUSTOMER_KEY``, else one derived from
SECRET_KEY) of the customer's normalised phone (digits, the last ten) or, without a phone, their
lower-cased e-mail: the raw value is never compared or kept for this. The key outlives contact
retention (the journey stays, the contact goes). Erasure turns the erased answer's key into
``erased:`` + a hash of it, which no new answer's key can equal: the erased answer leaves every
journey, and new answers of that customer never join it.
"""

import hashlib
import hmac
import re

from django.conf import settings

from npshub.feedback.models import CustomerContact, Response

ERASED = "erased:"


def _secret():
    key = getattr(settings, "FEEDBACK_CUSTOMER_KEY", "") or ""
    if key:
        return key.encode()
    return hmac.new(settings.SECRET_KEY.encode(), b"npshub.feedback.customer_key", hashlib.sha256).digest()


def normalised(phone="", email=""):
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) >= 7:
        return "p:" + digits[-10:]
    email = (email or "").strip().lower()
    return "e:" + email if "@" in email else ""


def customer_key(phone="", email=""):
    """The keyed hash of a customer's contact, or "" when there is nothing to match on."""
    value = normalised(phone, email)
    return hmac.new(_secret(), value.encode(), hashlib.sha256).hexdigest() if value else ""


def assign_keys(response_ids):
    """Set the key of ``response_ids`` from their contacts (erased answers keep theirs)."""
    changed = []
    for contact in CustomerContact.objects.filter(response_id__in=list(response_ids)).select_related("response").only(
            "phone", "email", "response__customer_key"):
        key = customer_key(contact.phone, contact.email)
        if key and contact.response.customer_key != key and not contact.response.customer_key.startswith(ERASED):
            contact.response.customer_key = key
            changed.append(contact.response)
    Response.objects.bulk_update(changed, ["customer_key"], batch_size=1000)
    return len(changed)


def erased_key(key):
    return ERASED + hashlib.sha256(key.encode()).hexdigest()[:32] if key and not key.startswith(ERASED) else key


def journey(response):
    """Every answer of ``response``'s customer, oldest first (just ``response`` when unknown or erased)."""
    key = response.customer_key
    if not key or key.startswith(ERASED):
        return [response]
    return list(Response.objects.filter(customer_key=key).select_related("source").order_by("submitted_at", "pk"))


def previous(response):
    """The customer's answer just before ``response``, or None."""
    key = response.customer_key
    if not key or key.startswith(ERASED):
        return None
    return (Response.objects.filter(customer_key=key, submitted_at__lt=response.submitted_at)
            .exclude(pk=response.pk).order_by("-submitted_at", "-pk").first())
