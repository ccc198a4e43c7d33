"""Live stream, block re-rendering, the statistics dashboard and the meeting-room screens."""

import datetime

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from npshub import dates
from nps_widgets import blocks as widget_blocks
from nps_widgets import dashboard, data, live, screen_playlist, screen_stream
from nps_widgets.models import Screen

# --- Live stream ------------------------------------------------------------------------------


async def authenticated_user(request):
    """The signed-in employee by ``Authorization: Token`` or session, or None."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("token "):
        from rest_framework.authtoken.models import Token

        token = await Token.objects.select_related("user").filter(key=header[6:].strip()).afirst()
        user = token.user if token else None
    else:
        user = await request.auser()
    return user if user is not None and user.is_authenticated and user.is_active else None


def sse_response(body):
    response = StreamingHttpResponse(body, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


class LiveStreamView(View):
    """``GET /api/v1/live/``: Server-Sent Events with one ``data:`` line of JSON per update.

    Each message says what changed: ``{"id", "type": "responses", "count", "changed": {dimension:
    [values] or "*"}, "from", "to"}`` (dates of the changed answers). A page re-renders the blocks
    whose filters match. Async, so one process holds thousands of open streams."""

    http_method_names = ["get"]
    # Not a DRF view, so it documents itself in the OpenAPI schema (npshub.api.schema.plain_views).
    openapi = {"get": {
        "operationId": "live_stream",
        "tags": ["live"],
        "summary": "Live score updates (Server-Sent Events)",
        "description": (
            "An open `text/event-stream`: `retry:`, then one event per batch of stored responses with a "
            "`data:` line of JSON `{id, type: \"responses\", count, changed: {dimension: [values] | \"*\"}, "
            "from, to}`, and a `: keep-alive` comment every 15 s. Send `Last-Event-ID` on reconnect to get "
            "missed events (event-table transport). Served by the ASGI server; under WSGI the answer is "
            "short and the client polls every 15 s."),
        "parameters": [{"name": "Last-Event-ID", "in": "header", "required": False, "schema": {"type": "string"},
                        "description": "The id of the last event received."}],
        "security": [{"tokenAuth": []}, {"cookieAuth": []}],
        "responses": {
            "200": {"description": "The event stream.", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
            "401": {"description": "Not signed in.", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"detail": {"type": "string"}}}}}},
        },
    }}

    @classmethod
    def as_view(cls, **initkwargs):
        # It authenticates itself (session or token) and answers 401 JSON, like the DRF views.
        return login_not_required(super().as_view(**initkwargs))

    async def get(self, request):
        user = await authenticated_user(request)
        if user is None:
            response = JsonResponse({"detail": "Authentication credentials were not provided."}, status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        return await live_response(request)


@login_not_required  # the screen's secret link is its credential
async def screen_live(request, token):
    """The screen's own stream, authorised by its secret link instead of a session: only updates
    within its filters, and it ends soon after the link is revoked or expires (screen_stream)."""
    screen = await Screen.objects.filter(token=token).afirst()
    if screen is None or not screen.is_valid:
        raise Http404
    last_event_id = request.headers.get("Last-Event-ID")
    if not isinstance(request, ASGIRequest):
        filters = screen_stream.screen_filters(screen)
        return sse_response([await live.poll_once(last_event_id, select=lambda m: screen_stream.allowed(m, filters))])
    queue, replay = await live.open_stream(last_event_id)
    return sse_response(screen_stream.stream(screen, queue, replay))


async def live_response(request):
    """An open stream under ASGI; under WSGI, where an endless body would hold a worker thread
    for ever, one short answer (missed events, the latest id, ``retry: 15 s``) that EventSource
    turns into polling."""
    last_event_id = request.headers.get("Last-Event-ID")
    if not isinstance(request, ASGIRequest):
        return sse_response([await live.poll_once(last_event_id)])
    queue, replay = await live.open_stream(last_event_id)
    return sse_response(live.stream(queue, replay))


# --- Block re-rendering (live.js) --------------------------------------------------------------


@never_cache
def block_fragment(request):
    """The fresh HTML of one block, from the signed reference the block rendered with."""
    try:
        block, value = widget_blocks.load_reference(request.GET.get("b", ""))
    except signing.BadSignature:
        return HttpResponseBadRequest(_("Unknown or tampered block reference."))
    return HttpResponse(block.render(value, context={"request": request}))


# --- Statistics dashboard (filter state, chips and the empty state: nps_widgets.dashboard) -----


def dashboard_blocks(state, score):
    """The dashboard as rendered widgets: the same blocks editors use, with the picked filters; the
    CSAT/CES card only when the filtered answers have such scores."""
    common = {"period": state["period"], "date_from": data.iso(state["from"]), "date_to": data.iso(state["to"]),
              "filters": dashboard.filters(state)}
    spec = [
        ("headline", widget_blocks.HeadlineScoreBlock, {"title": _("NPS"), "compare_previous": True}),
        ("distribution", widget_blocks.DistributionBlock, {"title": _("Promoters, passives, detractors")}),
        ("trend", widget_blocks.TrendChartBlock, {"title": _("Trend"), "interval": state["interval"], "chart_type": "line"}),
        ("breakdown", widget_blocks.BreakdownBlock, {
            "title": _("NPS by %(dimension)s") % {"dimension": str(widget_blocks.DIMENSION_LABELS[state["by"]]).lower()},
            "by": state["by"], "display": "bars", "limit": 12,
        }),
        ("topics", widget_blocks.TopicChartBlock, {"title": _("Topics detractors mention"), "limit": 8}),
        ("comments", widget_blocks.CommentStreamBlock, {
            "title": _("Latest comments"), "count": 8, "topic": state["topic"], "band": state["band"],
        }),
    ]
    rendered = []
    for key, block_class, options in spec:
        block = block_class()
        rendered.append((key, block.render(block.to_python({**common, **options}))))
        if key == "distribution" and (score.get("csat_responses") or score.get("ces_responses")):
            rendered.append(("experience", render_to_string("nps_widgets/dashboard_experience.html", {"score": score})))
    return rendered


def export_links(state):
    """CSV/XLSX links of the stats engineer's export endpoint, when it exists."""
    from urllib.parse import urlencode

    params = dashboard.filters(state)
    start, end = dashboard.bounds(state)
    if start:
        params["from"] = start.isoformat()
    if end:
        params["to"] = end.isoformat()
    try:
        url = reverse("nps-export")
    except NoReverseMatch:
        return []
    links = []
    for view, label, extra in (
        ("timeseries", _("Trend"), {"interval": state["interval"]}),
        ("breakdown", _("Breakdown"), {"by": state["by"]}),
    ):
        for fmt in ("csv", "xlsx"):
            links.append((f"{label} {fmt.upper()}", f"{url}?{urlencode({**params, **extra, 'view': view, 'format': fmt})}"))
    return links


