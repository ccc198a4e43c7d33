"""The NPS trend in the digest and weekly e-mails: a real PNG (CairoSVG) of the e-mail's width at 2x,
rendered once per mailing and language, sent as an inline cid: part the HTML references, with alt
text (and a plain-text line) giving the figures in the reader's language."""

import base64
import datetime
import email
import re
import struct
from email import policy

import pytest
from django.utils import timezone, translation

from npshub import formats, trends
from npshub.digest import chart_image, tasks
from npshub.digest.mime import MessageTemplate
from npshub.digest.models import Mailing, RenderedEmail, SendLog
from npshub.digest.render import html_to_text
from tests import factories
from tests.npshub.digest.conftest import html_part, text_part

ROWS = [
    {"period_start": "2026-01-01", "nps": 31.0, "margin_of_error": 4.1, "responses": 200, "small_sample": False},
    {"period_start": "2026-02-01", "nps": None, "margin_of_error": None, "responses": 0, "small_sample": True},
    {"period_start": "2026-03-01", "nps": -5.25, "margin_of_error": 2.2, "responses": 812, "small_sample": False},
]


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def decoded(image):
    prefix = "data:image/png;base64,"
    assert image["src"].startswith(prefix)
    return base64.b64decode(image["src"][len(prefix):])


@pytest.mark.parametrize("language, expected", [
    ("en", ["NPS by month: Jan 2026: 31.0; Feb 2026: no answers; Mar 2026: \u22125.3.",
            "Latest: \u22125.3 \u00b12.2, 812 answers."]),
    ("ru", ["NPS по месяцам: янв. 2026: 31,0; февр. 2026: нет ответов; март 2026: \u22125,3.",
            "\u00b12,2, 812 ответов."]),
])
def test_png_is_a_real_png_of_the_email_width_with_the_figures_as_alt(language, expected):
    with translation.override(language):
        image = chart_image.image(ROWS, "month")
        svg = chart_image.standalone_svg(ROWS, "month")
    width, height = png_size(decoded(image))
    assert (width, height) == (1120, 2 * image["height"]) and image["width"] == 560 and 200 < image["height"] < 300
    for part in expected:
        assert part in image["alt"]
    # part 3's rules: the axis fits the data with zero marked (the range crosses it), months in the
    # reader's language, the latest value written, the margin as one token; fonts with Cyrillic.
    assert 'class="chart__grid chart__zero"' in svg and "DejaVu Sans" in svg
    assert (">янв. 2026<" if language == "ru" else ">Jan 2026<") in svg
    assert (">март 2026<" if language == "ru" else ">Mar 2026<") in svg  # the latest period is always labelled
    assert ("\u22125,3</text>" if language == "ru" else "\u22125.3</text>") in svg


def test_no_zero_line_when_zero_is_out_of_range_and_no_image_without_answers():
    rows = [dict(ROWS[0]), dict(ROWS[0], period_start="2026-02-01", nps=46.0)]
    with translation.override("en"):
        svg = chart_image.standalone_svg(rows, "month")
        assert "chart__zero\"" not in svg  # the style names the class; no line carries it
        ticks = re.findall(r'text-anchor="end">([^<]+)</text>', svg)
        assert "0" not in ticks and ticks[0] != "\u2212100"
        assert chart_image.image([dict(ROWS[1])], "month") is None


def test_message_carries_the_png_inline_and_references_it():
    png = chart_image.png(ROWS, "month")
    data_uri = "data:image/png;base64," + base64.b64encode(png).decode()
    html = f'<p>Hi %%NPSHUB_FIRST_NAME%%</p><img src="{data_uri}" alt="NPS by month: Jan 2026: 31.0">'
    template = MessageTemplate("Digest", html, "Hi %%NPSHUB_FIRST_NAME%%", "NPS Hub <hub@example.com>", "example.com")
    raw = template.build("ann@example.com", {"FIRST_NAME": "Ann <b>"})
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message.get_content_type() == "multipart/alternative"
    related = [part for part in message.iter_parts() if part.get_content_type() == "multipart/related"]
    assert len(related) == 1
    body, image = list(related[0].iter_parts())
    assert body.get_content_type() == "text/html" and image.get_content_type() == "image/png"
    cid = image["Content-ID"].strip("<>")
    assert f'src="cid:{cid}"' in html_part(message) and "data:image" not in html_part(message)
    assert "Hi Ann &lt;b&gt;" in html_part(message) and image.get_content() == png
    assert image.get_content_disposition() == "inline"
    kept = MessageTemplate("Digest", html, "text", "hub@example.com", inline=False)  # a browser preview
    assert not kept.images and data_uri in kept.render_html({"FIRST_NAME": "Ann"})
    # without an image the message stays text + HTML
    plain = email.message_from_bytes(MessageTemplate("S", "<p>x</p>", "x", "a@example.com").build("b@example.com", {}),
                                     policy=policy.default)
    assert [part.get_content_type() for part in plain.iter_parts()] == ["text/plain", "text/html"]


def test_plain_text_gets_the_charts_figures_not_other_images():
    html = ('<img src="https://x.example/logo.png" alt="NPS Hub"><img src="data:image/png;base64,AAAA" '
            'alt="NPS by month: Jan 2026: 31.0"><p>Body</p>')
    text = html_to_text(html)
    assert "NPS by month: Jan 2026: 31.0" in text and "NPS Hub" not in text


# --- With the database: the points, and the mailings sent to a real SMTP server ---------------------

def month_ago(months):
    day = timezone.localdate().replace(day=1)
    for _i in range(months):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
    return day


