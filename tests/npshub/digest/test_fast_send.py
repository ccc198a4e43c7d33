"""The fast sending path: messages compiled once with per-recipient slots, acceptances journalled and
recorded in groups, a dead claim's journal read before its rows are released, SMTP pipelining."""

import datetime
import email
from email import policy

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from npshub.digest import journal, sending, tasks, transport
from npshub.digest import mailing as mailing_lib
from npshub.digest.mime import MessageTemplate, address
from npshub.digest.models import SendLog
from npshub.digest.personal import load_users, recipient_values
from tests.npshub.digest.conftest import start_smtp_server
from tests.npshub.digest.test_send import make_issue, send

pytestmark = pytest.mark.django_db


def leaves(message):
    return [(part.get_content_type(), part.get_payload(decode=True)) for part in message.walk() if not part.is_multipart()]


def test_slotted_message_equals_the_old_build_for_each_language(demo):
    """The old build base64-encoded ``render_text`` and ``render_html`` of the recipient's values; the
    compiled message carries exactly those bytes (quoted-printable), the same headers and parts."""
    User = get_user_model()
    anna = User.objects.get(username="caller")  # Russian-speaking
    other = User.objects.get(username="employee")
    anna.first_name, anna.last_name = "Анна", "Петрова-Водкина"
    other.first_name, other.last_name = "Jörg", "O'Brien <Ops>"
    User.objects.bulk_update([anna, other], ["first_name", "last_name"])
    other.profile.language = "en"
    other.profile.save()
    assert anna.profile.language == "ru"
    issue = make_issue()
    mailing = mailing_lib.digest_mailing(issue)
    source = mailing_lib.source_of(mailing)
    rendered = mailing_lib.ensure_rendered(mailing, source, ["en", "ru"])
    users = {u.pk: u for u in load_users([anna.pk, other.pk])}
    seen = set()
    for user, language in ((users[anna.pk], "ru"), (users[other.pk], "en")):
        values = recipient_values(mailing, source, [user], language)[user.pk]
        values["TOKEN"] = f"{user.pk}-token"
        r = rendered[language]
        template = MessageTemplate(r.subject, r.html, r.text, "NPS Hub <nps-hub@example.com>", "example.com")
        headers = mailing_lib.unsubscribe_headers(mailing, values["UTOKEN"])
        raw = template.build(address(user.get_full_name(), user.email), values, headers=headers,
                             message_id=f"<npshub-{mailing.pk}-{user.pk}@example.com>")
        assert raw.isascii()
        message = email.message_from_bytes(raw, policy=policy.default)
        for part in (message.get_body(("plain",)), message.get_body(("html",))):
            assert part["Content-Transfer-Encoding"] == "quoted-printable"
            assert max(len(line) for line in part.get_payload().splitlines()) <= 76
        assert message["To"].addresses[0].display_name == user.get_full_name()
        assert message["To"].addresses[0].addr_spec == user.email
        assert message["Subject"] == r.subject and message["Message-ID"] == f"<npshub-{mailing.pk}-{user.pk}@example.com>"
        assert message["List-Unsubscribe"] == headers["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        parts = leaves(message)
        assert [kind for kind, _data in parts] == ["text/plain", "text/html"] + ["image/png"] * len(template.images)
        assert parts[0][1] == template.render_text(values).encode("utf-8")
        assert parts[1][1] == template.render_html(values).encode("utf-8")
        assert [data for _kind, data in parts[2:]] == [data for _cid, data in template.images]
        assert escape(user.first_name) in parts[1][1].decode() and f"/t/c/{user.pk}-token/" in parts[1][1].decode()
        seen.add(parts[1][1])
    assert len(seen) == 2


def test_slots_survive_awkward_values():
    """Values with newlines, dots, '=' and Cyrillic, empty values, long lines: decoded byte for byte."""
    html = "<p>%%NPSHUB_FIRST_NAME%%</p>\n" + ("x" * 90 + "=\n.") * 20 + '<a href="http://h/t/c/%%NPSHUB_TOKEN%%/0/">a</a>'
    text = ".%%NPSHUB_FIRST_NAME%%\n%%NPSHUB_TEAM_TEXT%%" + "й" * 100
    template = MessageTemplate("S", html, text, "hub@example.com")
    for values in ({"FIRST_NAME": "Анна <b>", "TOKEN": "1-a", "TEAM_TEXT": "line\n.dot=3D " + "ж" * 60},
                   {"FIRST_NAME": "", "TOKEN": "", "TEAM_TEXT": ""}):
        message = email.message_from_bytes(template.build("a@example.com", values), policy=policy.default)
        assert message.get_body(("plain",)).get_payload(decode=True) == template.render_text(values).encode()
        assert message.get_body(("html",)).get_payload(decode=True) == template.render_html(values).encode()


def test_acceptances_recorded_in_groups_and_journal_discarded(demo, smtp_server, settings):
    settings.DIGEST_ACCEPT_GROUP, settings.DIGEST_ACCEPT_SECONDS = 4, 600
    issue = make_issue()
    mailing = tasks.start_digest(issue)
    rows = list(SendLog.objects.filter(mailing=mailing).order_by("pk").values_list("pk", flat=True))
    assert len(rows) > 8
    with CaptureQueriesContext(connection) as queries:
        counts = sending.send_range(mailing.pk, rows[0], rows[-1])
    assert counts["sent"] == len(rows)
    recorded = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE") and "smtp_response" in q["sql"]]
    assert len(recorded) == -(-len(rows) // 4)  # one UPDATE per group of four acceptances
    assert SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).count() == len(rows)
    assert not list(journal.directory().glob("*.log"))  # recorded, so the journal is gone
    assert len(smtp_server.files()) == len(rows)


def test_dead_claims_journal_keeps_accepted_messages_from_being_sent_again(demo, smtp_server):
    issue = make_issue()
    mailing = tasks.start_digest(issue)
    rows = list(SendLog.objects.filter(mailing=mailing).order_by("pk").values_list("pk", flat=True))
    # A worker claimed the batch, the server accepted two messages, the worker was killed before recording them.
    token = sending.claim(mailing.pk, rows[0], rows[-1])
    dead = journal.for_claim(token)
    for pk in rows[:2]:
        dead.accepted(journal.message_id(mailing.pk, pk, "example.com"))
    dead.close()
    SendLog.objects.filter(claim=token).update(claimed_at=timezone.now() - datetime.timedelta(hours=1))
    assert mailing_lib.release_stale_claims(mailing, timeout=60) == len(rows) - 2
    assert set(SendLog.objects.filter(mailing=mailing, status=SendLog.SENT).values_list("pk", flat=True)) == set(rows[:2])
    assert not journal.for_claim(token).entries()  # read once, then discarded
    output = send(issue)
    assert f"sent {len(rows) - 2} / skipped 2 / failed 0" in output
    got = [m["Message-ID"] for m in smtp_server.messages()]
    assert len(got) == len(rows) - 2
    assert not {journal.message_id(mailing.pk, pk, "example.com") for pk in rows[:2]} & set(got)


def test_pipelined_smtp_with_a_bounce_a_retry_and_leading_dots(demo, tmp_path, settings):
    User = get_user_model()
    bounce, flaky, dotted = User.objects.filter(is_active=True).exclude(email="").order_by("pk")[:3]
    dotted.first_name = ".Dot"  # starts a quoted-printable line: dot-stuffed on the wire, intact on arrival
    dotted.save()
    server = start_smtp_server(tmp_path, "--pipelining", "--refuse", bounce.email, "--tempfail", flaky.email)
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.DIGEST_RETRY_BACKOFF = "127.0.0.1", server.port, 0
    try:
        assert transport.SmtpTransport().open().pipelining
        issue = make_issue()
        output = send(issue)
        total = User.objects.filter(is_active=True).exclude(email="").count()
        assert f"sent {total - 1} / skipped 0 / failed 1" in output
        assert SendLog.objects.get(recipient=bounce, mailing__issue=issue).error.startswith("550")
        retried = SendLog.objects.get(recipient=flaky, mailing__issue=issue)
        assert retried.status == SendLog.SENT and retried.attempts == 2
        by_to = {m["To"].addresses[0].addr_spec: m for m in server.messages()}
        assert len(server.files()) == total - 1 and len(by_to) == total - 1
        received = by_to[dotted.email]
        assert ", .Dot" in received.get_body(("plain",)).get_content()
        assert ", .Dot" in received.get_body(("html",)).get_content()
    finally:
        server.stop()


@pytest.mark.parametrize("sink", [[], ["--fast-data"]], ids=["aiosmtpd", "fast-data-sink"])
def test_wire_dot_stuffing(tmp_path, settings, sink):
    server = start_smtp_server(tmp_path, "--pipelining", *sink)
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    try:
        text = ".first\n..second\n." + "z" * 74 + ".\n."
        data = MessageTemplate("S", "<p>.</p>", text, "hub@example.com").build("a@example.com", {})
        assert data.startswith(b"From") and b"\r\n." in data
        smtp = transport.SmtpTransport().open()
        smtp.send("hub@example.com", "a@example.com", data)
        smtp.close()
        (received,) = server.messages()
        assert received.get_body(("plain",)).get_payload(decode=True) == text.encode()
    finally:
        server.stop()
