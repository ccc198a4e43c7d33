import pytest

from npshub import metrics


def test_call_uses_provider_or_default():
    with metrics.swap("education.user_progress", None):
        assert metrics.call("education.user_progress", 1, default=0) == 0
        assert "education.user_progress" not in metrics.available()
    with metrics.swap("outreach.target_hours", lambda: 12):
        assert metrics.call("outreach.target_hours", default=0) == 12
        assert "outreach.target_hours" in metrics.available()


def test_every_name_is_declared_with_a_meaning():
    for name, metric in metrics.DECLARED.items():
        assert metric.name == name and metric.meaning and metric.signature.startswith("(")


def test_undeclared_names_fail_loudly():
    with pytest.raises(metrics.UnknownMetric, match="'outreach.user_count' is not declared"):
        metrics.provide("outreach.user_count", lambda user: {})
    with pytest.raises(metrics.UnknownMetric):
        metrics.call("recognition.top_team", None, None, 3, default=[])
    with pytest.raises(metrics.UnknownMetric):
        metrics.get("nope")
    with pytest.raises(metrics.UnknownMetric):
        with metrics.swap("nope", None):
            pass


def test_a_second_provider_is_refused_and_swap_restores_the_first():
    def first():
        return 1

    def second():
        return 2

    with metrics.swap("outreach.target_hours", first):
        metrics.provide("outreach.target_hours", first)  # the same provider again: harmless
        with pytest.raises(metrics.MetricClash, match="already has a provider"):
            metrics.provide("outreach.target_hours", second)
        with metrics.swap("outreach.target_hours", second):
            assert metrics.call("outreach.target_hours") == 2
        assert metrics.get("outreach.target_hours") is first
    with metrics.swap("outreach.target_hours", None):
        assert metrics.get("outreach.target_hours") is None
        with metrics.swap("outreach.target_hours", second):
            assert metrics.call("outreach.target_hours") == 2
        assert metrics.get("outreach.target_hours") is None
