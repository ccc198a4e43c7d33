"""Branded one-off emails for other apps (a callback's thank-you note, account notices).

    from npshub.digest.transactional import send_branded_email
    send_branded_email("ann@example.com", "Thank you", "thank_you", {"name": "Ann", ...}, language="ru")

renders themes/<theme>/email/<template>.mjml with the theme's tokens and the context (values are
escaped), adds a plain-text alternative, and sends it through the digest's sender (SMTP or the
local outbox). Returns True when the server accepted the message, False otherwise (logged).
"""

import logging

from django.conf import settings

from npshub.digest import transport
from npshub.digest.mime import MessageTemplate, address
from npshub.digest.render import html_to_text, render_mjml

logger = logging.getLogger("npshub.digest")


def send_branded_email(to, subject, template, context, language="en"):
    try:
        html = render_mjml(template, {"subject": subject, **(context or {})}, language=language)
    except Exception:
        logger.exception("Cannot render email template %r", template)
        return False
    if isinstance(to, (list, tuple)):
        return all([send_branded_email(one, subject, template, context, language) for one in to])
    email = str(to).strip()
    if not email or "@" not in email or "\n" in email or "\r" in email:
        logger.warning("Not sending %r: bad address %r", template, to)
        return False
    message = MessageTemplate(subject, html, html_to_text(html), settings.DEFAULT_FROM_EMAIL)
    data = message.build(address("", email), {})
    sender = transport.get_transport()
    try:
        sender.open()
        sender.send(_envelope_from(), email, data)
        return True
    except (transport.PermanentFailure, transport.TransientFailure) as exc:
        logger.warning("Email %r to %s not accepted: %s", template, email, exc)
        return False
    finally:
        sender.close()


def _envelope_from():
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "nps-hub@localhost"
