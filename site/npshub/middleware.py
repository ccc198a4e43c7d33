from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.utils import translation


class EmployeeLoginRequiredMiddleware(LoginRequiredMiddleware):
    """The hub is for employees: every page needs a login, except paths that authenticate
    by themselves (settings.LOGIN_EXEMPT_PREFIXES) and views marked ``login_not_required``."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(tuple(settings.LOGIN_EXEMPT_PREFIXES)):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


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
