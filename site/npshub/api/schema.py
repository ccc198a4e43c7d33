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
