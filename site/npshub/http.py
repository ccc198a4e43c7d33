"""Reading from the company's other systems over HTTP(S): one place for timeouts, size limits,
headers taken from environment variables (secrets never in the database) and clear errors.

    headers = headers_from_env({"Authorization": "HR_EXPORT_TOKEN"})
    path = download("https://hr.example/staff.csv", headers)     # a temporary file; remove it after
    body = get_json("https://reviews.example/api?page=2", headers)
"""

import os
import tempfile

import requests
from django.conf import settings

from npshub import safejson

USER_AGENT = "NPS-Hub"


class FetchError(Exception):
    """The other system could not be read; the message says why (shown to admins, recorded)."""


def headers_from_env(names):
    """{Header: value of the environment variable named}; a missing variable is an error."""
    headers = {}
    for header, variable in (names or {}).items():
        value = os.environ.get(str(variable))
        if value is None:
            raise FetchError(f"the environment variable {variable} (for the {header} header) is not set")
        headers[str(header)] = value
    return headers


def check_url(url):
    if not str(url or "").lower().startswith(("http://", "https://")):
        raise FetchError(f"{url!r} is not an http(s) URL")
    return url


def _get(url, headers, stream=False):
    check_url(url)
    try:
        answer = requests.get(url, headers={"User-Agent": USER_AGENT, **(headers or {})}, stream=stream,
                              timeout=settings.PULL_HTTP_TIMEOUT)
    except requests.RequestException as exc:
        raise FetchError(f"GET {url}: {type(exc).__name__}: {exc}") from None
    if not 200 <= answer.status_code < 300:
        reason = answer.reason or ""
        answer.close()
        raise FetchError(f"GET {url} answered HTTP {answer.status_code} {reason}".rstrip())
    return answer


def _body(answer, url, limit):
    chunks, size = [], 0
    for chunk in answer.iter_content(1 << 16):
        size += len(chunk)
        if size > limit:
            answer.close()
            raise FetchError(f"GET {url}: the answer is larger than {limit:,} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def get_json(url, headers=None):
    """The JSON body of a GET (at most PULL_MAX_BYTES)."""
    answer = _get(url, headers, stream=True)
    with answer:
        body = _body(answer, url, settings.PULL_MAX_BYTES)
    try:
        return safejson.loads(body)
    except safejson.BadJSON as exc:
        raise FetchError(f"GET {url}: the answer is not JSON ({exc})") from None


def download(url, headers=None, suffix=""):
    """Save a GET's body (at most PULL_MAX_BYTES) to a temporary file; returns (path, content type).
    The caller removes the file."""
    answer = _get(url, headers, stream=True)
    handle = tempfile.NamedTemporaryFile(prefix="npshub-", suffix=suffix, delete=False)
    size = 0
    try:
        with answer, handle:
            for chunk in answer.iter_content(1 << 16):
                size += len(chunk)
                if size > settings.PULL_MAX_BYTES:
                    raise FetchError(f"GET {url}: the file is larger than {settings.PULL_MAX_BYTES:,} bytes")
                handle.write(chunk)
    except (FetchError, requests.RequestException) as exc:
        os.unlink(handle.name)
        raise exc if isinstance(exc, FetchError) else FetchError(f"GET {url}: {exc}") from None
    return handle.name, answer.headers.get("Content-Type", "")
