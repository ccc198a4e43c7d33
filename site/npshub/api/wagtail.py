"""Wagtail's headless content API (v2) at /api/v2/: pages, images, documents."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet

from npshub.api.permissions import IsEmployee


class EmployeeOnly:
    """Content is internal: the v2 API needs the same sign-in (session or token) as /api/v1/."""

    permission_classes = [IsEmployee]


class PagesAPI(EmployeeOnly, PagesAPIViewSet):
    pass


class ImagesAPI(EmployeeOnly, ImagesAPIViewSet):
    pass


class DocumentsAPI(EmployeeOnly, DocumentsAPIViewSet):
    pass


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPI)
api_router.register_endpoint("images", ImagesAPI)
api_router.register_endpoint("documents", DocumentsAPI)
