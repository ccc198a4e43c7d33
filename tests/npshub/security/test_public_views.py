"""Exemptions by view, not by path: every view needs a sign-in unless it is marked
``login_not_required`` (the few public ones below), and uploaded files are served only to
signed-in employees, never SVG inline."""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView
from wagtail.documents import get_document_model
from wagtail.models import Site

from npshub.pages.models import SectionPage
from tests import factories as f

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(document.cookie)"><script>alert(1)</script></svg>'
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")

# Views anyone may call, with why (README "What is public"). A new public view must be added here.
PUBLIC_VIEWS = {
    "django.contrib.auth.views.LoginView": "the site's sign-in page",
    "django.contrib.auth.views.PasswordResetView": "Wagtail admin's password reset",
    "django.contrib.auth.views.PasswordResetDoneView": "Wagtail admin's password reset",
    "django.contrib.auth.views.PasswordResetConfirmView": "Wagtail admin's password reset",
    "django.contrib.auth.views.PasswordResetCompleteView": "Wagtail admin's password reset",
    "wagtail.admin.views.account.LoginView": "the Wagtail admin's sign-in page",
    "wagtail.admin.views.account.PasswordResetView": "Wagtail admin's password reset",
    "wagtail.admin.views.account.PasswordResetDoneView": "Wagtail admin's password reset",
    "wagtail.admin.views.account.PasswordResetConfirmView": "Wagtail admin's password reset",
    "wagtail.admin.views.account.PasswordResetCompleteView": "Wagtail admin's password reset",
    "wagtail.admin.views.home.sprite": "icons of the admin's sign-in page",
    "wagtail.admin.views.i18n.localized_js_catalog": "translations of the admin's sign-in page",
    "django.views.i18n.set_language": "the language picker of the sign-in page",
    "npshub.views.health": "load balancers",
    "npshub.api.errors.not_found": "JSON 404 for unknown API routes",
    "npshub.digest.views.pixel": "e-mail open pixel (signed token)",
    "npshub.digest.views.click": "e-mail click redirect (signed token)",
    "npshub.digest.views.preferences": "e-mail preferences (signed token)",
    "npshub.digest.views.unsubscribe": "one-click unsubscribe (signed token)",
    "nps_widgets.views.screen_view": "meeting-room screen (secret link)",
    "nps_widgets.views.screen_live": "meeting-room screen stream (secret link)",
    "nps_widgets.screen_playlist.video": "a video in a meeting-room screen's playlist (secret link)",
    "nps_widgets.views.LiveStreamView": "live stream: authenticates by session or token, 401 JSON",
    "npshub.reach.embed.score_js": "embedded score script (revocable key; Referer checked when sent)",
    "npshub.reach.embed.score_json": "embedded score figures (revocable key, allowed origins only, aggregates)",
    "npshub.people.sso.SignInView": "single sign-on: starts the OpenID Connect flow (404 when SSO is off)",
    "npshub.people.sso.CallbackView": "single sign-on: the provider's redirect back (state-checked)",
    **{
        f"django_scim.views.{name}": "SCIM provisioning: the directory's bearer token (npshub.people.scim.auth)"
        for name in ("SCIMView", "SearchView", "UserSearchView", "UsersView", "GroupSearchView", "GroupsView",
                     "ServiceProviderConfigView", "ResourceTypesView", "SchemasView")
    },
}
# DRF views open to anyone: they authenticate by signature instead.
SIGNED_WEBHOOKS = {"WebhookView", "PbxRecordingWebhook"}


def _callbacks(patterns):
    for pattern in patterns:
        if hasattr(pattern, "url_patterns"):
            yield from _callbacks(pattern.url_patterns)
        else:
            yield pattern.callback


def _name(callback):
    view = getattr(callback, "view_class", None) or getattr(callback, "cls", None) or callback
    while hasattr(view, "__wrapped__") and not hasattr(view, "view_class"):
        view = view.__wrapped__
    view = getattr(view, "view_class", view)
    return f"{view.__module__}.{view.__qualname__}"


