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
