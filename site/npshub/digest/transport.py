"""Delivery of ready-made message bytes: an SMTP connection reused for a whole batch, or the local
outbox (one .eml file a message) when no EMAIL_HOST is configured."""

import os
import smtplib
import time
import uuid
from pathlib import Path

from django.conf import settings


class PermanentFailure(Exception):
    """The server refused the message for good (5xx): a bounce. Do not retry."""


class TransientFailure(Exception):
    """The message may go through later (4xx, connection trouble). Retry with back-off."""


class OutboxTransport:
    """Writes each message to settings.EMAIL_FILE_PATH as an .eml file, atomically."""

    def __init__(self, path=None):
        self.path = Path(path or settings.EMAIL_FILE_PATH)

    def open(self):
        self.path.mkdir(parents=True, exist_ok=True)
        return self

    def send(self, from_addr, to_addr, data):
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:10]}.eml"
        tmp = self.path / f".{name}.tmp"
        with open(tmp, "wb") as handle:
            handle.write(data)
        os.replace(tmp, self.path / name)
        return f"250 written to outbox {name}"

    def close(self):
        pass


class SmtpTransport:
    """One SMTP connection (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS, EMAIL_HOST_USER/PASSWORD)."""

    def __init__(self):
        self.connection = None

    def open(self):
        try:
            connection = smtplib.SMTP(
                settings.EMAIL_HOST, int(getattr(settings, "EMAIL_PORT", 25)),
                timeout=getattr(settings, "EMAIL_TIMEOUT", 30) or 30,
            )
            if getattr(settings, "EMAIL_USE_TLS", False):
                connection.starttls()
            user = getattr(settings, "EMAIL_HOST_USER", "")
            if user:
                connection.login(user, getattr(settings, "EMAIL_HOST_PASSWORD", ""))
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientFailure(f"SMTP login failed: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientFailure(f"cannot connect to SMTP server: {exc}") from exc
        self.connection = connection
        return self

    def send(self, from_addr, to_addr, data):
        """Send one message; returns the server's acceptance, raises Permanent/TransientFailure."""
        try:
            refused = self.connection.sendmail(from_addr, [to_addr], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, message = next(iter(exc.recipients.values()))
            raise _failure(code, message) from exc
        except smtplib.SMTPResponseException as exc:  # sender refused, data error
            self._reset()
            raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except (OSError, smtplib.SMTPException) as exc:  # disconnected, timeout
            self.connection = None
            raise TransientFailure(f"connection lost: {exc}") from exc
        if refused:
            code, message = next(iter(refused.values()))
            raise _failure(code, message)
        return "250 accepted"

    def _reset(self):
        try:
            self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self.connection = None

    @property
    def usable(self):
        return self.connection is not None

    def close(self):
        if self.connection is not None:
            try:
                self.connection.quit()
            except (OSError, smtplib.SMTPException):
                self.connection.close()
            self.connection = None


def _failure(code, message):
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    cls = PermanentFailure if 500 <= int(code) < 600 else TransientFailure
    return cls(f"{code} {text}"[:300])


def get_transport():
    """A new, unopened transport for the configured delivery."""
    return SmtpTransport() if getattr(settings, "EMAIL_HOST", "") else OutboxTransport()
