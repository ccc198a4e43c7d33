"""Request rates for the API (DRF throttles), from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``.

* ``ApiThrottle`` (every /api/ view): a signed-in user by their id (scope ``user``), a source's
  ingest token by its source (``source``), anyone else by address (``anon``).
* ``WebhookThrottle`` (signed webhooks, which carry no credentials): the endpoint, its source or
  callback, and the caller's address (``webhook``), so one noisy sender cannot use up another's.

Over the rate: 429 ``{"detail": "Request was throttled. Expected available in N seconds."}`` with
``Retry-After``. Counts live in the default cache (Redis with REDIS_URL: shared by every process).
Rates are read on each request, so a changed setting applies at once.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class _SettingsRateThrottle(SimpleRateThrottle):
    """A SimpleRateThrottle whose scope is chosen per request and whose rate is read per request."""

    def __init__(self):  # the rate depends on the scope, known only with the request
        self.rate = self.num_requests = self.duration = None

    def scope_and_ident(self, request, view):
        raise NotImplementedError

    def get_rate(self):
        return (api_settings.DEFAULT_THROTTLE_RATES or {}).get(self.scope)

    def get_cache_key(self, request, view):
        self.scope, ident = self.scope_and_ident(request, view)
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view):
        key = self.get_cache_key(request, view)
        self.rate = self.get_rate()
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.key = key
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()


class ApiThrottle(_SettingsRateThrottle):
    def scope_and_ident(self, request, view):
        from npshub.feedback.models import Source

        if isinstance(request.auth, Source):
            return "source", f"source-{request.auth.pk}"
        user = request.user
        if user is not None and user.is_authenticated:
            return "user", f"user-{user.pk}"
        return "anon", self.get_ident(request)


class WebhookThrottle(_SettingsRateThrottle):
    def scope_and_ident(self, request, view):
        target = "-".join(str(value) for value in view.kwargs.values())
        return "webhook", f"{type(view).__name__}-{target}-{self.get_ident(request)}"
