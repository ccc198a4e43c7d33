"""Message bytes built cheaply: each email and language is compiled once into bytes with
per-recipient slots; per recipient only the slots are filled (no email.message objects, no
re-encoding of the body).

The text and HTML bodies are quoted-printable, cut at every placeholder: each static piece is
encoded once, each recipient's value is encoded on its own, and every piece starts at the
beginning of a line and ends with a soft line break (``=`` CRLF). Pieces therefore join in any
order into a valid body (no line over 76 characters, no escape split across pieces), and the
decoded body is exactly the filled-in template, byte for byte (newlines travel as ``=0A``, so
nothing is normalised). Lines may start with ``.``: the SMTP transport dot-stuffs on the wire.

Images the HTML carries as ``data:image/png`` URIs (the trend chart, npshub.digest.chart_image)
become inline parts: ``multipart/alternative`` of the text and a ``multipart/related`` holding the
HTML and each image, which the HTML references as ``cid:``. They are encoded once per email and
language (base64), and the per-recipient HTML stays small."""

import base64
import binascii
import re
import secrets
import time
from email.header import Header
from email.utils import formataddr, formatdate

from django.utils.html import escape

PLACEHOLDER = re.compile(r"%%NPSHUB_([A-Z_]+)%%")
INLINE_PNG = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def placeholder(name):
    return f"%%NPSHUB_{name.upper()}%%"


def _split(template):
    """'a %%NPSHUB_X%% b' -> (['a ', ' b'], ['X'])"""
    parts = PLACEHOLDER.split(template)
    return parts[0::2], parts[1::2]


def _fill(statics, names, values):
    out = [statics[0]]
    for name, static in zip(names, statics[1:]):
        out.append(values.get(name, ""))
        out.append(static)
    return "".join(out)


def _qp(data):
    """Quoted-printable ``data`` as a piece that starts a line and ends with a soft line break, so
    that pieces can be joined with anything between them (see the module's docstring)."""
    if not data:
        return b""
    encoded = binascii.b2a_qp(data, False, False, False)  # every byte that needs it, "\n" too; soft breaks "=\n"
    start = encoded.rfind(b"\n") + 1
    if len(encoded) - start > 75:  # no room for the closing "=": cut the last line, never inside an "=XX"
        cut = start + 75
        while b"=" in encoded[cut - 2:cut]:
            cut -= 1
        encoded = encoded[:cut] + b"=\n" + encoded[cut:]
    return (encoded + b"=\n").replace(b"\n", b"\r\n")


def _compile(split):
    """(static pieces as quoted-printable bytes, slot names between them) of one ``_split`` body."""
    statics, names = split
    return [_qp(static.encode("utf-8")) for static in statics], names


def _html_value(name, value):
    """A slot's value in the HTML: escaped, unless its name ends in ``_HTML`` (a fragment the caller
    built from escaped values)."""
    return value if name.endswith("_HTML") else escape(value)


def _b64(data):
    """Base64 in 76-character CRLF lines (RFC 2045), encoded in one C call, then sliced."""
    encoded = binascii.b2a_base64(data, newline=False)
    return b"\r\n".join([encoded[i:i + 76] for i in range(0, len(encoded), 76)])


def inline_images(html, domain):
    """(html with ``cid:`` references, [(content id, PNG bytes)]) for the HTML's data-URI PNGs."""
    images = []

    def replace(match):
        cid = f"chart{len(images) + 1}.{secrets.token_hex(8)}@{domain}"
        images.append((cid, base64.b64decode(match.group(1))))
        return f'src="cid:{cid}"'

    return INLINE_PNG.sub(replace, html), images


def _header_value(value):
    value = re.sub(r"[\r\n]+", " ", str(value))
    return value if value.isascii() else Header(value, "utf-8").encode()


def address(name, email):
    name = re.sub(r"[\r\n]+", " ", name or "")
    email = re.sub(r"[\r\n\s]+", "", email)
    return formataddr((name, email), charset="utf-8")


