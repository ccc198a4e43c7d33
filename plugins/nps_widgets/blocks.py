"""Live-score StreamField blocks editors drop onto any hub page.

Every block has the same filter options (segment, product, channel, region, team, source: one
value or a comma-separated list) and a period; it renders server-side HTML (SVG charts, no
JavaScript needed), returns the same numbers from ``get_api_representation`` (headless), and
carries ``data-live-*`` attributes so that live.js can re-render it in place when a response that
affects it arrives.
"""

import json

from django.core import signing
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from npshub import charts, formats
from npshub.feedback import stats
from npshub.pages.blocks import SlugsBlock
from nps_widgets import data

SIGNING_SALT = "nps_widgets.block"


class _Serializer:
    """JSON for signed block references; lazy strings and dates included."""

    def dumps(self, obj):
        from django.core.serializers.json import DjangoJSONEncoder

        return json.dumps(obj, cls=DjangoJSONEncoder, separators=(",", ":")).encode("latin-1")

    def loads(self, data):
        return json.loads(data.decode("latin-1"))
DIMENSION_LABELS = {
    "segment": _("Segment"), "product": _("Product"), "channel": _("Channel"),
    "region": _("Region"), "team": _("Team"), "source": _("Source"),
}


def _period_choices():
    return data.PERIODS


def _topic_choices():
    return [("", _("Any topic")), *data.topic_choices()]


class FilterBlock(blocks.StructBlock):
    """Which responses a widget counts."""

    segment = SlugsBlock(max_length=200, label=_("Segment"), help_text=_("One value or a comma-separated list; empty: all."))
    product = SlugsBlock(max_length=200, label=_("Product"))
    channel = SlugsBlock(max_length=200, label=_("Channel"))
    region = SlugsBlock(max_length=200, label=_("Region"))
    team = SlugsBlock(max_length=200, label=_("Team"))
    source = SlugsBlock(max_length=200, label=_("Source"), help_text=_("Source slug(s)."))

    class Meta:
        label = _("Filters")
        collapsed = True
        form_classname = "struct-block nps-filters"


class WidgetBlock(blocks.StructBlock):
    """Shared options and the live wiring of every widget."""

    title = blocks.CharBlock(max_length=120, label=_("Title"))
    period = blocks.ChoiceBlock(choices=_period_choices, default="90", label=_("Period"))
    date_from = blocks.DateBlock(required=False, label=_("From (custom period)"), help_text=_("Optional: custom dates replace the period."))
    date_to = blocks.DateBlock(required=False, label=_("To (custom period)"))
    filters = FilterBlock()

    def bounds(self, value):
        """(from, to) of the block's period: its custom dates if set, else the chosen period."""
        if value.get("date_from") or value.get("date_to"):
            return value.get("date_from"), value.get("date_to")
        return data.period_bounds(value.get("period"))

    def previous_bounds(self, value):
        start, end = self.bounds(value)
        if start is None:
            return None, None
        end = end or data.timezone.localdate()
        length = (end - start).days + 1
        return start - data.timedelta(days=length), start - data.timedelta(days=1)

    def has_previous(self, value):
        return self.bounds(value)[0] is not None

    def stats_filter(self, value, start=None, end=None):
        if start is None and end is None:
            start, end = self.bounds(value)
        return data.make_filter(value.get("filters") or {}, start, end)

    def comments_link(self, value, **extra):
        """The comments page with this block's period and filters (plus ``extra``)."""
        from nps_widgets.comments_page import comments_url

        params = dict(data.filter_params(value.get("filters") or {}))
        if value.get("date_from") or value.get("date_to"):
            params.update({"from": data.iso(value.get("date_from")) or "", "to": data.iso(value.get("date_to")) or ""})
        else:
            params["period"] = value.get("period") or ""
        return comments_url(**params, **extra)

    def build(self, value):  # pragma: no cover - every widget overrides it
        raise NotImplementedError

    def reference(self, value):
        """A signed, tamper-proof description of this block for the re-render endpoint."""
        return signing.dumps(
            {"t": type(self).__name__, "v": self.get_prep_value(value)}, salt=SIGNING_SALT, compress=True,
            serializer=_Serializer,
        )

    def live_attrs(self, value):
        from django.urls import NoReverseMatch, reverse

        try:
            src = reverse("nps_widgets:block") + "?b=" + self.reference(value)
        except NoReverseMatch:
            return ""
        live_filter = {**data.filter_params(value.get("filters") or {})}
        start, end = self.bounds(value)
        if start:
            live_filter["from"] = start.isoformat()
        if end:
            live_filter["to"] = end.isoformat()
        return format_html(' data-live-src="{}" data-live-filter="{}"', src, json.dumps(live_filter))

    def describe_filters(self, value):
        from npshub.feedback import reference

        parts = []
        for name, text in data.filter_params(value.get("filters") or {}).items():
            slugs = [slug.strip() for slug in text.split(",") if slug.strip()]
            names = reference.labels(name, slugs)  # what people read, in their language
            parts.append(f"{DIMENSION_LABELS[name]}: {', '.join(names[slug] for slug in slugs)}")
        start, end = self.bounds(value)
        if value.get("date_from") or value.get("date_to"):
            period = f"{data.iso(start) or '…'} – {data.iso(end) or '…'}"
        else:
            period = dict(data.PERIODS).get(value.get("period"))
        return " · ".join([str(period)] + parts if period else parts)

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["data"] = self.build(value)
        context["live_attrs"] = self.live_attrs(value)
        context["filters_text"] = self.describe_filters(value)
        return context

    def get_api_representation(self, value, context=None):
        filters = data.filter_params(value.get("filters") or {})
        start, end = self.bounds(value)
        return _jsonable({
            "title": value["title"],
            "period": value.get("period"),
            "from": start, "to": end,
            "filters": filters,
            **self.build(value),
        })