def test_every_public_view_is_on_the_list():
    unexpected = set()
    for callback in _callbacks(get_resolver().url_patterns):
        if getattr(callback, "login_required", True):
            continue
        drf = getattr(callback, "cls", None)
        if drf is not None and issubclass(drf, APIView):
            # DRF answers 401/403 itself; only signed webhooks let anyone in.
            if any(issubclass(p, AllowAny) for p in drf.permission_classes):
                assert drf.__name__ in SIGNED_WEBHOOKS, drf
            continue
        name = _name(callback)
        if name not in PUBLIC_VIEWS:
            unexpected.add(name)
    assert unexpected == set()


def test_anonymous_requests_reach_only_the_public_views(client):
    Site.objects.get(is_default_site=True).root_page.add_child(instance=SectionPage(title="Accounts", slug="accounts"))
    document = get_document_model().objects.create(title="Logo", file=ContentFile(SVG, name="logo.svg"))
    for path in ("/", "/accounts/", "/stats/", "/callbacks/", "/rewards/", "/admin/", "/widgets/block/",
                 document.url, "/media/original_images/x.png", "/media/documents/logo.svg", "/i18n/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), path
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/admin/login/").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/theme/site.css").status_code == 200
    for path in ("/screens/no-such-screen/", "/screens/no-such-screen/live/", "/screens/no-such-screen/videos/1/",
                 "/t/o/1-bad.gif", "/t/u/1-bad/"):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/nps/summary/").status_code == 401
    assert client.get("/api/v1/live/").json() == {"detail": "Authentication credentials were not provided."}
    assert client.get("/api/v1/no-such-route/").status_code == 404
    assert client.get("/api/schema/").status_code == 401
    assert client.get("/api/docs/")["Location"] == "/accounts/login/?next=/api/docs/"
    picked = client.post("/i18n/setlang/", {"language": "ru", "next": "/accounts/login/"})
    assert picked.status_code == 302 and picked["Location"] == "/accounts/login/"


def test_a_signed_in_employee_gets_the_page_called_accounts(client):
    Site.objects.get(is_default_site=True).root_page.add_child(instance=SectionPage(title="Accounts", slug="accounts"))
    client.force_login(f.user("employee"))
    response = client.get("/accounts/")
    assert response.status_code == 200 and b"Accounts" in response.content


def test_uploaded_svg_is_never_served_inline(client, settings):
    document = get_document_model().objects.create(title="Logo", file=ContentFile(SVG, name="logo.svg"))
    client.force_login(f.user("employee"))
    response = client.get(document.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"
    # The file itself is not reachable as media: only through the documents view above.
    assert client.get(f"/media/{document.file.name}").status_code == 404

    (settings.MEDIA_ROOT / "images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "images" / "badge.svg").write_bytes(SVG)
    media = client.get("/media/images/badge.svg")
    assert media.status_code == 200
    assert media["Content-Type"] == "application/octet-stream"
    assert media["Content-Disposition"] == 'attachment; filename="badge.svg"'
    assert media["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in media["Content-Security-Policy"]


def test_images_are_served_inline_to_signed_in_employees_only(client, settings):
    (settings.MEDIA_ROOT / "original_images").mkdir(parents=True)
    (settings.MEDIA_ROOT / "original_images" / "pic.png").write_bytes(PNG)
    assert client.get("/media/original_images/pic.png").status_code == 302
    client.force_login(f.user("employee"))
    response = client.get("/media/original_images/pic.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline") and response["X-Content-Type-Options"] == "nosniff"
    assert "private" in response["Cache-Control"]
    assert b"".join(response.streaming_content) == PNG
    assert client.get("/media/../../etc/passwd").status_code == 400  # SuspiciousFileOperation
    assert client.get("/media/original_images/missing.png").status_code == 404