class MessageTemplate:
    """One email (subject, HTML, text) ready to personalise. ``html`` and ``text`` may contain
    placeholders ``%%NPSHUB_NAME%%``; ``build`` fills them: values for the HTML part are escaped
    here (except names ending in ``_HTML``: ready-made fragments whose every value the caller has
    escaped), values for the text part are used as they are."""

    def __init__(self, subject, html, text, from_email, domain="npshub.local", inline=True):
        self.from_email = from_email
        self.domain = domain
        # ``inline=False`` (a preview in the browser) keeps the images as data: URIs in the HTML.
        html, self.images = inline_images(html, domain) if inline else (html, [])
        self._html = _split(html)
        self._text = _split(text)
        self._html_qp = _compile(self._html)
        self._text_qp = _compile(self._text)
        self._boundary = "==npshub-" + secrets.token_hex(12)
        self._static_headers = (
            f"From: {_header_value(from_email)}\r\n"
            f"Subject: {_header_value(subject)}\r\n"
            "MIME-Version: 1.0\r\n"
            "Auto-Submitted: auto-generated\r\n"
            "Precedence: bulk\r\n"
        )
        self._middle = (
            f'Content-Type: multipart/alternative; boundary="{self._boundary}"\r\n\r\n'
            f"--{self._boundary}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode("ascii")
        html_head = "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        if not self.images:
            self._between = f"\r\n--{self._boundary}\r\n{html_head}".encode("ascii")
            self._end = f"\r\n--{self._boundary}--\r\n".encode("ascii")
            return
        related = "==npshub-rel-" + secrets.token_hex(12)
        self._between = (
            f"\r\n--{self._boundary}\r\n"
            f'Content-Type: multipart/related; type="text/html"; boundary="{related}"\r\n\r\n'
            f"--{related}\r\n{html_head}"
        ).encode("ascii")
        parts = []
        for index, (cid, data) in enumerate(self.images, start=1):
            parts.append((
                f"\r\n--{related}\r\n"
                f'Content-Type: image/png; name="nps-trend-{index}.png"\r\nContent-Transfer-Encoding: base64\r\n'
                f"Content-ID: <{cid}>\r\n"
                f'Content-Disposition: inline; filename="nps-trend-{index}.png"\r\n\r\n'
            ).encode("ascii") + _b64(data))
        self._end = b"".join(parts) + f"\r\n--{related}--\r\n\r\n--{self._boundary}--\r\n".encode("ascii")

    def render_html(self, values):
        return _fill(*self._html, {k: _html_value(k, v) for k, v in values.items()})

    def render_text(self, values):
        return _fill(*self._text, {k: str(v) for k, v in values.items()})

    def build(self, to, values, headers=None, message_id=None):
        """The complete message (bytes, CRLF line ends) for one recipient: the compiled pieces with
        this recipient's slots filled in."""
        message_id = message_id or f"<{secrets.token_hex(16)}@{self.domain}>"
        head = [self._static_headers, f"To: {to}\r\n", f"Date: {_date()}\r\n", f"Message-ID: {message_id}\r\n"]
        for name, value in (headers or {}).items():
            head.append(f"{name}: {_header_value(value)}\r\n")
        out = ["".join(head).encode("ascii"), self._middle]
        _fill_slots(out, *self._text_qp, values, False)
        out.append(self._between)
        _fill_slots(out, *self._html_qp, values, True)
        out.append(self._end)
        return b"".join(out)


def _fill_slots(out, statics, names, values, html):
    """Append the pieces of one body to ``out``, each slot's value encoded once per message (in the
    HTML through ``_html_value``, as ``render_html``)."""
    encoded = {}
    out.append(statics[0])
    for name, static in zip(names, statics[1:]):
        piece = encoded.get(name)
        if piece is None:
            value = values.get(name, "")
            value = _html_value(name, value) if html else value
            piece = encoded[name] = _qp(str(value).encode("utf-8"))
        out.append(piece)
        out.append(static)


_last_date = [0, ""]


def _date():
    """The Date header's value, formatted once a second (it only has whole seconds)."""
    now = int(time.time())
    if now != _last_date[0]:
        _last_date[:] = [now, formatdate(now, localtime=True)]
    return _last_date[1]