def _jsonable(obj):
    if isinstance(obj, Promise):
        return str(obj)
    if isinstance(obj, dict):
        return {k: _jsonable(v) for k, v in obj.items() if k != "svg"}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    return obj


class HeadlineScoreBlock(WidgetBlock):
    """The NPS with its margin of error, the change against the previous period and the split."""

    compare_previous = blocks.BooleanBlock(required=False, default=True, label=_("Show the change against the previous period"))

    class Meta:
        icon = "pick"
        template = "nps_widgets/blocks/headline_score.html"
        label = _("Headline NPS")
        default = {"title": _("Our NPS"), "period": "90", "compare_previous": True}

    def build(self, value):
        current_filter = self.stats_filter(value)
        score = data.score(current_filter)
        result = {"score": score, "shares": data.shares(score), "trend": None}
        if value.get("compare_previous") and self.has_previous(value):
            start, end = self.previous_bounds(value)
            comparison = data.compare(current_filter, self.stats_filter(value, start, end))
            result["trend"] = {
                "previous": comparison["b"], "change": comparison["change"], "significant": comparison["significant"],
                "from": start, "to": end,
            }
        return result


class TrendChartBlock(WidgetBlock):
    interval = blocks.ChoiceBlock(
        choices=[("day", _("Day")), ("week", _("Week")), ("month", _("Month"))], default="month", label=_("Interval"),
    )
    chart_type = blocks.ChoiceBlock(choices=[("line", _("Line")), ("bars", _("Bars"))], default="line", label=_("Chart type"))

    class Meta:
        icon = "view"
        template = "nps_widgets/blocks/trend_chart.html"
        label = _("NPS trend chart")
        default = {"title": _("NPS over time"), "period": "365", "interval": "month", "chart_type": "line"}

    def build(self, value):
        points = data.timeseries(self.stats_filter(value), value.get("interval") or "month")
        return {
            "interval": value.get("interval") or "month",
            "points": points,
            "svg": charts.trend_chart(points, value["title"], value.get("chart_type") or "line",
                                      interval=value.get("interval") or "month"),
        }


class DistributionBlock(WidgetBlock):
    class Meta:
        icon = "list-ul"
        template = "nps_widgets/blocks/distribution.html"
        label = _("Promoters, passives, detractors")
        default = {"title": _("Who recommends us"), "period": "90"}

    def build(self, value):
        score = data.score(self.stats_filter(value))
        return {"score": score, "shares": data.shares(score), "svg": charts.distribution_chart(score, value["title"])}


class BreakdownBlock(WidgetBlock):
    by = blocks.ChoiceBlock(choices=[(k, v) for k, v in DIMENSION_LABELS.items()], default="product", label=_("Break down by"))
    display = blocks.ChoiceBlock(choices=[("bars", _("Bars")), ("table", _("Table"))], default="bars", label=_("Show as"))
    limit = blocks.IntegerBlock(min_value=1, max_value=50, default=10, label=_("At most N rows"))

    class Meta:
        icon = "table"
        template = "nps_widgets/blocks/breakdown.html"
        label = _("NPS breakdown")
        default = {"title": _("NPS by product"), "period": "90", "by": "product", "display": "bars", "limit": 10}

    def build(self, value):
        by = value.get("by") or "product"
        # The core's one fair-ranking rule: by the lower end of the margin; too few answers apart, never ranked.
        groups = stats.fair_groups(data.breakdown(self.stats_filter(value), by))
        limit = value.get("limit") or 10
        ranked, too_few = groups["ranked"][:limit], groups["too_few"][:limit]
        result = {"by": by, "by_label": DIMENSION_LABELS.get(by, by), "rows": ranked + too_few,
                  "ranked": ranked, "too_few": too_few, "min_responses": groups["min_responses"]}
        if ranked and (value.get("display") or "bars") == "bars":
            result["svg"] = charts.hbar_chart(ranked, value["title"], label_key="label", note_key="responses")
        return result


