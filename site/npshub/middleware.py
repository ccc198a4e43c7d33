import logging

from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation

logger = logging.getLogger("npshub.requests")


class UserLanguageMiddleware:
    """A signed-in employee sees the hub in their profile's language, unless they picked one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if user is not None and user.is_authenticated and not chosen:
            profile = getattr(user, "profile", None)
            if profile and profile.language:
                translation.activate(profile.language)
                request.LANGUAGE_CODE = profile.language
        return self.get_response(request)


class BadInputMiddleware:
    """Bad input that reaches code outside DRF (pages, exports) as an overflow, a recursion or an
    encoding error is a 400 (JSON under /api/, the theme's page otherwise), never a 500; so is a
    NUL character in the query string, on every page and API (no database can store it in text)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()):
            # PostgreSQL cannot hold a NUL in text: refuse it here rather than at the first query.
            from npshub.views import bad_request

            logger.warning("400 for %s %s: NUL in the query string", request.method, request.path)
            return bad_request(request, BadRequest("A query parameter contains a NUL character (%00)."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        from npshub.api.errors import BAD_INPUT, describe_bad_input
        from npshub.views import bad_request

        if not isinstance(exception, BAD_INPUT):
            return None
        logger.warning("400 for %s %s: %s", request.method, request.path, type(exception).__name__)
        return bad_request(request, BadRequest(describe_bad_input(exception)))
