"""The site's URLs. Every view needs a signed-in employee (LoginRequiredMiddleware) except those
marked ``login_not_required``: the sign-in pages, healthz, e-mail tracking and preferences links,
meeting-room screens, and the API, whose views authenticate themselves (401 JSON; webhooks by
signature). README "What is public" lists them; tests/npshub/security checks the list."""

import re

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path, re_path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from npshub import plugins
from npshub.api import errors
from npshub.api.router import build_router
from npshub.api.wagtail import api_router as wagtail_api_router
from npshub.views import health, media

handler400 = "npshub.views.bad_request"
handler500 = "npshub.views.server_error"

# The Wagtail admin's sign-in page is public already (it is Django's LoginView); the icons and
# translations it loads must be too. Every other admin view needs a sign-in.
ADMIN_PUBLIC_VIEWS = {"wagtailadmin_sprite", "wagtailadmin_javascript_catalog"}


def login_not_required_by_name(urlpatterns, names):
    """Mark the views named ``names`` in a third-party URLconf login_not_required; returns the
    names found, so that a rename upstream cannot pass unnoticed."""
    found = set()
    for pattern in urlpatterns:
        if hasattr(pattern, "url_patterns"):
            found |= login_not_required_by_name(pattern.url_patterns, names)
        elif getattr(pattern, "name", None) in names:
            login_not_required(pattern.callback)
            found.add(pattern.name)
    return found


if login_not_required_by_name(wagtailadmin_urls.urlpatterns, ADMIN_PUBLIC_VIEWS) != ADMIN_PUBLIC_VIEWS:
    raise RuntimeError(f"Wagtail's admin URLconf no longer names all of {sorted(ADMIN_PUBLIC_VIEWS)}.")

api_v1 = build_router()

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),  # the sign-in page's picker
    path("healthz", health, name="health"),
    path("t/", include("npshub.digest.urls")),
    path("", include("npshub.reach.urls")),  # /reach/ (CX dashboard), /embed/<key>/ (public, by key and origin)
    path("api/v1/", include(api_v1.urls)),
    path("api/v2/", wagtail_api_router.urls),
    # Schema and docs: signed-in employees only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the
    # docs page sends a browser to the sign-in page first.
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", login_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
    # Anything else under /api/ is an unknown route: a JSON 404, never an HTML page.
    re_path(r"^api/", errors.not_found),
]

urlpatterns.insert(0, path("accounts/oidc/", include("npshub.people.sso")))  # 404 unless SSO_ENABLED
urlpatterns.insert(0, path("scim/v2/", include(("npshub.people.scim.urls", "scim"), namespace="scim")))

for plugin in plugins.get_plugins():
    if plugin.urls:
        urlpatterns.append(path("", include((plugin.urls.urlpatterns, plugin.label), namespace=plugin.label)))

# Uploaded images and files, to signed-in employees only; documents go through Wagtail's view.
if settings.MEDIA_URL.startswith("/"):  # not when an object storage serves them (signed URLs)
    urlpatterns.append(re_path(r"^%s(?P<path>.+)$" % re.escape(settings.MEDIA_URL.lstrip("/")), media, name="media"))

urlpatterns.append(path("", include(wagtail_urls)))
