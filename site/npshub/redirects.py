"""Where to go after a form: the one place a ``next`` parameter is read.

A ``next`` that leaves the site (``//evil.example/x``, ``https://evil.example``, ``/\\evil``,
``javascript:...``) is ignored for the fallback; Django's ``url_has_allowed_host_and_scheme``
decides, with this request's host and (on HTTPS) HTTPS only."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def is_safe_next(request, url):
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


def safe_next_url(request, fallback, *args, **kwargs):
    """The request's ``next`` (POST, else query string) when it stays on this site, else
    ``fallback`` (a URL, or a view name resolved with ``args``/``kwargs``)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if is_safe_next(request, candidate):
        return candidate
    return resolve_url(fallback, *args, **kwargs)
