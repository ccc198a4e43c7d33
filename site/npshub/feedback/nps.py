"""The NPS maths, in one place (formulas fixed in ARCHITECTURE.md)."""

import math
from decimal import ROUND_HALF_UP, Decimal


def one_decimal(value):
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


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
