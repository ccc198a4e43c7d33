"""Throttling of comment search: a masked comment must not be searched back letter by letter.

``SearchThrottle`` is DRF's ``ScopedRateThrottle`` with the scope ``search`` (rate
``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["search"]``, from ``NPSHUB_SEARCH_RATE``, default
30/min), counted per user (per address when anonymous), and only for requests that search (a
non-empty ``q``): browsing and filtering are not limited. Over the rate: 429 ``{"detail": ...}``.
"""

from rest_framework.throttling import ScopedRateThrottle

SEARCH_SCOPE = "search"


class SearchThrottle(ScopedRateThrottle):
    def allow_request(self, request, view):
        if not request.query_params.get("q", "").strip():
            return True
        # ScopedRateThrottle reads the scope from the view; comment views declare it.
        return super().allow_request(request, view)
