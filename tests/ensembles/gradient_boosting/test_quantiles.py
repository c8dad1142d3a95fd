"""Weighted quantiles per group: the minimiser of the pinball loss, scikit-learn's convention."""

import numpy as np
import pytest
from sklearn.utils.stats import _weighted_percentile

from mlmath.ensembles.gradient_boosting.quantiles import (
    grouped_weighted_quantile,
    weighted_quantile,
)


def pinball(values, weights, c, q):
    u = values - c
    return np.sum(weights * np.where(u >= 0, q * u, (q - 1) * u))


@pytest.mark.parametrize("integer_weights", [True, False])
def test_each_group_quantile_minimises_the_weighted_pinball_loss(integer_weights):
    rng = np.random.default_rng(0)
    for _ in range(200):
        n, G = rng.integers(1, 30), rng.integers(1, 4)
        v = rng.normal(size=n).round(1)  # ties on purpose
        w = rng.integers(1, 4, n).astype(float) if integer_weights else rng.uniform(0.1, 2, n)
        g = rng.integers(0, G, n)
        q = rng.choice([0.1, 0.5, 0.9, rng.uniform(0.05, 0.95)])
        out = grouped_weighted_quantile(v, w, g, G, q)
        for k in range(G):
            m = g == k
            if not m.any():
                assert out[k] == 0.0
                continue
            # brute force: the pinball loss is piecewise linear, so a minimiser is a data point
            best = min(pinball(v[m], w[m], c, q) for c in v[m])
            assert pinball(v[m], w[m], out[k], q) <= best + 1e-12
            assert out[k] in v[m]


def test_agrees_with_scikit_learns_weighted_percentile_bit_for_bit():
    rng = np.random.default_rng(1)
    for trial in range(300):
        n, G = rng.integers(1, 40), rng.integers(1, 5)
        v = rng.normal(size=n).round(rng.integers(0, 3))
        w = np.ones(n) if trial % 3 == 0 else rng.choice([1.0, rng.uniform(0, 2)], size=n)
        g = rng.integers(0, G, n)
        q = rng.choice([0.5, 0.9, 0.1, rng.uniform(0.01, 0.99)])
        out = grouped_weighted_quantile(v, w, g, G, q)
        for k in np.unique(g):
            m = g == k
            if w[m].sum() > 0:
                assert out[k] == _weighted_percentile(v[m], w[m], 100 * q)


def test_lower_median_of_an_even_sample_and_single_quantile():
    # inverted cdf: the smallest value whose cumulative weight reaches half the total
    assert weighted_quantile(np.array([4.0, 1.0, 3.0, 2.0]), np.ones(4), 0.5) == 2.0
    assert weighted_quantile(np.array([1.0, 2.0]), np.array([1.0, 3.0]), 0.5) == 2.0
    assert weighted_quantile(np.array([5.0]), np.ones(1), 0.9) == 5.0
    assert grouped_weighted_quantile(np.array([]), np.array([]), np.array([], int), 3,
                                     0.5).tolist() == [0, 0, 0]