def dashboard_view(request):
    """``/stats/``: the filter panel, the active filters as chips and the figures (or one message
    saying which filters to drop). ``X-Requested-With: fetch`` gets the results part only."""
    state = dashboard.state_from(request.GET)
    score = data.score(dashboard.stats_filter(state))
    active = dashboard.chips(state)
    empty = None if dashboard.has_answers(score) else dashboard.empty_state(state, active)
    context = {
        "state": state,
        "active": active,
        "active_count": len(active),
        "empty": empty,
        "widgets": [] if empty else dashboard_blocks(state, score),
        "periods": data.PERIODS,
        "intervals": dashboard.intervals(),
        "bands": [(key, label) for key, label, _low, _high in data.SCORE_BANDS],
        "breakdowns": list(widget_blocks.DIMENSION_LABELS.items()),
        "dimensions": dashboard.dimension_choices(state),
        "topics": data.topic_choices(),
        "exports": [] if empty else export_links(state),
        "by_label": widget_blocks.DIMENSION_LABELS[state["by"]],
        "asked_label": widget_blocks.DIMENSION_LABELS[state["by_asked"] or "product"],
    }
    if request.headers.get("X-Requested-With") == "fetch":
        return render(request, "nps_widgets/dashboard_results.html", context)
    return render(request, "nps_widgets/dashboard.html", context)


