"""Signed deliveries from outside systems (a source's webhook, a PBX...): one scheme, one replay store.

The sender puts the Unix time in seconds in ``X-NPS-Timestamp`` and ``hex(HMAC-SHA256(secret,
timestamp + "." + raw body))`` in ``X-NPS-Signature`` (an optional ``sha256=`` prefix is accepted).
``verify()`` refuses a missing or bad signature and a timestamp more than five minutes away from
our clock; ``accept_once()`` refuses a signature already accepted (a replay), using the
``WebhookDelivery`` table. Both raise DRF's ``AuthenticationFailed`` (401), so nothing is stored.
"""

import datetime
import hashlib
import hmac
import time

from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions

from npshub.feedback.models import WebhookDelivery

TOLERANCE_SECONDS = 300


def sign(secret, timestamp, body):
    """The signature a sender puts in X-NPS-Signature for ``body`` (bytes) sent at ``timestamp``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify(headers, secret, body):
    """The (lower-case hex) signature of a correctly signed, timely request; else 401."""
    timestamp = headers.get("X-NPS-Timestamp", "").strip()
    given = headers.get("X-NPS-Signature", "").strip().lower().removeprefix("sha256=")
    if not timestamp or not given:
        raise exceptions.AuthenticationFailed("X-NPS-Timestamp and X-NPS-Signature headers are required.")
    if not (timestamp.isascii() and timestamp.isdecimal()) or len(timestamp) > 12:
        raise exceptions.AuthenticationFailed("X-NPS-Timestamp must be Unix time in seconds.")
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        raise exceptions.AuthenticationFailed("X-NPS-Timestamp is more than 5 minutes away: refused.")
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected, given):
        raise exceptions.AuthenticationFailed("Bad signature.")
    return expected


def accept_once(signature, *, source=None, channel=""):
    """Remember an accepted delivery (in the caller's transaction); a replay is a 401."""
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(source=source, channel=channel, signature=signature)
    except IntegrityError:
        raise exceptions.AuthenticationFailed("This delivery was already received (replay).") from None


def forget_expired():
    """Deliveries older than twice the tolerance can no longer be replayed (their timestamp is refused)."""
    WebhookDelivery.objects.filter(
        received_at__lt=timezone.now() - datetime.timedelta(seconds=2 * TOLERANCE_SECONDS)
    ).delete()
