"""Bad configuration fails at start-up with a message naming the variable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import database_url

ROOT = Path(__file__).resolve().parents[2]
LONG_KEY = "a-production-grade-secret-key-of-more-than-fifty-characters-0123456789"


def start(env_changes):
    env = {k: v for k, v in os.environ.items() if k not in env_changes or env_changes[k] is not None}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )


def test_valid_configuration_starts():
    assert start({}).returncode == 0


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"SECRET_KEY": None, "DJANGO_DEBUG": "0"}, "SECRET_KEY"),
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL"),
        ({"NPSHUB_PLUGINS": "rewards,teleporter"}, "teleporter"),
        ({"NPSHUB_THEME": "missing-theme"}, "NPSHUB_THEME"),
        ({"CELERY_TASK_TIME_LIMIT": "soon"}, "CELERY_TASK_TIME_LIMIT"),
    ],
)
def test_bad_setting_is_named(changes, named):
    result = start(changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr or "PluginError" in result.stderr
    assert named in result.stderr


def test_debug_is_off_by_default():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"],
        cwd=ROOT, env={**{k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}, "SECRET_KEY": LONG_KEY},
        capture_output=True, text=True, timeout=60,
    )
    assert result.stdout.strip() == "False"


# The production environment README documents ("Production checklist"), minus secrets of our own.
PRODUCTION = {
    "SECRET_KEY": LONG_KEY,
    "ALLOWED_HOSTS": "nps.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://nps.example.com",
    "NPSHUB_BASE_URL": "https://nps.example.com",
    # Unset: the defaults are what production gets (make test sets these for its own plain HTTP).
    "DJANGO_DEBUG": None, "HTTPS": None, "SECURE_SSL_REDIRECT": None, "SECURE_HSTS_SECONDS": None,
    "DJANGO_ALLOW_ASYNC_UNSAFE": None,  # the browser tests' conftest sets it for Playwright; never in production
}


def run_python(code, env_changes):
    env = {k: v for k, v in os.environ.items() if k not in env_changes or env_changes[k] is not None}
    env.update({k: v for k, v in env_changes.items() if v is not None})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def settings_of(env_changes, *names):
    code = ("import django, json; django.setup(); from django.conf import settings; "
            f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))")
    result = run_python(code, env_changes)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'DEBUG'])",
        {**PRODUCTION, "DJANGO_SETTINGS_MODULE": "npshub.settings"},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("key", ["k" * 10 + "0123456789" * 3 + "abcdefgh", "x" * 64])  # 48 characters; one repeated
def test_a_weak_secret_key_is_refused_at_start_up(key):
    result = start({**PRODUCTION, "SECRET_KEY": key})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY is too weak" in result.stderr
    assert key not in result.stderr  # the message never repeats the key
    assert start({**PRODUCTION, "SECRET_KEY": key, "DJANGO_DEBUG": "1"}).returncode == 0


def test_secure_cookies_and_hsts_follow_the_https_declaration_not_the_redirect():
    names = ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")
    production = settings_of({**PRODUCTION, "SECURE_SSL_REDIRECT": "0"}, *names)
    assert production == {"SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
                          "SECURE_HSTS_SECONDS": 31536000, "SECURE_SSL_REDIRECT": False}
    plain_http = settings_of({**PRODUCTION, "HTTPS": "0"}, *names)
    assert plain_http == {"SESSION_COOKIE_SECURE": False, "CSRF_COOKIE_SECURE": False,
                          "SECURE_HSTS_SECONDS": 0, "SECURE_SSL_REDIRECT": False}
    debug = settings_of({**PRODUCTION, "DJANGO_DEBUG": "1"}, *names)
    assert debug["SESSION_COOKIE_SECURE"] is False and debug["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.django_db
def test_https_site_redirects_sends_hsts_and_lets_health_checks_through():
    code = """
import django; django.setup()
from django.test import Client
client = Client()
plain = client.get('/accounts/login/')
secure = client.get('/accounts/login/', secure=True)
health = client.get('/healthz')
print(plain.status_code, plain.get('Location'))
print(secure.status_code, secure.get('Strict-Transport-Security'))
print(health.status_code)
print(secure.cookies['csrftoken']['secure'])
"""
    result = run_python(code, {**PRODUCTION, "ALLOWED_HOSTS": "testserver", "DATABASE_URL": database_url()})
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.strip().splitlines()[-4:]
    assert lines[0] == "301 https://testserver/accounts/login/"
    assert lines[1] == "200 max-age=31536000; includeSubDomains"
    assert lines[2] == "200"
    assert lines[3] == "True"


@pytest.mark.parametrize(("value", "expected"), [
    ("X-Forwarded-Proto: https", ["HTTP_X_FORWARDED_PROTO", "https"]),
    ("X-Forwarded-Ssl: on", ["HTTP_X_FORWARDED_SSL", "on"]),
])
def test_proxy_ssl_header_is_configurable(value, expected):
    assert settings_of({**PRODUCTION, "SECURE_PROXY_SSL_HEADER": value}, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": expected}
    assert settings_of({**PRODUCTION, "USE_X_FORWARDED_PROTO": "1"}, "SECURE_PROXY_SSL_HEADER") == {
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}
    assert settings_of(PRODUCTION, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": None}


@pytest.mark.parametrize(("changes", "named"), [
    ({"SECURE_PROXY_SSL_HEADER": "https"}, "SECURE_PROXY_SSL_HEADER"),
    ({"THROTTLE_USER": "fast"}, "THROTTLE_USER"),
    ({"AXES_FAILURE_LIMIT": "many"}, "AXES_FAILURE_LIMIT"),
])
def test_bad_security_settings_are_named(changes, named):
    result = start({**PRODUCTION, **changes})
    assert result.returncode != 0 and "ImproperlyConfigured" in result.stderr and named in result.stderr