# --- Meeting-room screens ------------------------------------------------------------------------


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def screen_quotes(screen, limit=6):
    """Pinned quotes first, then recent promoter comments of a decent length; all masked."""
    from npshub.feedback.models import Response

    from npshub.feedback.comments import quote_key

    quotes, seen, said = [], set(), set()  # each response and each wording once on the screen
    pinned = screen.pinned_ids()
    if pinned:
        by_id = {r.pk: r for r in Response.objects.filter(pk__in=pinned).exclude(comment="").select_related("source")}
        for pk in pinned:
            if pk in by_id and len(quotes) < limit and quote_key(by_id[pk].comment_masked) not in said:
                quotes.append(_quote(by_id[pk]))
                seen.add(pk)
                said.add(quote_key(by_id[pk].comment_masked))
    if len(quotes) < limit:
        start = timezone.localdate() - datetime.timedelta(days=max(screen.quote_max_age_days, 1) - 1)
        stats_filter = data.make_filter(screen.filter_params(), start, None)
        for row in data.comment_rows(stats_filter, band="promoters", limit=limit * 4, min_length=screen.quote_min_length):
            if row["id"] not in seen and quote_key(row["text"]) not in said and len(quotes) < limit:
                said.add(quote_key(row["text"]))
                quotes.append({"text": row["text"], "score": row["score"], "source": row["source"], "date": row["submitted_at"],
                               "language": row["language"]})
    return quotes


def _quote(response):
    from npshub.feedback import reference

    source = reference.label("source", response.source.slug) or response.source.name
    return {"text": response.comment_masked, "score": response.score, "source": source, "date": response.submitted_at,
            "language": response.language}


def screen_news(limit=4, kind=None):
    """The latest live initiatives and wins (``kind="win"``: wins only), when the content app provides news pages."""
    from django.apps import apps

    try:
        NewsPage = apps.get_model("pages", "NewsPage")
    except LookupError:
        return []
    if hasattr(NewsPage, "latest"):
        return list(NewsPage.latest(limit=limit, kind=kind))
    items = NewsPage.objects.live().public()
    return list((items.filter(kind=kind) if kind else items).order_by("-first_published_at")[:limit])


def screen_context(screen):
    """The slides' data: with a playlist, what its live slides need and the slides in order
    (screen_playlist); without one, the live slides the screen's *show* options tick."""
    playlist = screen.playlist()
    wanted = screen_playlist.kinds(playlist) if playlist else {
        kind for kind, shown in (("trend", screen.show_trend), ("comments", screen.show_quotes), ("news", screen.show_news))
        if shown}
    params = screen.filter_params()
    start = _parse_date(params.get("from"))
    if start and not dates.EARLIEST <= start <= dates.LATEST:
        start = None  # out of the sane range: the whole history
    current = data.make_filter(params, start, None)
    score = data.score(current)
    comparison = None
    if start:
        end = timezone.localdate()
        length = (end - start).days + 1
        previous = data.make_filter(params, start - datetime.timedelta(days=length), start - datetime.timedelta(days=1))
        comparison = data.compare(current, previous)
    trend = widget_blocks.TrendChartBlock()
    trend_value = trend.to_python({
        "title": _("NPS by week"), "period": "all", "date_from": params.get("from"), "interval": "week", "chart_type": "line",
        "filters": {k: v for k, v in params.items() if k != "from"},
    })
    context = {
        "screen": screen,
        "score": score,
        "shares": data.shares(score),
        "comparison": comparison,
        "trend_svg": trend.build(trend_value)["svg"] if "trend" in wanted else None,
        "quotes": screen_quotes(screen) if "comments" in wanted else [],
        "news": screen_news() if "news" in wanted else [],
        "wins": screen_news(kind="win") if "wins" in wanted else [],
        "updated_at": timezone.localtime(),
    }
    context["playlist"] = screen_playlist.entries(screen, playlist, context) if playlist else None
    return context


@login_not_required  # the screen's secret link is its credential
@never_cache
def screen_view(request, token):
    screen = Screen.for_token(token)
    template = "nps_widgets/screen_slides.html" if request.GET.get("fragment") else "nps_widgets/screen.html"
    # A room's screen speaks the room's language whatever the browser says (empty: the browser's).
    with translation.override(screen.language or translation.get_language()):
        response = render(request, template, screen_context(screen))
        response["Content-Language"] = translation.get_language()
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def screen_url(screen, base_url=None):
    from django.conf import settings

    return (base_url or getattr(settings, "NPSHUB_BASE_URL", "")).rstrip("/") + screen.get_absolute_url()

