from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse


@login_not_required
def health(request):
    """For load balancers and `make run`: the process serves and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bad_request(request, exception=None):
    """400: JSON ``{"detail"}`` for API clients, the theme's page for people. The message is shown
    only for ``BadRequest``, which our own code raises with a sentence meant for the reader."""
    from django.core.exceptions import BadRequest
    from django.template.response import TemplateResponse
    from django.utils.translation import gettext as _

    detail = str(exception) if type(exception) is BadRequest and str(exception) else _("The request is not valid.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=400)
    response = TemplateResponse(request, "400.html", {"detail": detail}, status=400)
    return response.render()


def server_error(request):
    """JSON for API clients, the theme's page for people."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Internal error; it has been logged."}, status=500)
    from django.views.defaults import server_error as html_server_error

    return html_server_error(request)


# Served inline: raster images only. Anything else (SVG above all: it can carry script) is a
# download, never rendered in our origin.
INLINE_MEDIA_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def media(request, path):
    """Uploaded media (Wagtail images and renditions, badge and store pictures) for signed-in
    employees only (LoginRequiredMiddleware). Documents are not served here: Wagtail's documents
    view serves them, as attachments (WAGTAILDOCS_SERVE_METHOD)."""
    from django.conf import settings
    from django.http import Http404
    from django.utils.cache import patch_cache_control
    from django.utils.http import content_disposition_header
    from django.views.static import serve

    if path.startswith("documents/"):
        raise Http404("Documents are served by /documents/<id>/<filename>.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type not in INLINE_MEDIA_TYPES:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = content_disposition_header(True, path.rsplit("/", 1)[-1])
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    patch_cache_control(response, private=True)
    return response
