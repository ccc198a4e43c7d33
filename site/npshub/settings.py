"""NPS Hub settings, every value from the environment with a safe default (sign-in and the REST API in
npshub.settings_signin and npshub.settings_api, imported below).

Development defaults (SQLite, in-process cache, a filesystem Celery broker) need nothing
installed. Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and REDIS_URL; see README.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from npshub import plugins
from npshub.env import (
    env_bool, env_int, env_list, env_proxy_ssl_header, env_secret_key, env_str,
)

SITE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = SITE_DIR.parent
VAR_DIR = Path(env_str("NPSHUB_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_secret_key("SECRET_KEY", debug=DEBUG)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Applications -------------------------------------------------------------------------
# Unset: every registered plugin. A comma-separated list: only those ("" for none).
NPSHUB_PLUGINS = env_list("NPSHUB_PLUGINS") if "NPSHUB_PLUGINS" in os.environ else None
PLUGIN_APPS = plugins.discover(NPSHUB_PLUGINS)

INSTALLED_APPS = [
    "npshub",
    "npshub.people",
    "npshub.feedback",
    "npshub.pages",
    "npshub.digest",
    "npshub.reach",
    "content",
    *PLUGIN_APPS,
    "wagtail_modeladmin",
    "wagtail_localize",
    "wagtail_localize.locales",  # replaces wagtail.locales: locales with wagtail-localize's sync options
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtailmedia",  # videos for the meeting-room screens (Media menu; MP4 and WebM)
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "axes",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every view needs a signed-in user unless it is marked @login_not_required (README, "What is
    # public"); DRF views authenticate themselves and answer 401 JSON.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "npshub.middleware.UserLanguageMiddleware",
    # Overflow, recursion and encoding errors from bad input: 400, never 500 (README, "Bad input").
    "npshub.middleware.BadInputMiddleware",
    # Counts page views into an in-memory buffer written by a background thread (README "Reach").
    "npshub.reach.recorder.VisitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last: turns a sign-in lockout (django-axes) into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "npshub.urls"
WSGI_APPLICATION = "npshub.wsgi.application"
ASGI_APPLICATION = "npshub.asgi.application"

# --- Theme --------------------------------------------------------------------------------
NPSHUB_THEME = env_str("NPSHUB_THEME", "default")
THEMES_DIR = BASE_DIR / "themes"
THEME_DIR = THEMES_DIR / NPSHUB_THEME
if not (THEME_DIR / "tokens.json").is_file():
    raise ImproperlyConfigured(
        f"NPSHUB_THEME={NPSHUB_THEME!r}: no theme at {THEME_DIR} (it needs a tokens.json)."
    )

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [THEME_DIR / "templates", THEMES_DIR / "default" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "npshub.context_processors.hub",
            ],
        },
    },
]

# --- Data ---------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:  # dj_database_url raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh checkout has no var/ yet; SQLite needs the folder of its file to exist.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process, the Celery worker and CLI imports read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests get a file database (not :memory:) so that a real Celery worker can share it.
    DATABASES["default"]["TEST"] = {
        "NAME": env_str("NPSHUB_TEST_DB", str(VAR_DIR / "test.sqlite3"))
    }
else:
    DATABASES["default"]["TEST"] = {"NAME": env_str("NPSHUB_TEST_DB_NAME", "test_npshub")}
    if env_bool("DATABASE_POOL", True):
        # Under ASGI each request runs its sync code in a fresh thread, so CONN_MAX_AGE would still
        # open a PostgreSQL connection (a forked backend) per request; a pool per process keeps them.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1, "max_size": env_int("DATABASE_POOL_SIZE", 20), "timeout": 10}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery (our background work) ---------------------------------------------------------
CELERY_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
else:
    # No external broker: kombu's filesystem transport crosses processes on one machine.
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DIR / "queue"),
        "data_folder_out": str(CELERY_DIR / "queue"),
        "processed_folder": str(CELERY_DIR / "processed"),
        "control_folder": str(CELERY_DIR / "control"),  # kombu's default is ./control
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{CELERY_DIR / 'results'}"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 600)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 900)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = env_str("TIME_ZONE", "Europe/Moscow")
CELERY_BEAT_SCHEDULE = {}  # apps and plugins add entries from their AppConfig.ready()
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Wagtail's own background work (reference index, search) runs on django-tasks, not Celery.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# --- Sign-in: passwords, single sign-on, lockout (npshub.settings_signin) -------------------
from npshub.settings_signin import *  # noqa: E402,F401,F403

# Where people reach the hub (links in e-mails, Teams cards, the screen URL load_demo prints): by default
# this machine on PORT, the port `make run` and uvicorn serve on (8000 unless PORT says otherwise).
BASE_URL = env_str("NPSHUB_BASE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")
# SCIM 2.0 provisioning at /scim/v2/ (npshub.people.scim); bearer tokens: `create_scim_token`.
SCIM_SERVICE_PROVIDER = {
    "NETLOC": urlsplit(BASE_URL).netloc,
    "SCHEME": urlsplit(BASE_URL).scheme,
    "AUTHENTICATION_SCHEMES": [{
        "type": "oauthbearertoken", "name": "Bearer token", "primary": True,
        "description": "Authorization: Bearer <token from `python manage.py create_scim_token NAME`>",
    }],
    "USER_ADAPTER": "npshub.people.scim.adapters.EmployeeAdapter",
    "GROUP_MODEL": "npshub.people.models.DirectoryGroup",
    "GROUP_ADAPTER": "npshub.people.scim.adapters.DirectoryGroupAdapter",
    "USER_FILTER_PARSER": "npshub.people.scim.filters.EmployeeFilter",
    "GROUP_FILTER_PARSER": "npshub.people.scim.filters.DirectoryGroupFilter",
    "AUTH_CHECK_MIDDLEWARE": "npshub.people.scim.auth.BearerTokenCheck",
    "GET_QUERYSET_POST_PROCESSOR_GETTER": "npshub.people.scim.adapters.queryset_post_processor_getter",
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="NPS Hub SCIM"',
}

# --- HTTPS ----------------------------------------------------------------------------------
# HTTPS declares that browsers reach the site over HTTPS (directly or through a TLS-terminating
# proxy). It is on whenever DJANGO_DEBUG is off (HTTPS=0 for a plain-HTTP set-up: the tests, a
# trial on a laptop) and it alone decides the cookies' Secure flag, HSTS and the redirect.
HTTPS = env_bool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# "X-Forwarded-Proto: https" (or USE_X_FORWARDED_PROTO=1): the header a TLS-terminating proxy sets.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER", legacy_flag="USE_X_FORWARDED_PROTO")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"  # views meant for a same-origin frame say so (Wagtail's preview, the digest desk)
# An internal host is not submitted to the browsers' HSTS preload list; SECURE_HSTS_PRELOAD=1 if it is.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [SITE_DIR / "npshub" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Moscow")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [THEME_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Personal data files (call recordings) never live under MEDIA_ROOT: they are served only by
# permission-checked, logged views.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": env_str("DEFAULT_FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
# Uploaded media is served only to signed-in employees, by npshub.views.media (never SVG inline);
# documents only by Wagtail's serve view, as attachments with nosniff and a CSP.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Videos (wagtailmedia): the formats every browser plays; the screens serve only these.
WAGTAILMEDIA = {"VIDEO_EXTENSIONS": ["mp4", "webm"]}
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Email --------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
else:
    # No SMTP server: mail goes to the local outbox, one .eml file a message.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "NPS Hub <nps-hub@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail ------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "NPS Hub")
WAGTAILADMIN_BASE_URL = BASE_URL
NPSHUB_BASE_URL = WAGTAILADMIN_BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip", "svg", "png"]
# Content per locale (pages, snippets, reference data): one page tree per language, translated in
# the admin with wagtail-localize. The reader's language picks the tree; URLs stay the same.
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILAPI_BASE_URL = NPSHUB_BASE_URL
WAGTAILAPI_LIMIT_MAX = 100
# An intranet asks no outside server for avatars: the admin shows the profile's avatar or initials
# (npshub.admin_home.avatar_url, the get_avatar_url hook).
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# --- REST API (npshub.settings_api) -----------------------------------------------------------
from npshub.settings_api import *  # noqa: E402,F401,F403

# --- Logging ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # one INFO line per Wagtail index update is noise
        "axes": {"level": "WARNING"},  # sign-in failures and lockouts are warnings; INFO is every sign-in
    },
}

# --- Retention of personal data -----------------------------------------------------------
# Customer contacts (name, phone, e-mail) are deleted this many days after the response was
# submitted, unless a plugin still needs them (an open callback); beat task feedback.purge_contacts.
FEEDBACK_CONTACT_RETENTION_DAYS = env_int("FEEDBACK_CONTACT_RETENTION_DAYS", 365)
# The key of the customer journeys' hash (npshub.feedback.journeys); empty: one derived from SECRET_KEY.
FEEDBACK_CUSTOMER_KEY = os.environ.get("FEEDBACK_CUSTOMER_KEY", "")
# CSV imports: threads storing blocks while the next are read (PostgreSQL; SQLite takes one; 0: none).
FEEDBACK_IMPORT_WRITERS = env_int("FEEDBACK_IMPORT_WRITERS", 2)

# --- Digest -------------------------------------------------------------------------------
DIGEST_BATCH_SIZE = env_int("DIGEST_BATCH_SIZE", 500)          # recipients per Celery task / SMTP connection
DIGEST_MAX_ATTEMPTS = env_int("DIGEST_MAX_ATTEMPTS", 5)         # transient failures before giving up
DIGEST_RETRY_BACKOFF = env_int("DIGEST_RETRY_BACKOFF", 60)      # seconds, doubled per attempt
DIGEST_SENDING_TIMEOUT = env_int("DIGEST_SENDING_TIMEOUT", 1800)  # > CELERY_TASK_TIME_LIMIT: older claims are dead workers'
DIGEST_WAIT_TIMEOUT = env_int("DIGEST_WAIT_TIMEOUT", 3600)      # send_digest gives up waiting after this
DIGEST_ACCEPT_GROUP = env_int("DIGEST_ACCEPT_GROUP", 100)      # acceptances written to the send log per UPDATE (1..900)
DIGEST_ACCEPT_SECONDS = env_int("DIGEST_ACCEPT_SECONDS", 1)     # ... or at least this often
DIGEST_JOURNAL_DIR = env_str("DIGEST_JOURNAL_DIR", "")          # acceptance journal without Redis (default var/digest-journal)
TEAMS_TIMEOUT = env_int("TEAMS_TIMEOUT", 10)
TEAMS_POST_MAX_ATTEMPTS = env_int("TEAMS_POST_MAX_ATTEMPTS", 5)  # a channel post's refusals (429, 5xx, no connection) before giving up
TEAMS_RETRY_BACKOFF = env_int("TEAMS_RETRY_BACKOFF", 60)        # seconds, doubled per attempt
TEAMS_CLAIM_TIMEOUT = env_int("TEAMS_CLAIM_TIMEOUT", 3 * TEAMS_TIMEOUT + 30)  # older "sending" rows: a dead worker's, never re-posted

# --- Scheduled pulls and other systems (npshub.feedback.pulls, npshub.http) -----------------
PULL_HTTP_TIMEOUT = env_int("PULL_HTTP_TIMEOUT", 30)            # seconds per HTTP request
PULL_MAX_BYTES = env_int("PULL_MAX_BYTES", 100 * 1024 * 1024)   # per page or file
PULL_MAX_PAGES = env_int("PULL_MAX_PAGES", 1000)                # per run
PULL_SQL_TIMEOUT = env_int("PULL_SQL_TIMEOUT", 300)             # seconds, statement timeout of SQL pulls
PULL_RETRY_BACKOFF = env_int("PULL_RETRY_BACKOFF", 60)          # seconds after a failure, doubled per failure
PULL_ALERT_AFTER = env_int("PULL_ALERT_AFTER", 3)               # failed runs in a row before CX admins hear
PULL_LOCK_TIMEOUT = env_int("PULL_LOCK_TIMEOUT", 3600)          # a run older than this was a dead worker's
PULL_BEAT_SECONDS = env_int("PULL_BEAT_SECONDS", 60)            # how often beat looks for due pulls

# --- Reach: awareness, usage, embedded score (npshub.reach) ---------------------------------
REACH_RECORD_VISITS = env_bool("REACH_RECORD_VISITS", True)     # count page views per day x department x section
REACH_FLUSH_SECONDS = env_int("REACH_FLUSH_SECONDS", 10)        # how often each process writes its buffer (0: never by itself)
REACH_EMBED_CACHE_SECONDS = env_int("REACH_EMBED_CACHE_SECONDS", 60)  # the embedded score's figures are cached this long
REACH_EMBED_KEY_CACHE_SECONDS = env_int("REACH_EMBED_KEY_CACHE_SECONDS", 5)  # an embed key's state (revoked?) at most this old
