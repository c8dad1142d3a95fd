"""Binning: at most max_bin bins, monotone, one bin per value when few, NaN to the missing bin."""

import numpy as np
import pytest

from mlmath.ensembles.histogram_boosting import bin_data, quantile_bin_edges


@pytest.mark.parametrize("max_bin", [2, 7, 255])
def test_at_most_max_bin_bins_monotone_and_nan_to_the_missing_bin(max_bin):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.standard_normal(2000), rng.exponential(size=2000),
                         rng.integers(0, 3, 2000)])
    X[rng.random(X.shape) < 0.05] = np.nan
    edges = quantile_bin_edges(X, max_bin=max_bin)
    B = bin_data(X, edges, max_bin=max_bin)
    assert B.dtype == np.uint8
    nan = np.isnan(X)
    assert np.all(B[nan] == max_bin)
    for j in range(3):
        ok = ~nan[:, j]
        assert len(np.unique(B[ok, j])) <= max_bin and B[ok, j].max() < max_bin
        order = np.argsort(X[ok, j])
        assert np.all(np.diff(B[ok, j][order].astype(int)) >= 0)
        # the real rule of bin b is e_{b-1} < x <= e_b
        e = np.concatenate([[-np.inf], edges[j], [np.inf]])
        b = B[ok, j].astype(int)
        assert np.all((e[b] < X[ok, j]) & (X[ok, j] <= e[b + 1]))


def test_few_distinct_values_get_one_bin_each_and_quantiles_balance_the_rest():
    rng = np.random.default_rng(1)
    x = rng.choice([-1.0, 0.5, 2.0, 7.0], size=300)
    edges = quantile_bin_edges(x[:, None], max_bin=4)
    np.testing.assert_allclose(edges[0], [-0.25, 1.25, 4.5])
    z = rng.standard_normal(10000)
    counts = np.bincount(bin_data(z[:, None], quantile_bin_edges(z[:, None], 10))[:, 0])
    assert counts.size == 10 and np.all(np.abs(counts - 1000) <= 1)


def test_weights_act_as_repetitions_and_bad_input_is_refused():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(600)
    w = rng.integers(1, 4, 600)
    weighted = quantile_bin_edges(x[:, None], 20, sample_weight=w)
    repeated = quantile_bin_edges(np.repeat(x, w)[:, None], 20)
    np.testing.assert_array_equal(weighted[0], repeated[0])
    with pytest.raises(ValueError, match="max_bin"):
        quantile_bin_edges(x[:, None], max_bin=256)
    with pytest.raises(ValueError, match="shape"):
        bin_data(np.zeros((3, 2)), weighted)
    assert quantile_bin_edges(np.full((4, 1), np.nan))[0].size == 0
