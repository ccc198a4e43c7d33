"""Labels of dimension values: what a person reads instead of a slug (``kettle`` → "Электрочайник").

Responses keep slugs as keys (``product``, ``region``, ``segment``, ``channel``, ``team`` and the
``source``); every page, chart, filter, e-mail, card and export meant for people shows
``label(dimension, slug)`` in the reader's language. The labels are reference records
(``DimensionValue``, a translatable snippet: Admin → Dimension values) that ingestion creates for
every new slug, labelled with the slug until a CX admin names it. The API keeps slugs as keys and
adds labels.

    labels("team", ["webshop", "store-1"])  → {"webshop": "Web shop", "store-1": "Store 1"}
    label("region", "moscow")               → "Moscow"
    ensure({"product": {"kettle"}})         → creates the records of values never seen before

A value's label, in order: its record in the reader's language, its record in the default
language, the name of the team / region / source record it is the slug of, the slug itself.
"""

from django.conf import settings
from django.db.models import Q
from django.utils import translation

from npshub.feedback.models import DIMENSIONS

LABELLED = (*DIMENSIONS, "source")


def _check(dimension):
    if dimension not in LABELLED:
        raise ValueError(f"Unknown dimension {dimension!r}; one of {', '.join(LABELLED)}.")


def _named(dimension, slugs):
    """{slug: name} from the records that also name values (teams, regions, sources)."""
    from npshub.feedback.models import Source
    from npshub.people.models import Region, Team

    model = {"team": Team, "region": Region, "source": Source}.get(dimension)
    if model is None:
        return {}
    queryset = model.objects.all()
    if slugs is not None:
        queryset = queryset.filter(slug__in=slugs)
    return dict(queryset.values_list("slug", "name"))


def _recorded(dimension, slugs, language):
    """{slug: label} from the reference records, the reader's language over the default's; values
    still labelled with their slug (nobody named them yet) are left out."""
    from npshub.feedback.models import DimensionValue

    default = settings.LANGUAGE_CODE
    rows = DimensionValue.objects.filter(dimension=dimension, locale__language_code__in={language, default})
    if slugs is not None:
        rows = rows.filter(slug__in=slugs)
    found = {}
    for slug, text, code in rows.values_list("slug", "label", "locale__language_code"):
        if text and text != slug and (code == language or slug not in found):
            found[slug] = text
    return found


def labels(dimension, slugs=None, language=None):
    """``{slug: label}`` for ``slugs`` (every known value when None), in ``language`` (default: active)."""
    _check(dimension)
    slugs = None if slugs is None else [slug for slug in slugs if slug]
    if slugs == []:
        return {}
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    named = {**_named(dimension, slugs), **_recorded(dimension, slugs, language)}
    if slugs is None:
        return named
    return {slug: named.get(slug) or slug for slug in slugs}


def label(dimension, slug, language=None):
    """The label of one value (its slug when unnamed; "" for an empty value)."""
    if not slug:
        return ""
    return labels(dimension, [slug], language)[slug]


def ensure(values):
    """Create the default-language record of every value in ``values`` ({dimension: slugs}) that
    has none yet, labelled with its slug. One query finds the known ones, one inserts the rest."""
    from wagtail.models import Locale

    from npshub.feedback.models import DimensionValue

    wanted = {(dimension, slug) for dimension, slugs in values.items() for slug in slugs if slug}
    if not wanted:
        return 0
    condition = Q()
    for dimension in {dimension for dimension, _slug in wanted}:
        condition |= Q(dimension=dimension, slug__in=[slug for d, slug in wanted if d == dimension])
    known = set(DimensionValue.objects.filter(condition).values_list("dimension", "slug"))
    missing = sorted(wanted - known)
    if missing:
        locale = Locale.get_default()
        DimensionValue.objects.bulk_create(
            [DimensionValue(dimension=dimension, slug=slug, label=slug, locale=locale) for dimension, slug in missing],
            ignore_conflicts=True,  # a concurrent import may create the same value
        )
    return len(missing)


def values_of(rows):
    """{dimension: slugs} of the dimension fields of response rows (objects or dicts)."""
    found = {dimension: set() for dimension in DIMENSIONS}
    for row in rows:
        for dimension in DIMENSIONS:
            value = row.get(dimension) if isinstance(row, dict) else getattr(row, dimension, "")
            if value:
                found[dimension].add(value)
    return found
