"""The customer comment stream: the queryset behind GET /api/v1/comments/, its export and the
comment-stream block. Comments are shown and searched masked (``Response.comment_masked``, stored
once as ``masking.mask_pii(comment)``), so a search never reveals what the mask hides; contacts never."""

from npshub.feedback.models import Response

EXPORT_COLUMNS = (
    "id", "submitted_at", "score", "category", "comment", "topics", "source", "segment", "product", "channel",
    "region", "team", "language",
)


def comment_queryset(stats_filter, topic=None, q=None, score_min=None, score_max=None):
    """Responses with a comment matching the filters, newest first.

    ``topic``: a topic slug or a list of slugs (any of them); ``q``: words that must all appear
    in the masked comment (case-insensitive); ``score_min``/``score_max``: inclusive score bounds."""
    queryset = stats_filter.apply(Response.objects.exclude(comment=""))
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
