import math

from hypothesis import given
from hypothesis import strategies as st

from npshub.feedback.nps import one_decimal, score_result


def test_formula_matches_architecture():
    result = score_result(promoters=50, passives=30, detractors=20)
    assert result["nps"] == 30.0
    # 1.96 × 100 × sqrt((0.5 + 0.2 − 0.3²) / 100) = 15.31
    assert result["margin_of_error"] == 15.3
    assert result["responses"] == 100


def test_no_responses_gives_null_score():
    result = score_result(0, 0, 0)
    assert result["nps"] is None and result["margin_of_error"] is None and result["responses"] == 0


def test_all_detractors():
    assert score_result(0, 0, 7)["nps"] == -100.0
    assert score_result(0, 0, 7)["margin_of_error"] == 0.0


def test_rounds_half_up():
    assert one_decimal(0.25) == 0.3
    assert one_decimal(-0.25) == -0.3


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_bounds(p, pa, d):
    result = score_result(p, pa, d)
    if p + pa + d == 0:
        assert result["nps"] is None
        return
    assert -100 <= result["nps"] <= 100
    expected = 100 * (p - d) / (p + pa + d)
    assert math.isclose(result["nps"], expected, abs_tol=0.05 + 1e-9)
    assert result["margin_of_error"] >= 0