class ComparisonBlock(WidgetBlock):
    against = blocks.ChoiceBlock(
        choices=[("previous", _("The period just before")), ("last_year", _("The same period a year earlier"))],
        default="previous", label=_("Compare with"),
    )

    class Meta:
        icon = "doc-full"
        template = "nps_widgets/blocks/comparison.html"
        label = _("Compare two periods")
        default = {"title": _("This period against the last"), "period": "30", "against": "previous"}

    def build(self, value):
        start, end = self.bounds(value)
        if start is None:  # "all time" has nothing before it: compare the last 30 days
            start, end = data.period_bounds("30")
        end = end or data.timezone.localdate()
        if value.get("against") == "last_year":
            b_start, b_end = data.year_earlier(start), data.year_earlier(end)
        else:
            b_start, b_end = self.previous_bounds({"date_from": start, "date_to": end})
        comparison = data.compare(self.stats_filter(value, start, end), self.stats_filter(value, b_start, b_end))
        return {
            "a": {**comparison["a"], "from": start, "to": end},
            "b": {**comparison["b"], "from": b_start, "to": b_end},
            "change": comparison["change"],
            "significant": comparison["significant"],
        }


class CommentStreamBlock(WidgetBlock):
    topic = blocks.ChoiceBlock(choices=_topic_choices, required=False, label=_("Topic"))
    band = blocks.ChoiceBlock(
        choices=[(key, label) for key, label, _low, _high in data.SCORE_BANDS], required=False, default="", label=_("Scores"),
    )
    count = blocks.IntegerBlock(min_value=1, max_value=50, default=6, label=_("Number of comments"))

    class Meta:
        icon = "openquote"
        template = "nps_widgets/blocks/comment_stream.html"
        label = _("Customer comments")
        default = {"title": _("What customers say"), "period": "30", "count": 6, "band": ""}

    def build(self, value):
        topic = value.get("topic") or ""
        return {
            "more": self.comments_link(value, topic=topic, band=value.get("band") or ""),
            "uses": [str(label) for key, label in _topic_choices() if key and key == topic]
            + [str(label) for key, label, _low, _high in data.SCORE_BANDS if key and key == value.get("band")],
            "comments": data.comment_rows(
                self.stats_filter(value), topic=value.get("topic"), band=value.get("band") or "", limit=value.get("count") or 6,
            ),
        }


class TopicChartBlock(WidgetBlock):
    limit = blocks.IntegerBlock(min_value=1, max_value=20, default=8, label=_("At most N topics"))

    class Meta:
        icon = "tag"
        template = "nps_widgets/blocks/topic_chart.html"
        label = _("Topics detractors mention")
        default = {"title": _("What detractors talk about"), "period": "90", "limit": 8}

    def build(self, value):
        rows = data.topic_rows(self.stats_filter(value), value.get("limit") or 8)
        for row in rows:
            row["link"] = self.comments_link(value, topic=row.get("topic"))
            row["label"] = _("%(count)s · NPS %(nps)s") % {
                "count": formats.number(row.get("detractor_mentions", 0)),
                "nps": formats.number(row.get("nps"), 1),
            }
        return {
            "topics": rows,
            "svg": charts.hbar_chart(
                rows, value["title"], value_key="detractor_mentions", label_key="name", note_key="nps", diverging=False,
                text_key="label", link_key="link",
            ),
        }


BLOCKS = [
    ("headline_score", HeadlineScoreBlock()),
    ("trend_chart", TrendChartBlock()),
    ("distribution", DistributionBlock()),
    ("breakdown", BreakdownBlock()),
    ("comparison", ComparisonBlock()),
    ("comment_stream", CommentStreamBlock()),
    ("topic_chart", TopicChartBlock()),
]
BLOCK_CLASSES = {type(block).__name__: type(block) for _name, block in BLOCKS}


def load_reference(reference):
    """(block instance, value) from a signed reference; raises signing.BadSignature."""
    payload = signing.loads(reference, salt=SIGNING_SALT, serializer=_Serializer)
    block_class = BLOCK_CLASSES.get(payload.get("t"))
    if block_class is None:
        raise signing.BadSignature("unknown block")
    block = block_class()
    return block, block.to_python(payload.get("v") or {})
