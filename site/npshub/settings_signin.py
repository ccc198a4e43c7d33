"""Sign-in settings (imported by npshub.settings): local passwords, the company's OpenID Connect
provider (npshub.people.sso), the directory's role mapping and django-axes' lockout."""

from datetime import timedelta

from npshub.env import env_bool, env_int, env_json, env_list, env_str

# --- Auth ---------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Sign-in: local passwords (switchable off but for break-glass accounts) and, when configured,
# the company's OpenID Connect provider (npshub.people.sso; README "Single sign-on").
LOCAL_LOGIN = env_bool("LOCAL_LOGIN", True)
LOCAL_LOGIN_USERS = env_list("LOCAL_LOGIN_USERS")  # break-glass usernames when LOCAL_LOGIN=0
OIDC_ISSUER = (env_str("OIDC_ISSUER") or "").rstrip("/")
OIDC_DISCOVERY_URL = env_str(
    "OIDC_DISCOVERY_URL", f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else None)
OIDC_RP_CLIENT_ID = env_str("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET", "")
SSO_ENABLED = bool(OIDC_RP_CLIENT_ID and OIDC_DISCOVERY_URL)
OIDC_RP_SCOPES = env_str("OIDC_SCOPES", "openid email profile")
OIDC_RP_SIGN_ALGO = env_str("OIDC_SIGN_ALGO", "RS256")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
OIDC_AUTH_REQUEST_EXTRA_PARAMS = env_json("OIDC_EXTRA_PARAMS", {}, kind=dict)
# Our field -> the claim it is read from (README lists the defaults and the Entra ID names).
OIDC_CLAIMS = {
    "username": "preferred_username", "email": "email", "first_name": "given_name", "last_name": "family_name",
    "department": "department", "team": "team", "job_title": "job_title", "language": "locale", "roles": "groups",
    **env_json("OIDC_CLAIMS", {}, kind=dict),
}
# Directory groups / app roles (SSO claim values, SCIM group names or external ids) -> our roles.
DIRECTORY_ROLE_MAPPING = env_json("DIRECTORY_ROLE_MAPPING", {}, kind=dict)
DIRECTORY_DEFAULT_ROLES = env_list("DIRECTORY_DEFAULT_ROLES", ["employee"])
AUTHENTICATION_BACKENDS = ["npshub.people.auth.LocalPasswordBackend"]
if SSO_ENABLED:
    AUTHENTICATION_BACKENDS.append("npshub.people.sso.CompanyAccountBackend")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# django-axes first: it refuses a locked-out user or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out users before any check
    *AUTHENTICATION_BACKENDS,
]

# --- Sign-in lockout (django-axes), on both sign-in pages ---------------------------------
# AXES_FAILURE_LIMIT failed sign-ins for one username, or from one address, lock that username
# or address out for AXES_COOLOFF_MINUTES (0: until a CX admin unlocks it in Admin → Sign-in
# lockouts). A successful sign-in clears the user's failures.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES) if AXES_COOLOFF_MINUTES > 0 else None
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one locks
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "npshub.people.signin.lockout_response"
AXES_ENABLE_ADMIN = False  # Django's admin is not mounted; CX admins use the Wagtail admin view
AXES_DISABLE_ACCESS_LOG = True  # no record of successful sign-ins: only failures are kept
# The client address is REMOTE_ADDR: behind a proxy on another host, let uvicorn take it from
# X-Forwarded-For (FORWARDED_ALLOW_IPS=<proxy address>), never from a header anyone can send.
AXES_CLIENT_IP_CALLABLE = "npshub.people.signin.client_address"
