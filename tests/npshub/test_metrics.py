from npshub import metrics


def test_call_uses_provider_or_default():
    assert metrics.call("test.missing", 1, default=0) == 0
    metrics.provide("test.double", lambda x: 2 * x)
    try:
        assert metrics.call("test.double", 4, default=0) == 8
        assert "test.double" in metrics.available()
    finally:
        metrics._providers.pop("test.double")
