"""Delivery of ready-made message bytes: an SMTP connection reused for a whole batch, or the local
outbox (one .eml file a message) when no EMAIL_HOST is configured.

Over SMTP each message is one transaction written by hand on smtplib's connection: when the server
offers PIPELINING (RFC 2920), MAIL, RCPT and DATA go in one write and their three replies are read
together, then the message and its final dot; two round trips a message instead of four. Without
it, the commands wait for their replies one by one, as smtplib does. The message is dot-stuffed
with a plain bytes replace (smtplib runs a regular expression over every message)."""

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
        self.pipelining = False

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
            connection.ehlo_or_helo_if_needed()
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientFailure(f"SMTP login failed: {exc.smtp_code} {exc.smtp_error!r}") from exc
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientFailure(f"cannot connect to SMTP server: {exc}") from exc
        self.connection = connection
        self.pipelining = connection.does_esmtp and connection.has_extn("pipelining")
        return self

    def send(self, from_addr, to_addr, data):
        """Send one message; returns the server's acceptance, raises Permanent/TransientFailure."""
        try:
            envelope = f"MAIL FROM:{_angle(from_addr)}\r\nRCPT TO:{_angle(to_addr)}\r\n".encode("ascii")
        except UnicodeEncodeError as exc:  # an address the server could only take with SMTPUTF8
            raise PermanentFailure(f"address not ASCII: {to_addr!r}") from exc
        connection = self.connection
        try:
            if self.pipelining:
                connection.sock.sendall(envelope + b"DATA\r\n")
                replies = [connection.getreply() for _command in range(3)]
            else:
                replies = []
                for command in envelope.split(b"\r\n")[:2] + [b"DATA"]:
                    connection.sock.sendall(command + b"\r\n")
                    replies.append(connection.getreply())
                    if replies[-1][0] not in (250, 251, 354):
                        break
            refused = next(((code, text) for code, text in replies[:2] if code not in (250, 251)), None)
            if refused is None and replies[-1][0] != 354:
                refused = replies[-1]
            if refused is not None:
                if replies[-1][0] == 354:  # DATA went ahead without a recipient: end it empty, then forget it
                    connection.sock.sendall(b".\r\n")
                    connection.getreply()
                self._reset()
                raise _failure(*refused)
            if data[:1] == b".":
                data = b"." + data
            if b"\n." in data:
                data = data.replace(b"\n.", b"\n..")
            connection.sock.sendall(data + (b".\r\n" if data.endswith(b"\r\n") else b"\r\n.\r\n"))
            code, text = connection.getreply()
        except (OSError, smtplib.SMTPException) as exc:  # disconnected, timeout
            self.connection = None
            raise TransientFailure(f"connection lost: {exc}") from exc
        if code != 250:
            self._reset()
            raise _failure(code, text)
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


def _angle(address):
    """``<address>`` for MAIL FROM / RCPT TO (smtplib.quoteaddr for anything unusual)."""
    if any(char in address for char in "<>\r\n \"()"):
        return smtplib.quoteaddr(address)
    return f"<{address}>"


def _failure(code, message):
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    cls = PermanentFailure if 500 <= int(code) < 600 else TransientFailure
    return cls(f"{code} {text}"[:300])


def get_transport():
    """A new, unopened transport for the configured delivery."""
    return SmtpTransport() if getattr(settings, "EMAIL_HOST", "") else OutboxTransport()
