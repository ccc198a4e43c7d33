from pathlib import Path

import pytest

from npshub import theme
from npshub.digest.transactional import send_branded_email
from tests.npshub.digest.conftest import html_part, text_part

CONTEXT = {"name": "Ann <script>alert(1)</script>", "message": "We fixed your kettle.\nThanks for waiting.",
           "button_url": "https://example.com/feedback?a=1&b=2", "button_label": "Tell us more"}


def test_branded_email_goes_through_a_real_smtp_server(smtp_server):
    assert send_branded_email("ann@example.com", "Thank you, Ann", "thank_you", CONTEXT) is True
    [message] = smtp_server.messages()
    assert message["To"] == "ann@example.com" and message["Subject"] == "Thank you, Ann"
    html, text = html_part(message), text_part(message)
    # Branded from the tokens, rendered by MJML (tables, inline styles), hostile name escaped.
    assert theme.color("brand-dark") in html and "<table" in html and 'style="' in html
    assert "<script>alert(1)</script>" not in html and "Ann &lt;script&gt;" in html
    assert "https://example.com/feedback?a=1&amp;b=2" in html
    assert 'name="color-scheme"' in html
    # Plain text alternative from the same content.
    assert "We fixed your kettle." in text and "Tell us more (https://example.com/feedback?a=1&b=2)" in text
    assert "<table" not in text and "<td" not in text and "{" not in text  # no markup, no CSS
    assert "Dear Ann <script>alert(1)</script>," in text  # plain text shows the value as it is


def test_russian_and_outbox_without_smtp(settings, tmp_path):
    settings.EMAIL_HOST = ""
    assert send_branded_email("ivan@example.com", "Спасибо", "thank_you", {"name": "Иван", "message": "Всё хорошо."},
                              language="ru") is True
    [path] = Path(settings.EMAIL_FILE_PATH).glob("*.eml")
    import email
    from email import policy

    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["Subject"] == "Спасибо" and "Всё хорошо." in html_part(message)


def test_refused_recipient_and_bad_input_return_false(tmp_path, settings):
    from tests.npshub.digest.conftest import start_smtp_server

    server = start_smtp_server(tmp_path, "--refuse", "gone@example.com")
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    try:
        assert send_branded_email("gone@example.com", "Hi", "thank_you", {}) is False
        assert send_branded_email("bad\r\nBcc: x@example.com", "Hi", "thank_you", {}) is False
        assert send_branded_email("ok@example.com", "Hi", "no_such_template", {}) is False
        assert server.files() == []
    finally:
        server.stop()
