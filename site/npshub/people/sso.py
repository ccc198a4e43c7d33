"""Single sign-on with the company's OpenID Connect provider (Entra ID, Keycloak, Google, ...),
on mozilla-django-oidc (authorization code flow with PKCE, nonce and state).

What we add to the library: the provider's endpoints come from its discovery document
(OIDC_ISSUER or OIDC_DISCOVERY_URL), fetched when first needed rather than at start-up; the ID
token's issuer and audience are checked; the claims are the ID token's (where Entra ID puts
groups and app roles) merged with the userinfo endpoint's; and every sign-in brings the employee
up to date from them (npshub.people.directory): names, e-mail, department, team, job title,
language, and the roles DIRECTORY_ROLE_MAPPING gives their groups/app roles — a role removed in
the directory is removed here. Claim names: settings.OIDC_CLAIMS.
"""

import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from npshub.people import directory
from npshub.people.models import Profile

logger = logging.getLogger("npshub.sso")
CACHE_SECONDS = 3600


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


def discovery():
    """The provider's metadata (authorization/token/userinfo/jwks endpoints, issuer), cached."""
    key = f"npshub:oidc-discovery:{settings.OIDC_DISCOVERY_URL}"
    document = cache.get(key)
    if document is None:
        try:
            answer = requests.get(settings.OIDC_DISCOVERY_URL, timeout=settings.OIDC_TIMEOUT)
            answer.raise_for_status()
            document = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise ProviderUnavailable(f"cannot read {settings.OIDC_DISCOVERY_URL}: {exc}") from exc
        missing = [name for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
                   if not document.get(name)]
        if missing:
            raise ProviderUnavailable(f"{settings.OIDC_DISCOVERY_URL} lacks {', '.join(missing)}")
        if settings.OIDC_ISSUER and document["issuer"].rstrip("/") != settings.OIDC_ISSUER:
            raise ProviderUnavailable(
                f"the provider says its issuer is {document['issuer']!r}, not OIDC_ISSUER={settings.OIDC_ISSUER!r}")
        cache.set(key, document, CACHE_SECONDS)
    return document


def claim(claims, field):
    """The value of our ``field`` in the claims, through settings.OIDC_CLAIMS (dotted paths allowed)."""
    value = claims
    for part in str(settings.OIDC_CLAIMS.get(field) or field).split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def role_keys(claims):
    """Group ids/names or app roles from the roles claim (a list, or one value)."""
    value = claim(claims, "roles")
    if value is None:
        return []
    return [str(item) for item in (value if isinstance(value, (list, tuple)) else [value])]


def email_of(claims):
    email = claim(claims, "email") or ""
    if not email and "@" in str(claims.get("preferred_username") or ""):
        email = claims["preferred_username"]  # Entra ID: the UPN of accounts without a mailbox
    return str(email).strip().lower()


class CompanyAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, with endpoints from discovery and our claim handling."""

    def __init__(self, *args, **kwargs):  # no network here: Django builds every backend per sign-in
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = get_user_model()

    OIDC_OP_TOKEN_ENDPOINT = property(lambda self: discovery()["token_endpoint"])
    OIDC_OP_USER_ENDPOINT = property(lambda self: discovery().get("userinfo_endpoint"))
    OIDC_OP_JWKS_ENDPOINT = property(lambda self: discovery()["jwks_uri"])

    def authenticate(self, request, **kwargs):
        try:
            return super().authenticate(request, **kwargs)
        except (ProviderUnavailable, requests.RequestException) as exc:
            logger.warning("Company sign-in failed: %s", exc)
            return None

    def _verify_jws(self, payload, key):
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"The ID token is signed with {header.get('alg')!r}, not {self.OIDC_RP_SIGN_ALGO}.")
        try:
            return jwt.decode(payload, key, algorithms=[self.OIDC_RP_SIGN_ALGO], audience=self.OIDC_RP_CLIENT_ID,
                              issuer=discovery()["issuer"], leeway=60)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def get_userinfo(self, access_token, id_token, payload):
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") not in (None, payload.get("sub")):
                raise SuspiciousOperation("The userinfo subject differs from the ID token's.")
            claims.update(info)
        return claims

    def verify_claims(self, claims):
        return bool(claims.get("sub")) and bool(email_of(claims))

    def filter_users_by_claims(self, claims):
        subject = self.subject(claims)
        by_subject = self.UserModel.objects.filter(profile__sso_subject=subject)
        if by_subject.exists():
            return by_subject
        return self.UserModel.objects.filter(email__iexact=email_of(claims))

    @staticmethod
    def subject(claims):
        return f"{discovery()['issuer']}|{claims['sub']}"[:255]

    def create_user(self, claims):
        base = str(claim(claims, "username") or email_of(claims).split("@")[0])[:140] or "employee"
        username, n = base, 1
        while self.UserModel.objects.filter(username=username).exists():
            n += 1
            username = f"{base}-{n}"
        with transaction.atomic():
            user = self.UserModel(username=username, email=email_of(claims))
            user.set_unusable_password()
            user.save()
            return self.update_user(user, claims)

    def update_user(self, user, claims):
        with transaction.atomic():
            values = {field: claim(claims, field) for field in
                      ("first_name", "last_name", "department", "team", "job_title", "language")}
            values["email"] = email_of(claims)
            try:
                directory.apply_profile(user, values, create_missing=True)
            except directory.Unknown as exc:
                logger.warning("Sign-in of %s: %s", user, exc)
            Profile.objects.filter(user=user).update(sso_subject=self.subject(claims))
            directory.sync_roles(user, role_keys(claims))
        logger.info("Company sign-in: %s", user.get_username())
        return user

    def get_user(self, user_id):
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


@method_decorator(login_not_required, name="dispatch")
class SignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (state, nonce and PKCE kept in the session)."""

    def __init__(self, *args, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404("Single sign-on is not configured.")
        try:
            self.OIDC_OP_AUTH_ENDPOINT = discovery()["authorization_endpoint"]
        except ProviderUnavailable as exc:
            logger.warning("Company sign-in unavailable: %s", exc)
            messages.error(request, _("The company sign-in is not available right now. Please try again later."))
            return HttpResponseRedirect(reverse("login"))
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    def get(self, request):
        if not settings.SSO_ENABLED:
            raise Http404("Single sign-on is not configured.")
        return super().get(request)

    def login_failure(self):
        messages.error(self.request, _("Signing in with your company account did not work. Please try again, "
                                       "or ask the service desk whether your account may use NPS Hub."))
        return HttpResponseRedirect(reverse("login"))


urlpatterns = [
    path("callback/", CallbackView.as_view(), name="oidc_authentication_callback"),
    path("authenticate/", SignInView.as_view(), name="oidc_authentication_init"),
]
