"""The NPS rules and maths, in one place (formulas fixed in ARCHITECTURE.md).

Categories: promoters answer 9–10, passives 7–8, detractors 0–6; a skipped question (``None``)
belongs to none. Everything that classifies a score, in Python or in SQL, uses this module.
"""

import math
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

PROMOTER, PASSIVE, DETRACTOR = "promoter", "passive", "detractor"
CATEGORIES = (PROMOTER, PASSIVE, DETRACTOR)
PROMOTER_MIN = 9   # 9..10
PASSIVE_MIN = 7    # 7..8
DETRACTOR_MAX = 6  # 0..6
SCORE_RANGE = {PROMOTER: (PROMOTER_MIN, 10), PASSIVE: (PASSIVE_MIN, PROMOTER_MIN - 1), DETRACTOR: (0, DETRACTOR_MAX)}


def category(score):
    """``"promoter"``, ``"passive"``, ``"detractor"`` for a 0..10 score; None when skipped."""
    if score is None:
        return None
    return PROMOTER if score >= PROMOTER_MIN else PASSIVE if score >= PASSIVE_MIN else DETRACTOR


def category_index(score):
    """0 promoter, 1 passive, 2 detractor (the order of ``CATEGORIES``); None when skipped."""
    name = category(score)
    return None if name is None else CATEGORIES.index(name)


def category_q(name, field="score"):
    """A ``Q`` selecting the rows of one category; ``field`` may follow relations (``response__score``)."""
    low, high = SCORE_RANGE[name]
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def category_counts(field="score", prefix=""):
    """``{prefix + "promoters": Count(...), "passives": ..., "detractors": ...}`` for ``aggregate``/``annotate``."""
    return {
        f"{prefix}promoters": Count("pk", filter=category_q(PROMOTER, field)),
        f"{prefix}passives": Count("pk", filter=category_q(PASSIVE, field)),
        f"{prefix}detractors": Count("pk", filter=category_q(DETRACTOR, field)),
    }


def category_flags(score):
    """``(is_promoter, is_passive, is_detractor)`` as 0/1 ints, for additive rollup measures."""
    name = category(score)
    return int(name == PROMOTER), int(name == PASSIVE), int(name == DETRACTOR)


def one_decimal(value):
    """``value`` rounded to one decimal, halves away from zero, as its decimal text reads (0.15 -> 0.2,
    -0.25 -> -0.3). Only a value whose tenths are (nearly) a half needs the exact decimal; any other
    rounds the same in floats, ten times faster (a daily series rounds thousands)."""
    scaled = abs(value) * 10
    fraction = scaled % 1
    if abs(fraction - 0.5) < 1e-6:
        return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    tenths = math.floor(scaled + 0.5)
    return (tenths if value >= 0 else -tenths) / 10


def score_result(promoters, passives, detractors):
    """NPS, counts and the 95% margin of error; ``nps`` is None without responses."""
    n = promoters + passives + detractors
    result = {
        "nps": None,
        "responses": n,
        "promoters": promoters,
        "passives": passives,
        "detractors": detractors,
        "margin_of_error": None,
    }
    if n:
        p_promoters, p_detractors = promoters / n, detractors / n
        difference = p_promoters - p_detractors
        variance = max(p_promoters + p_detractors - difference**2, 0.0)
        result["nps"] = one_decimal(100 * difference)
        result["margin_of_error"] = one_decimal(1.96 * 100 * math.sqrt(variance / n))
    return result
