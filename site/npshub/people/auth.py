"""Local passwords: for everyone while LOCAL_LOGIN is on (the default, and `make run`'s demo);
with LOCAL_LOGIN=0 only for the break-glass accounts named in LOCAL_LOGIN_USERS, everyone else
signs in with the company account (npshub.people.sso)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


def local_login_allowed(username):
    if settings.LOCAL_LOGIN:
        return True
    return bool(username) and username in settings.LOCAL_LOGIN_USERS


class LocalPasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if not local_login_allowed(username):
            # Spend the time a password check takes, so that the answer does not tell who may.
            get_user_model()().set_password(password or "")
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
