"""The REST API's settings (imported by npshub.settings): Django REST framework and drf-spectacular."""

from npshub.env import env_rate

# --- REST API -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so that an anonymous request gets 401 with a WWW-Authenticate header.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["npshub.api.permissions.IsEmployee"],
    "DEFAULT_PAGINATION_CLASS": "npshub.api.pagination.Pagination",
    # JSON nested too deeply or holding a lone surrogate is a 400 naming the problem (npshub.safejson).
    "DEFAULT_PARSER_CLASSES": [
        "npshub.api.parsers.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "npshub.api.errors.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Per signed-in user, per source ingest token, per address when anonymous; webhooks per source
    # and address (npshub.api.throttling). 429 {"detail"} with Retry-After. "off" disables one.
    # Scoped rates besides (views name their scope): ``search``, comment search by ``q``, per user.
    "DEFAULT_THROTTLE_CLASSES": ["npshub.api.throttling.ApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env_rate("THROTTLE_USER", "1200/min"),
        "source": env_rate("THROTTLE_SOURCE", "600/min"),
        "anon": env_rate("THROTTLE_ANON", "120/min"),
        "webhook": env_rate("THROTTLE_WEBHOOK", "600/min"),
        "search": env_rate("NPSHUB_SEARCH_RATE", "30/min"),
    },
    "NUM_PROXIES": 0,  # the client address is REMOTE_ADDR (see AXES_CLIENT_IP_CALLABLE)
}
SPECTACULAR_SETTINGS = {
    "TITLE": "NPS Hub API",
    "DESCRIPTION": "Live NPS and customer comments, and the routes of the enabled plugins. Version 1.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["npshub.api.permissions.IsEmployee"],  # the schema and docs need a sign-in
    "ENUM_NAME_OVERRIDES": {},  # apps add names from ready(): npshub.api.schema.name_enum
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # /api/v2/ is Wagtail's own content API, documented by Wagtail; the schema covers /api/v1/.
    "PREPROCESSING_HOOKS": ["npshub.api.schema.only_v1"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "npshub.api.schema.plain_views"],
}
