from django.conf import settings
from django.utils import translation


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
