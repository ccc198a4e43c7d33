from drf_spectacular.openapi import AutoSchema


def only_v1(endpoints, **kwargs):
    """drf-spectacular hook: the OpenAPI schema documents /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]


def plain_views(result, generator, request, public, **kwargs):
    """drf-spectacular hook: /api/v1/ endpoints that are not DRF views (the live stream) document
    themselves with an ``openapi`` attribute, an OpenAPI path item; only enabled plugins' appear."""
    from npshub.api.router import build_router

    for route, view, _name in build_router().extra_urls:
        item = getattr(view, "openapi", None)
        if item:
            result.setdefault("paths", {}).setdefault(f"/api/v1/{route}", item)
    return result


def name_enum(name, choices):
    """Name a choice set in the OpenAPI schema (drf-spectacular's ENUM_NAME_OVERRIDES), for a set
    that several components share under a field name other sets use too (``status``). Apps call
    it from ``ready()``; ``choices`` is a TextChoices class, a list, or its dotted path."""
    from django.conf import settings

    names = settings.SPECTACULAR_SETTINGS.setdefault("ENUM_NAME_OVERRIDES", {})
    if names.get(name, choices) != choices:
        raise ValueError(f"The schema enum name {name!r} is already given to other choices.")
    names[name] = choices


class FilterSetSchema(AutoSchema):
    """drf-spectacular lists a view's FilterSet parameters on list views only; this lists them on
    every GET of a view that declares a ``filterset_class``: the statistics and the exports compute one
    result from the filtered responses, and their filters are as real as a list's."""

    def get_filter_backends(self):
        if self.method == "GET" and getattr(self.view, "filterset_class", None):
            return getattr(self.view, "filter_backends", [])
        return super().get_filter_backends()
