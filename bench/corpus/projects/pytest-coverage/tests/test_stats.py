from metrics.stats import mean, percentile


def test_mean():
    assert mean([1.0, 2.0, 3.0]) == 2.0


def test_percentile_median():
    assert percentile([1.0, 2.0, 3.0], 50) == 2.0
