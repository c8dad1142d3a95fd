"""The curve 1/(1 + a r^{2b}) and its fit (mlmath.dimensionality_reduction.umap.curve)."""

import warnings

import numpy as np
import pytest
from scipy.optimize import approx_fprime

from mlmath.dimensionality_reduction.umap.curve import (
    find_ab_params,
    low_dim_similarity,
    target_similarity,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import umap.umap_ as umap_internals


def _cost(a, b, spread, min_dist):
    r = np.linspace(0.0, 3.0 * spread, 300)
    res = low_dim_similarity(r, a, b) - target_similarity(r, min_dist, spread)
    return res @ res


@pytest.mark.parametrize("spread, min_dist", [(1.0, 0.1), (1.0, 0.0), (1.0, 0.5), (2.0, 0.3),
                                              (0.5, 0.01), (1.0, 0.99)])
def test_ab_equal_umap_learns(spread, min_dist):
    a, b = find_ab_params(spread, min_dist)
    ref_a, ref_b = umap_internals.find_ab_params(spread, min_dist)
    # scipy's curve_fit stops at a relative parameter change of 1.5e-8, which leaves its
    # answer a few 1e-7 (relative) from the minimiser; ours is at least as good a fit
    np.testing.assert_allclose([a, b], [ref_a, ref_b], rtol=2e-5)
    assert _cost(a, b, spread, min_dist) <= _cost(ref_a, ref_b, spread, min_dist) * (1 + 1e-9)


def test_the_fit_is_a_stationary_point():
    # the Jacobian of the code, checked through the gradient of the cost it minimises
    a, b = find_ab_params(1.0, 0.1)
    grad = approx_fprime([a, b], lambda t: _cost(t[0], t[1], 1.0, 0.1), 1e-7)
    assert np.max(np.abs(grad)) < 1e-5


def test_curve_values():
    assert low_dim_similarity(0.0, 1.6, 0.9) == 1.0
    np.testing.assert_allclose(low_dim_similarity(1.0, 1.6, 0.9), 1 / 2.6)
    np.testing.assert_allclose(target_similarity([0.05, 1.1], 0.1, 1.0), [1.0, np.exp(-1.0)])


def test_bad_parameters_are_refused():
    with pytest.raises(ValueError, match="spread"):
        find_ab_params(0.0, 0.1)
    with pytest.raises(ValueError, match="min_dist"):
        find_ab_params(1.0, -0.1)
    with pytest.raises(ValueError, match="must not exceed"):
        find_ab_params(1.0, 2.0)
