from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from npshub import plugins
from npshub.api import errors
from npshub.api.router import build_router
from npshub.api.wagtail import api_router as wagtail_api_router
from npshub.views import health

handler500 = "npshub.views.server_error"

api_v1 = build_router()

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health, name="health"),
    path("t/", include("npshub.digest.urls")),
    path("api/v1/", include(api_v1.urls)),
    path("api/v2/", wagtail_api_router.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Anything else under /api/ is an unknown route: a JSON 404, never an HTML page.
    re_path(r"^api/", errors.not_found),
]

urlpatterns.insert(0, path("accounts/oidc/", include("npshub.people.sso")))  # 404 unless SSO_ENABLED
urlpatterns.insert(0, path("scim/v2/", include(("npshub.people.scim.urls", "scim"), namespace="scim")))

for plugin in plugins.get_plugins():
    if plugin.urls:
        urlpatterns.append(path("", include((plugin.urls.urlpatterns, plugin.label), namespace=plugin.label)))

if settings.DEBUG or settings.SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

urlpatterns.append(path("", include(wagtail_urls)))
