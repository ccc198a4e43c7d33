"""``/comments/``: every customer comment, masked, newest first, with paging, text search, topic
chips and score, source and period filters (the same filters as ``GET /api/v1/comments/``)."""

import datetime
from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from npshub import formats
from npshub.feedback import reference
from npshub.feedback.comments import comment_queryset
from npshub.paging import LargeCountPaginator
from nps_widgets import data

PER_PAGE = 20
FIELDS = ("q", "band", "period", "from", "to", "source", "product", "segment", "channel", "region", "team")


def comments_url(**params):
    """The comments page with these filters (empty values left out), for links from charts and cards."""
    query = urlencode([(key, value) for key, value in params.items() if value], doseq=True)
    return reverse("nps_widgets:comments") + (f"?{query}" if query else "")


def comments_state(params):
    """The page's filters from the query string; unknown values fall back to "any"."""
    periods = dict(data.PERIODS)
    topics = dict(data.topic_choices())
    state = {
        "q": " ".join(params.get("q", "").split())[:200],
        "band": params.get("band") if params.get("band") in {b[0] for b in data.SCORE_BANDS} else "",
        "period": params.get("period") if params.get("period") in periods else "all",
        "topics": [slug for slug in dict.fromkeys(params.getlist("topic")) if slug in topics],
        "from": _date(params.get("from")),
        "to": _date(params.get("to")),
    }
    if state["from"] and state["to"] and state["from"] > state["to"]:
        state["from"], state["to"] = state["to"], state["from"]
    for name in data.FILTER_FIELDS:
        state[name] = params.get(name, "").strip()[:100]
    return state


def _date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _link(state, **change):
    """The page's address with ``change`` applied (and paging reset)."""
    merged = {key: str(state[key]) for key in FIELDS if state.get(key) and not (key == "period" and state[key] == "all")}
    merged["topic"] = state["topics"]
    merged.update(change)
    return comments_url(**merged)


def _label_rows(rows):
    """Each row's source and product as the reader's labels: one query per dimension for the page."""
    rows = list(rows)
    sources = reference.labels("source", {row.source.slug for row in rows})
    products = reference.labels("product", {row.product for row in rows})
    for row in rows:
        row.source_label = sources[row.source.slug]  # a label, else the source's name (reference's fallbacks)
        row.product_label = products.get(row.product, "")  # "" for an answer without a product


def comments(request):
    from nps_widgets.blocks import DIMENSION_LABELS  # blocks link here: import when serving

    state = comments_state(request.GET)
    topics = data.topic_choices()
    names = dict(topics)
    custom = state["from"] or state["to"]
    start, end = (state["from"], state["to"]) if custom else data.period_bounds(state["period"])
    stats_filter = data.make_filter(state, start, end)
    low, high = data.band_limits(state["band"])
    queryset = comment_queryset(
        stats_filter, topic=state["topics"] or None, q=state["q"] or None, score_min=low, score_max=high,
    )
    page = LargeCountPaginator(queryset, PER_PAGE).get_page(request.GET.get("page"))  # 10M answers: no full count
    _label_rows(page.object_list)
    chips = [
        {"slug": slug, "name": name, "active": slug in state["topics"],
         "url": _link(state, topic=[t for t in state["topics"] if t != slug] if slug in state["topics"] else state["topics"] + [slug])}
        for slug, name in topics
    ]
    active = []  # what narrows the list, each with the link that drops it
    if state["q"]:
        active.append((_("Text: “%(q)s”") % {"q": state["q"]}, _link(state, q="")))
    for slug in state["topics"]:
        active.append((_("Topic: %(name)s") % {"name": names[slug]}, _link(state, topic=[t for t in state["topics"] if t != slug])))
    if state["band"]:
        active.append((dict((k, v) for k, v, _l, _h in data.SCORE_BANDS)[state["band"]], _link(state, band="")))
    if custom:
        dates = " – ".join(formats.day(d, with_year=True) if d else "…" for d in (state["from"], state["to"]))
        active.append((dates, _link(state, **{"from": "", "to": ""})))
    elif state["period"] != "all":
        active.append((dict(data.PERIODS)[state["period"]], _link(state, period="")))
    for name in data.FILTER_FIELDS:
        if state[name]:
            active.append((f"{DIMENSION_LABELS[name]}: {reference.label(name, state[name])}", _link(state, **{name: ""})))
    page_links = {}
    if page.has_previous():
        page_links["previous"] = _link(state, page=page.previous_page_number())
    if page.has_next():
        page_links["next"] = _link(state, page=page.next_page_number())
    return render(request, "nps_widgets/comments.html", {
        "state": state, "page": page, "chips": chips, "active": active, "page_links": page_links,
        "bands": [(key, label) for key, label, _l, _h in data.SCORE_BANDS], "periods": data.PERIODS,
        "sources": data.dimension_values("source"),
        "hidden": [(name, state[name]) for name in (*data.FILTER_FIELDS, "from", "to") if state[name] and name != "source"],
    })
