"""Labels of dimension values: what a person reads instead of a slug (``kettle`` → "Электрочайник").

Responses keep slugs as keys (``product``, ``region``, ``segment``, ``channel``, ``team`` and the
``source``); every page, chart, filter, e-mail, card and export meant for people shows
``label(dimension, slug)`` in the reader's language. A value nobody has named yet is shown as its
slug. The API keeps slugs as keys and adds labels.

    labels("team", ["webshop", "store-1"])  → {"webshop": "Web shop", "store-1": "Store 1"}
    label("region", "moscow")               → "Moscow"
"""

from django.utils import translation

from npshub.feedback.models import DIMENSIONS

LABELLED = (*DIMENSIONS, "source")


def _check(dimension):
    if dimension not in LABELLED:
        raise ValueError(f"Unknown dimension {dimension!r}; one of {', '.join(LABELLED)}.")


def _named(dimension, slugs):
    """{slug: name} from the records that name values today (teams, regions, sources)."""
    from npshub.feedback.models import Source
    from npshub.people.models import Region, Team

    model = {"team": Team, "region": Region, "source": Source}.get(dimension)
    if model is None:
        return {}
    queryset = model.objects.all()
    if slugs is not None:
        queryset = queryset.filter(slug__in=slugs)
    return dict(queryset.values_list("slug", "name"))


def labels(dimension, slugs=None, language=None):
    """``{slug: label}`` for ``slugs`` (every named value when None), in ``language`` (default: active)."""
    _check(dimension)
    slugs = None if slugs is None else [slug for slug in slugs if slug]
    with translation.override(language or translation.get_language()):
        named = _named(dimension, slugs)
    if slugs is None:
        return named
    return {slug: named.get(slug) or slug for slug in slugs}


def label(dimension, slug, language=None):
    """The label of one value (its slug when unnamed; "" for an empty value)."""
    if not slug:
        return ""
    return labels(dimension, [slug], language)[slug]
