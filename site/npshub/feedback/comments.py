"""The customer comment stream: the queryset behind GET /api/v1/comments/, its export and the
comment-stream block. Comments are shown and searched masked (``Response.comment_masked``, stored
once as ``masking.mask_pii(comment)``), so a search never reveals what the mask hides; contacts never.

``CommentFilterSet`` declares and checks the API's parameters: the statistics filters
(npshub.feedback.filters) plus ``topic``, ``q``, ``score_min`` and ``score_max``."""

import django_filters
from django import forms
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field

from npshub.feedback.filters import OrderedForm, StatsFilterSet, ValuesFilter, not_after
from npshub.feedback.models import Response
from npshub.params import is_number

EXPORT_COLUMNS = (
    "id", "submitted_at", "score", "category", "comment", "topics", "source", "segment", "product", "channel",
    "region", "team", "language",
)


def comment_queryset(stats_filter, topic=None, q=None, score_min=None, score_max=None, queryset=None):
    """Responses with a comment matching the filters, newest first (of ``queryset``: all by default).

    ``topic``: a topic slug or a list of slugs (any of them); ``q``: words that must all appear
    in the masked comment (case-insensitive); ``score_min``/``score_max``: inclusive score bounds."""
    queryset = Response.objects.all() if queryset is None else queryset
    queryset = stats_filter.apply(queryset.exclude(comment=""))
    if topic:
        slugs = [topic] if isinstance(topic, str) else list(topic)
        queryset = queryset.filter(
            pk__in=Response.topics.through.objects.filter(topic__slug__in=slugs).values("response_id")
        )
    for word in (q or "").split():
        queryset = queryset.filter(comment_masked__icontains=word)
    if score_min is not None:
        queryset = queryset.filter(score__gte=score_min)
    if score_max is not None:
        queryset = queryset.filter(score__lte=score_max)
    return queryset.select_related("source").prefetch_related("topics").order_by("-submitted_at", "-pk")


class ScoreField(forms.Field):
    """A whole number 0..10; the message names the parameter."""

    def __init__(self, *args, param, **kwargs):
        self.param = param
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = str(value or "").strip()
        if not value:
            return None
        if not is_number(value) or not 0 <= int(value) <= 10:
            raise forms.ValidationError(_("'%(name)s' must be a whole number 0..10, not %(value)s.") % {
                "name": self.param, "value": repr(value[:40])}, code="invalid")
        return int(value)


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": 10})
class ScoreFilter(django_filters.NumberFilter):
    field_class = ScoreField


def not_above():
    return _("'%(low)s' must not be above '%(high)s'.")


class CommentForm(OrderedForm):
    ordered = (("from", "to", not_after), ("score_min", "score_max", not_above))


class CommentFilterSet(StatsFilterSet):
    """The comment stream's parameters; ``qs`` is ``comment_queryset`` of the view's queryset."""

    topic = ValuesFilter(field_name="topics__slug", help_text="Topic slug: one value, a comma-separated list, "
                                                              "or the parameter repeated (any of them).")
    q = django_filters.CharFilter(help_text="Words that must all appear in the masked comment "
                                  "(searches are throttled per user: NPSHUB_SEARCH_RATE, default 30/min).")
    score_min = ScoreFilter(field_name="score", lookup_expr="gte", param="score_min", help_text="Lowest score, 0..10.")
    score_max = ScoreFilter(field_name="score", lookup_expr="lte", param="score_max", help_text="Highest score, 0..10.")

    class Meta(StatsFilterSet.Meta):
        form = CommentForm

    def filter_queryset(self, queryset):
        data = self.checked().form.cleaned_data
        return comment_queryset(self.stats_filter(), topic=data.get("topic") or None, q=data.get("q") or None,
                                score_min=data.get("score_min"), score_max=data.get("score_max"), queryset=queryset)


def comment_item(response):
    """One comment as the API, the exports and the blocks show it: masked, without contact data."""
    return {
        "id": response.pk,
        "submitted_at": response.submitted_at.isoformat(),
        "score": response.score,
        "category": response.category,
        "comment": response.comment_masked,
        "topics": [{"slug": topic.slug, "name": topic.tr.name} for topic in response.topics.all()],
        "source": response.source.slug,
        "segment": response.segment,
        "product": response.product,
        "channel": response.channel,
        "region": response.region,
        "team": response.team,
        "language": response.language,
    }


def quote_key(text):
    """What makes two quotes the same one: their words, whatever the case and spacing. Many customers
    write the same words; a screen, page or e-mail quotes them once."""
    return " ".join(str(text or "").casefold().split())
