"""The Wagtail admin home (/admin/): each role sees exactly the panels it acts on, with the right
figures; avatars come from the profile or initials, never from Gravatar."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.html import strip_tags

from npshub.digest.models import Mailing, SendLog
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL_PANELS = ["nps-now", "articles-review", "last-digest", "pending-redemptions", "overdue-callbacks"]
PANELS = {
    "caller": ["nps-now", "overdue-callbacks"],
    "team_manager": ["nps-now", "pending-redemptions", "overdue-callbacks"],
    "editor": ["nps-now", "articles-review", "last-digest"],
    "cx_admin": ALL_PANELS,
}


def home(client, person):
    client.force_login(person)
    response = client.get("/admin/")
    assert response.status_code == 200
    return response.content.decode()


def panels(html):
    """The hub panels on the page, in page order."""
    return re.findall(r'id="hub-([a-z-]+)-section"', html)


def panel_text(html, name):
    """A panel's text, whitespace collapsed."""
    match = re.search(rf'<section[^>]*id="hub-{name}-section".*?</section>', html, re.S)
    assert match, f"no {name} panel"
    return re.sub(r"\s+", " ", strip_tags(match.group(0))).strip()


def figures(html, name):
    """{label: value text} of a panel's figures."""
    match = re.search(rf'<section[^>]*id="hub-{name}-section".*?</section>', html, re.S)
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", match.group(0), re.S)
    return {strip_tags(label).strip(): re.sub(r"[ \t\n]+", " ", strip_tags(value)).strip() for label, value in pairs}


@pytest.mark.parametrize("kind", sorted(PANELS))
def test_each_role_sees_exactly_its_panels(client, kind):
    person = f.user(kind, team=f.org().retail_team)
    assert panels(home(client, person)) == PANELS[kind]


def test_a_superuser_sees_every_panel(client):
    assert panels(home(client, f.superuser())) == ALL_PANELS


def test_an_employee_does_not_reach_the_admin(client):
    client.force_login(f.user("employee"))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_nps_now_with_margin_and_change(client):
    today = timezone.localdate()
    f.responses("survey", today - datetime.timedelta(days=1), promoters=3, detractors=1)  # 50.0, ±84.9
    f.responses("survey", today - datetime.timedelta(days=40), promoters=1, detractors=1)  # 0.0 the month before
    f.responses("survey", today - datetime.timedelta(days=90), detractors=5)  # outside both periods
    html = home(client, f.user("caller"))
    assert figures(html, "nps-now") == {
        "NPS, last 30 days": "50.0 ±84.9",
        "Change on the 30 days before": "+50.0 within the margin",
        "Responses": "4",
    }


def test_nps_now_without_answers_shows_dashes(client):
    html = home(client, f.user("editor"))
    assert figures(html, "nps-now") == {"NPS, last 30 days": "–", "Change on the 30 days before": "–", "Responses": "0"}


def test_nps_now_in_russian(client):
    f.responses("survey", timezone.localdate(), promoters=1500, detractors=500)
    client.cookies["django_language"] = "ru"
    html = home(client, f.user("editor", language="ru"))
    assert "NPS сейчас" in html
    assert figures(html, "nps-now") == {
        "NPS за последние 30 дней": "50,0 ±3,8",
        "Изменение к 30 дням до этого": "–",
        "Ответы": "2\u202f000",
    }


def _article(title, author):
    from content.articles import ensure_article_workflow
    from content.pages import ensure_wagtail_roots
    from npshub.pages.models import SectionPage
    from npshub.pages.submission import submit_article

    root = ensure_wagtail_roots()
    section = SectionPage.objects.filter(slug="articles").first()
    if section is None:
        section = root.add_child(instance=SectionPage(title="Articles", slug="articles"))
        ensure_article_workflow(section)
    page, _revision = submit_article(section, author, {"title": title, "intro": "Intro", "body": "Body"})
    return page


def test_articles_awaiting_review_are_counted_and_linked_for_editors(client):
    author = f.user("employee")
    first, second = _article("Rain, a parcel and a nine", author), _article("Our kettle story", author)
    editor = f.user("editor")
    html = home(client, editor)
    assert figures(html, "articles-review") == {"Waiting": "2"}
    text = panel_text(html, "articles-review")
    assert text.index("Rain, a parcel and a nine") < text.index("Our kettle story")  # longest waiting first
    assert f'href="/admin/pages/{first.pk}/edit/"' in html and f'href="/admin/pages/{second.pk}/edit/"' in html
    # A CX admin has no page permissions: the titles and count, no edit links.
    html = home(client, f.user("cx_admin"))
    assert figures(html, "articles-review") == {"Waiting": "2"}
    assert "Our kettle story" in panel_text(html, "articles-review") and f"/admin/pages/{first.pk}/edit/" not in html


def test_no_article_waiting(client):
    html = home(client, f.user("editor"))
    assert panel_text(html, "articles-review") == "Articles awaiting review No article is waiting for review."


def _mailing(key, subject, statuses, opened=0):
    mailing = Mailing.objects.create(key=key, kind=Mailing.DIGEST, subject=subject)
    for n, status in enumerate(statuses):
        person = f.user("employee")
        SendLog.objects.create(mailing=mailing, recipient=person, email=person.email, status=status,
                               opened_at=timezone.now() if n < opened else None)
    return mailing


def test_the_last_digest_mailings_report(client):
    _mailing("digest-1", "NPS digest October", [SendLog.SENT] * 5, opened=5)
    last = _mailing("digest-2", "NPS digest November",
                    [SendLog.SENT] * 3 + [SendLog.FAILED, SendLog.OPTED_OUT, SendLog.PENDING], opened=2)
    Mailing.objects.create(key="weekly-2026-W47", kind=Mailing.WEEKLY, subject="Weekly results")  # not a digest
    html = home(client, f.user("editor"))
    assert figures(html, "last-digest") == {"Sent": "3", "Failed": "1", "Opened": "2 66.7%", "Still sending": "1"}
    assert "NPS digest November" in panel_text(html, "last-digest")
    assert f'href="/admin/digest/report/{last.pk}/"' in html


def test_no_digest_yet(client):
    html = home(client, f.user("cx_admin"))
    assert "No digest has been sent yet." in panel_text(html, "last-digest")


def test_no_request_to_gravatar_and_initials_instead_of_a_broken_image(client):
    person = f.user("editor", first_name="Oliver", last_name="Brown")
    html = home(client, person)
    assert "gravatar" not in html.lower()
    assert "data:image/svg+xml;base64," in html


def test_the_profile_avatar_is_shown(client):
    from django.core.files.base import ContentFile

    person = f.user("cx_admin")
    person.profile.avatar.save("me.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    html = home(client, person)
    assert person.profile.avatar.url in html and "gravatar" not in html.lower()


def test_initials_are_escaped():
    import base64

    from npshub.admin_home import initials_avatar

    person = f.user("editor", first_name="<b>", last_name="&x")
    svg = base64.b64decode(initials_avatar(person).split(",", 1)[1]).decode()
    assert "&lt;&amp;" in svg and "<b>" not in svg
