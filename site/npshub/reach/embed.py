"""The embeddable score: ``<script src="https://hub/embed/<key>/score.js" async></script>`` on an
allowed site shows the brand NPS (and the monthly trend) in ``<div data-nps-hub-score></div>``.

The figures (aggregates only) come from ``/embed/<key>/score.json``, answered only to a request
whose ``Origin`` is one of the key's allowed origins (CORS), cached per key for
``REACH_EMBED_CACHE_SECONDS``; the key's site is cached for ``REACH_EMBED_KEY_CACHE_SECONDS`` (5) and
forgotten when it is saved or deleted: a revoked key stops at once with a shared cache (Redis), within
those seconds in the other processes without one. Unknown key: 404; revoked key or another origin: 403.
"""

import datetime
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from npshub import theme

_MISSING = "missing"


def _site_key(key):
    return f"reach:embed:site:{key}"


def _figures_key(key):
    return f"reach:embed:figures:{key}"


def forget(site):
    cache.delete_many([_site_key(site.key), _figures_key(site.key)])


def site_for(key):
    """(origins, active, period_days, show_trend) of the key, or None; cached."""
    from npshub.reach.models import EmbedSite

    cached = cache.get(_site_key(key))
    if cached is None:
        site = EmbedSite.objects.filter(key=key).first()
        cached = _MISSING if site is None else {
            "origins": site.origin_list(), "active": site.active,
            "period_days": site.period_days, "show_trend": site.show_trend,
        }
        cache.set(_site_key(key), cached, settings.REACH_EMBED_KEY_CACHE_SECONDS)
    return None if cached == _MISSING else cached


def figures(key, site):
    from npshub.feedback import stats
    from npshub.feedback.filters import StatsFilter

    cached = cache.get(_figures_key(key))
    if cached is None:
        today = timezone.localdate()
        period = StatsFilter(date_from=today - datetime.timedelta(days=site["period_days"] - 1), date_to=today)
        score = stats.summary(period)
        cached = {"nps": score["nps"], "responses": score["responses"], "period_days": site["period_days"],
                  "updated_at": timezone.now().isoformat(timespec="seconds")}
        if site["show_trend"]:
            year = StatsFilter(date_from=(today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1), date_to=today)
            cached["trend"] = [{"month": str(point["period_start"])[:7], "nps": point["nps"]}
                               for point in stats.timeseries(year, "month")]
        cache.set(_figures_key(key), cached, settings.REACH_EMBED_CACHE_SECONDS)
    return cached


def _refused(status, detail, origin=None):
    response = JsonResponse({"detail": detail}, status=status)
    response["Vary"] = "Origin"
    response["Cache-Control"] = "no-store"
    return response


def _origin_of(value):
    from urllib.parse import urlsplit

    parts = urlsplit(value or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


@login_not_required
@require_GET
def score_json(request, key):
    site = site_for(key)
    if site is None:
        return _refused(404, "Unknown embed key.")
    if not site["active"]:
        return _refused(403, "This embed key has been revoked.")
    origin = (request.headers.get("Origin") or "").rstrip("/").lower()
    if origin not in site["origins"]:
        return _refused(403, "This origin may not embed the score.")
    response = JsonResponse(figures(key, site))
    response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@require_GET
def score_js(request, key):
    """The script: refuses unknown or revoked keys, and pages of other sites when the browser says
    which page asks (Referer); the figures themselves are guarded by score.json's origin check."""
    site = site_for(key)
    if site is None:
        return HttpResponse("/* unknown embed key */", status=404, content_type="text/javascript")
    if not site["active"]:
        return HttpResponse("/* revoked embed key */", status=403, content_type="text/javascript")
    referer = _origin_of(request.headers.get("Referer"))
    if referer and referer not in site["origins"]:
        return HttpResponse("/* origin not allowed */", status=403, content_type="text/javascript")
    tokens = theme.tokens()
    colors = {name: token.get("value") for name, token in tokens.get("colors", {}).items()}
    config = {
        "url": request.build_absolute_uri(f"/embed/{key}/score.json"),
        "colors": {name: colors.get(name) for name in ("brand", "brand-dark", "promoter", "passive", "detractor")},
        "font": tokens.get("fonts", {}).get("body", {}).get("value", "sans-serif"),
    }
    body = (settings.BASE_DIR / "site/npshub/reach/static/reach/embed.js").read_text(encoding="utf-8")
    response = HttpResponse(body.replace("__CONFIG__", json.dumps(config)), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = f"public, max-age={settings.REACH_EMBED_CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response
