"""Reading settings from the environment, failing loudly and by name on bad values."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


def env_str(name, default=None, *, required=False):
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise ImproperlyConfigured(
        f"The environment variable {name}={value!r} is not a boolean (use 1/0, true/false, yes/no)."
    )


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} is not a whole number."
        ) from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


MIN_SECRET_KEY_LENGTH = 50


def env_secret_key(name, *, debug):
    """The secret key: required, at least 50 characters and not a repetition of a few, unless
    ``debug`` (which falls back to a fixed development key). Refused at start-up otherwise."""
    value = os.environ.get(name) or ""
    if debug and not value:
        return "dev-only-insecure-key-never-use-in-production"
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set when DJANGO_DEBUG is off.")
    if not debug and (len(value) < MIN_SECRET_KEY_LENGTH or len(set(value)) < 5):
        raise ImproperlyConfigured(
            f"The environment variable {name} is too weak: it needs at least {MIN_SECRET_KEY_LENGTH} "
            f"characters, not a repetition of a few (it has {len(value)}). Make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
        )
    return value


def env_proxy_ssl_header(name, *, legacy_flag=None):
    """``"X-Forwarded-Proto: https"`` → ``("HTTP_X_FORWARDED_PROTO", "https")`` (Django's
    SECURE_PROXY_SSL_HEADER); ``legacy_flag=1`` means that very header. None when unset."""
    value = env_str(name)
    if value is None:
        return ("HTTP_X_FORWARDED_PROTO", "https") if legacy_flag and env_bool(legacy_flag) else None
    header, sep, expected = value.partition(":")
    header, expected = header.strip(), expected.strip()
    if not sep or not header or not expected or not all(c.isalnum() or c == "-" for c in header):
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} must look like 'X-Forwarded-Proto: https' "
            "(the header your TLS-terminating proxy sets, and its value for HTTPS)."
        )
    return ("HTTP_" + header.upper().replace("-", "_"), expected)


def env_rate(name, default):
    """A request rate for DRF's throttles: ``N/s``, ``N/min``, ``N/hour`` or ``N/day``; ``off``
    disables that throttle (None)."""
    value = (os.environ.get(name) or default).strip()
    if value.lower() in ("off", "none"):
        return None
    number, _, period = value.partition("/")
    if not number.isdigit() or int(number) < 1 or period[:1] not in ("s", "m", "h", "d"):
        raise ImproperlyConfigured(
            f"The environment variable {name}={value!r} is not a rate: use e.g. 600/min, 20/s, 5000/hour or off."
        )
    return value


def env_json(name, default=None, *, kind=None):
    """A JSON value (an object or a list); ``kind`` (dict or list) checks its type."""
    import json

    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        parsed = json.loads(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"The environment variable {name} is not valid JSON: {exc}") from None
    if kind is not None and not isinstance(parsed, kind):
        raise ImproperlyConfigured(
            f"The environment variable {name} must be a JSON {'object' if kind is dict else 'list'}."
        )
    return parsed