def team_world():
    org = factories.org()
    team = org.retail_team
    source = factories.source("trend-test")
    factories.responses(source, month_ago(3) + datetime.timedelta(days=3), promoters=6, detractors=4, team=team.slug)
    factories.responses(source, month_ago(1) + datetime.timedelta(days=3), promoters=7, detractors=3, team=team.slug)
    factories.responses(source, timezone.localdate(), promoters=8, passives=1, detractors=1, team=team.slug)
    return team


@pytest.mark.django_db
def test_points_keep_gaps_and_start_at_the_first_answer():
    team = team_world()
    rows = trends.points(timezone.localdate(), "month", team=team.slug)
    assert [row["period_start"] for row in rows] == [month_ago(n).isoformat() for n in (3, 2, 1, 0)]
    assert [row["nps"] for row in rows] == [20.0, None, 40.0, 70.0]
    assert rows[1]["responses"] == 0 and all(row["small_sample"] for row in rows)  # fewer than 30 answers each
    assert trends.points(timezone.localdate(), "month", team="no-such-team") == []


def site_home():
    from wagtail.models import Site

    from content.pages import ensure_wagtail_roots
    from npshub.pages.models import HomePage

    home = ensure_wagtail_roots().add_child(instance=HomePage(title="Hub", slug="hub-trend"))
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:  # a flushed (transactional) database has none
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="NPS Hub")
    else:
        site.root_page = home
        site.save()
    return home


def image_of(message):
    images = [part for part in message.walk() if part.get_content_type() == "image/png"]
    assert len(images) == 1, [part.get_content_type() for part in message.walk()]
    cid = images[0]["Content-ID"].strip("<>")
    match = re.search(rf'<img[^>]*src="cid:{re.escape(cid)}"[^>]*>', html_part(message))
    assert match, "the HTML references the inline image"
    alt = re.search(r'alt="([^"]*)"', match.group(0)).group(1)
    return images[0].get_content(), alt


def test_digest_over_smtp_carries_the_trend_once_per_language(db, smtp_server, monkeypatch):
    from content.digest import ensure_digest_section
    from npshub.pages.models import DigestPage

    team = team_world()
    for language in ("en", "en", "ru"):
        factories.user(team=team, language=language)
    site_home()
    issue = ensure_digest_section().add_child(instance=DigestPage(title="December", month=timezone.localdate()))
    renders = []
    original = chart_image.png
    monkeypatch.setattr(chart_image, "png", lambda *args: renders.append(args) or original(*args))
    tasks.send_issue(issue.pk)
    messages = smtp_server.messages()
    assert len(messages) == 3 and len(renders) == 2  # once per language, not per recipient
    seen = {}
    for message in messages:
        language = SendLog.objects.get(email=message["To"].addresses[0].addr_spec).language
        png, alt = image_of(message)
        assert png_size(png)[0] == 1120
        with translation.override(language):
            latest = f"{formats.month(timezone.localdate())}: {formats.number(70.0, 1)}"
            gap = f"{formats.month(month_ago(2))}: {'нет ответов' if language == 'ru' else 'no answers'}"
        assert latest in alt and gap in alt and latest in text_part(message)
        assert ("NPS по месяцам" if language == "ru" else "NPS by month") in alt
        seen.setdefault(language, set()).add(png)
    assert {len(pngs) for pngs in seen.values()} == {1} and RenderedEmail.objects.count() == 2
    # the desk's preview (a browser, no MIME parts) keeps the chart as a data: URI, so it shows there too
    from npshub.digest.mailing import preview_html

    reader = factories.user(team=team, language="ru")
    _subject, preview, preview_text = preview_html(Mailing.DIGEST, issue, reader)
    assert 'src="data:image/png;base64,' in preview and "cid:" not in preview and "NPS по месяцам: " in preview_text


def test_weekly_over_smtp_carries_the_weekly_trend(db, smtp_server):
    team = factories.org().retail_team
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    source = factories.source("trend-weekly")
    factories.responses(source, monday - datetime.timedelta(days=14), promoters=5, detractors=5, team=team.slug)
    factories.responses(source, monday + datetime.timedelta(days=2), promoters=9, detractors=1, team=team.slug)
    factories.user(team=team, language="ru")
    tasks.send_weekly_results(monday.isoformat())
    assert Mailing.objects.get(kind=Mailing.WEEKLY) and len(smtp_server.messages()) == 1
    png, alt = image_of(smtp_server.messages()[0])
    with translation.override("ru"):
        assert alt.startswith("NPS по неделям: ")
        assert f"{formats.day(monday)}: 80,0" in alt and f"{formats.day(monday - datetime.timedelta(days=7))}: нет ответов" in alt
    assert png_size(png)[0] == 1120


def test_outbox_shows_the_inline_chart_in_place(db, settings, client):
    from npshub.digest.transport import OutboxTransport

    settings.EMAIL_HOST = ""
    png = chart_image.png(ROWS, "month")
    html = '<img src="data:image/png;base64,' + base64.b64encode(png).decode() + '" alt="NPS by month">'
    data = MessageTemplate("Digest", html, "text", "hub@example.com").build("ann@example.com", {})
    name = OutboxTransport().open().send("hub@example.com", "ann@example.com", data).rsplit(" ", 1)[1]
    client.force_login(factories.user("cx_admin"))
    shown = client.get(f"/admin/digest/outbox/{name}/html/").content.decode()
    assert 'src="data:image/png;base64,' + base64.b64encode(png).decode() + '"' in shown and "cid:" not in shown
    client.force_login(factories.user("employee"))
    assert client.get(f"/admin/digest/outbox/{name}/html/").status_code in (302, 403)
