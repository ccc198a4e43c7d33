def only_v1(endpoints, **kwargs):
    """drf-spectacular hook: the OpenAPI schema documents /api/v1/ only."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
