"""The /api/v1/ router. The core registers its endpoints; each plugin's ``api`` hook adds its own."""

from rest_framework.routers import DefaultRouter

from npshub import plugins


class Router(DefaultRouter):
    include_format_suffixes = False

    def __init__(self):
        super().__init__(trailing_slash="/")
        self.extra_urls = []  # plain APIView routes: (regex-free path, view, name)

    def add_view(self, route, view, name):
        """Register a non-viewset endpoint, e.g. ``add_view("nps/summary/", SummaryView, "nps-summary")``."""
        self.extra_urls.append((route, view, name))

    def get_urls(self):
        from django.urls import path

        extra = [path(route, view.as_view(), name=name) for route, view, name in self.extra_urls]
        return extra + super().get_urls()


def build_router():
    from npshub.feedback.api import register as register_feedback
    from npshub.people.api import register as register_people

    router = Router()
    register_people(router)
    register_feedback(router)
    for plugin in plugins.get_plugins():
        if plugin.api:
            plugin.api(router)
    return router
